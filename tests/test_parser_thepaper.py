"""The Paper parsing on saved fixtures: feed answers and article pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsbot.dates import normalize_date
from newsbot.sources import thepaper

FIXTURES = Path(__file__).parent / "fixtures" / "thepaper"
PAGES = sorted(FIXTURES.glob("*/page.html"))


def load_api(name: str):
    return json.loads((FIXTURES / Path(name).stem / name).read_text(encoding="utf-8"))


def html(cont_id: str) -> str:
    return (FIXTURES / f"{cont_id}" / "page.html").read_text(encoding="utf-8")


def parse(cont_id: str, entry: thepaper.ListEntry | None = None):
    return thepaper.parse_article(html(cont_id), thepaper.ARTICLE_URL.format(id=cont_id), entry)


def page_with_detail(detail: dict, **detail_data) -> str:
    """A minimal Next.js page whose detailData holds ``detail`` as contentDetail."""
    data = {"props": {"pageProps": {"detailData": {"contentDetail": detail, **detail_data}}}}
    script = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
    return (
        "<html><head><title>页面标题_澎湃新闻-The Paper</title></head><body>"
        f'<script id="__NEXT_DATA__" type="application/json">{script}</script></body></html>'
    )


def test_list_keeps_order_and_skips_external_cards():
    listing = thepaper.parse_list(load_api("25950_1.json"))
    ids = [entry.id for entry in listing.entries]
    assert ids == ["34201077", "34202555", "34201001", "34203999"]
    assert listing.skipped == {"not_article": 1}
    assert listing.has_next is True and isinstance(listing.start_time, int)
    first = listing.entries[2]
    assert first.title.startswith("老旧小区加装电梯提速")
    assert normalize_date(first.publish_time) == "2026-11-20 14:05:33"
    assert first.author == "上海新闻"
    assert first.thumbnail.startswith("https://imagecloud.thepaper.cn/")


def test_list_past_the_end_is_empty_not_an_error():
    empty = {"code": 200, "data": {"list": [], "hasNext": False, "startTime": None}}
    listing = thepaper.parse_list(empty)
    assert listing.entries == [] and listing.has_next is False


def test_list_counts_cards_without_a_usable_id():
    payload = {"code": 200, "data": {"list": [{"contId": ""}, "junk", {"contId": "abc"}]}}
    assert thepaper.parse_list(payload).skipped == {"bad_id": 3}


@pytest.mark.parametrize(
    "payload",
    [
        None,
        [],
        {"code": 10000, "desc": "请求无效"},
        {"resultCode": 1, "data": {"list": []}},
        {"code": 200, "data": None},
        {"code": 200, "data": {"list": "x"}},
    ],
)
def test_list_errors(payload):
    with pytest.raises(thepaper.ListAPIError):
        thepaper.parse_list(payload)


def test_busy_fixture_is_an_error_naming_the_code():
    with pytest.raises(thepaper.ListAPIError, match="code=99998"):
        thepaper.parse_list(load_api("busy.json"))


@pytest.mark.parametrize(
    ("url", "cont_id"),
    [
        ("https://www.thepaper.cn/newsDetail_forward_34201001", "34201001"),
        ("http://thepaper.cn/newsDetail_forward_34201001?commTag=true", "34201001"),
        ("https://m.thepaper.cn/newsDetail_forward_34201001", "34201001"),
        ("https://m.thepaper.cn/detail/34201001", "34201001"),
        ("https://www.thepaper.cn/channel_25950", None),
        ("https://www.thepaper.cn/newsDetail_forward_x1", None),
        ("https://example.com/newsDetail_forward_34201001", None),
    ],
)
def test_article_id_from_url(url, cont_id):
    assert thepaper.article_id_from_url(url) == cont_id


def test_live_page_is_not_an_article_and_ignores_the_list_entry():
    entry = thepaper.ListEntry(id="34202555", title="直播回放", publish_time="1795230000000")
    item = parse("34202555", entry)
    assert (item.id, item.url) == ("34202555", thepaper.ARTICLE_URL.format(id="34202555"))
    assert item.title == item.date == item.body_html == ""  # dropped as missing_title


def test_page_without_next_data_gives_no_article():
    item = thepaper.parse_article("<html><h1>403 Forbidden</h1></html>", thepaper.ARTICLE_URL)
    assert item.title == "" and item.body_html == ""


def test_missing_author_falls_back_to_the_column():
    assert parse("34202310").author == "科学湃"


def test_relative_pub_time_falls_back_to_the_list_time():
    page = page_with_detail(
        {"contId": 1, "name": "标题", "pubTime": "3小时前", "content": "<p>x</p>"}
    )
    entry = thepaper.ListEntry(id="1", publish_time="1795230000000")
    assert thepaper.parse_article(page, thepaper.ARTICLE_URL.format(id=1), entry).date == (
        "1795230000000"
    )


def test_epoch_publish_time_is_accepted():
    page = page_with_detail({"contId": 1, "name": "标题", "publishTime": 1795230000000})
    assert thepaper.parse_article(page, thepaper.ARTICLE_URL.format(id=1)).date == "1795230000000"


def test_title_falls_back_to_the_head_without_the_site_suffix():
    page = page_with_detail({"contId": 1, "name": "", "content": "<p>x</p>"})
    assert thepaper.parse_article(page, thepaper.ARTICLE_URL.format(id=1)).title == "页面标题"


def test_thumbnail_prefers_share_pic_then_big_pic_then_the_list():
    page = page_with_detail({"contId": 1, "name": "t", "bigPic": "https://i.example/big.jpg"})
    entry = thepaper.ListEntry(id="1", thumbnail="https://i.example/list.jpg")
    assert thepaper.parse_article(page, "", entry).thumbnail == "https://i.example/big.jpg"
    page = page_with_detail({"contId": 1, "name": "t"})
    assert thepaper.parse_article(page, "", entry).thumbnail == "https://i.example/list.jpg"


def test_body_is_the_content_html_with_escaped_markup_decoded():
    body = parse("34201001").body_html
    assert body.startswith("<p>截至11月中旬") and body.count("<img ") == 3
    assert "\\u003c" not in body
