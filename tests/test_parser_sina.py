"""Sina parsing on saved fixtures: roll API answers, URL helpers and article pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsbot.html import clean_body
from newsbot.sources import sina

FIXTURES = Path(__file__).parent / "fixtures" / "sina"
PAGES = sorted(FIXTURES.glob("*/page.html"))


def load_api(name: str):
    return json.loads((FIXTURES / Path(name).stem / name).read_text(encoding="utf-8"))


def expected(page: Path) -> dict:
    return json.loads((FIXTURES / page.parent.name / "expected.json").read_text(encoding="utf-8"))


def parse(name: str, entry: sina.ListEntry | None = None):
    page = FIXTURES / f"{name}" / "page.html"
    return sina.parse_article(page.read_text(encoding="utf-8"), expected(page)["url"], entry)


def test_list_keeps_articles_in_order_and_counts_the_rest():
    listing = sina.parse_list(load_api("2509_1.json"))
    # The roll API's oid: what the site's files are named by.
    assert [e.id for e in listing.entries] == ["887402193", "887391734", "887420311", "887431562"]
    assert listing.skipped == {"video": 1, "not_article": 1}
    first = listing.entries[0]
    assert first.url == "https://news.sina.com.cn/c/2026-11-20/doc-inkqarts5201734.shtml"
    assert (first.publish_time, first.update_time) == ("2026-11-20 10:42:17", "2026-11-20 11:05:03")
    assert first.author == "中国新闻网"
    assert first.thumbnail.startswith("https://n.sinaimg.cn/news/crawl/117/")


def test_list_urls_are_made_canonical():
    [entry] = sina.parse_list(load_api("2516_1.json")).entries
    assert entry.url.startswith("https://finance.sina.com.cn/")  # listed as http://


@pytest.mark.parametrize(
    "payload",
    [
        None,
        [],
        {"data": []},
        {"result": {"status": {"code": 1, "msg": "busy"}, "data": []}},
        {"result": {"status": {"code": 0, "msg": "succ"}, "data": None}},
    ],
)
def test_list_errors(payload):
    with pytest.raises(sina.ListAPIError):
        sina.parse_list(payload)


def test_error_fixture_is_an_error():
    with pytest.raises(sina.ListAPIError, match="系统繁忙"):
        sina.parse_list(load_api("error.json"))


def test_status_code_as_string_is_accepted():
    payload = {"result": {"status": {"code": "0", "msg": "succ"}, "data": []}}
    assert sina.parse_list(payload).entries == []


def test_list_url():
    assert sina.list_url("2515", 3, 20) == (
        "https://feed.mix.sina.com.cn/api/roll/get?pageid=153&lid=2515&k=&num=20&page=3"
    )


@pytest.mark.parametrize(
    ("url", "canonical", "doc_id"),
    [
        (
            "https://news.sina.com.cn/c/2019-11-25/doc-iihnzahi3275702.shtml",
            "https://news.sina.com.cn/c/2019-11-25/doc-iihnzahi3275702.shtml",
            "ihnzahi3275702",
        ),
        (
            "http://finance.sina.com.cn/7x24/2026-08-23/doc-inipfkxk2936380.shtml?from=roll#x",
            "https://finance.sina.com.cn/7x24/2026-08-23/doc-inipfkxk2936380.shtml",
            "nipfkxk2936380",
        ),
        (
            "//tech.sina.com.cn/t/2026-11-21/doc-inkqdate4410925.shtml",
            "https://tech.sina.com.cn/t/2026-11-21/doc-inkqdate4410925.shtml",
            "nkqdate4410925",
        ),
        ("https://tech.sina.cn/2026-08-28/detail-inipvmmz4798526.d.html", None, None),
        ("https://video.sina.com.cn/p/news/2026-11-20/detail-inkqvide1187342.d.html", None, None),
        ("https://example.com/c/doc-iabc.shtml", None, None),
        ("https://news.sina.com.cn.example.com/c/doc-iabc.shtml", None, None),
    ],
)
def test_url_helpers(url, canonical, doc_id):
    assert sina.canonical_url(url) == canonical
    assert sina.article_id_from_url(url) == doc_id


def test_title_has_no_site_suffix():
    for page in PAGES:
        title = sina.parse_article(page.read_text("utf-8"), expected(page)["url"]).title
        assert "新浪" not in title and "|" not in title


def test_title_falls_back_to_the_title_tag_without_suffix():
    html = "<html><head><title>冬季供暖季开启|供暖_新浪新闻</title></head><body></body></html>"
    page = sina.ArticlePage(html, "https://news.sina.com.cn/c/2026-11-21/doc-iabc.shtml")
    assert page.title() == "冬季供暖季开启"


def test_date_only_in_the_visible_line():
    item = parse("nkqdate4410925")
    # No article:published_time meta: the visible minute, its seconds from Sina's own
    # creation time of the same minute (issue 17).
    assert item.date == "2026-11-21 09:35:40"
    assert item.author == "科技日报"  # no article:author meta: the a.source link


def test_default_share_image_is_no_thumbnail_and_the_list_cover_stands_in():
    assert parse("nkqfinm8830417").thumbnail == ""
    entry = sina.ListEntry(id="nkqfinm8830417", thumbnail="https://n.sinaimg.cn/x/cover.jpg")
    assert parse("nkqfinm8830417", entry).thumbnail == "https://n.sinaimg.cn/x/cover.jpg"


def test_body_drops_the_video_player_qr_and_editor_and_keeps_captions_as_paragraphs():
    item = parse("nkqarts5201734")
    assert 'class="video-2017"' not in item.body_html
    assert "appendQr_wrap" not in item.body_html and "show_author" not in item.body_html
    body = clean_body(item.body_html, item.url)
    assert len(body.images) == 4 and all(i.startswith("https://n.sinaimg.cn/") for i in body.images)
    assert "<p>街角空地改建的小游园</p>" in body.html


def test_list_entry_url_is_the_canonical_url():
    page = FIXTURES / "nkqretr6620118" / "page.html"
    listed = "https://news.sina.com.cn/w/2026-11-21/doc-inkqretr6620118.shtml"
    entry = sina.ListEntry(id="nkqretr6620118", url=listed, update_time="2026-11-21 16:20:05")
    item = sina.parse_article(page.read_text("utf-8"), listed + "?redirected=1", entry)
    assert item.url == listed and item.id == "nkqretr6620118"
    assert item.update_time == "2026-11-21 16:20:05"


def test_page_without_body_gives_empty_body():
    html = '<html><body><h1 class="main-title">标题</h1><div id="article"> </div></body></html>'
    item = sina.parse_article(html, "https://news.sina.com.cn/c/2026-11-21/doc-iabc.shtml")
    assert item.title == "标题" and item.body_html == ""
