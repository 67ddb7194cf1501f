"""Xinhua parsing on saved fixtures: ds_<id>.json list data and article pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsbot.sources import xinhua
from newsbot.spiders.base import json_or_none as _json_or_none
from tests.support.sites.xinhua import POLITICS_DS, TECH_DS

FIXTURES = Path(__file__).parent / "fixtures" / "xinhua"


def load_ds(channel: str, name: str):
    return json.loads((FIXTURES / channel / name).read_text(encoding="utf-8"))


def politics(limit: int | None = None) -> xinhua.ListPage:
    return xinhua.parse_list(
        load_ds("politics", "ds_a6d618872de143bdafa2556915a7ae12.json"), POLITICS_DS, limit
    )


def tech(limit: int | None = None) -> xinhua.ListPage:
    return xinhua.parse_list(
        load_ds("tech", "ds_fd79514d92f34849bc8baef7ce3d5aae.json"), TECH_DS, limit
    )


def page(article_id: str, entry: xinhua.ListEntry | None = None):
    want = json.loads((FIXTURES / f"{article_id}" / "expected.json").read_text("utf-8"))
    html = (FIXTURES / f"{article_id}" / "page.html").read_text("utf-8")
    return xinhua.parse_article(html, want["url"], entry)


def test_link_rows_give_their_article_links_without_a_publish_time():
    got = politics(4)
    assert [e.id for e in got.entries] == [
        "20261120-7c3e5a91",
        "20240611-3f0c9e1b5d7a4c2e8b6f1a0d9e2c4b7a",  # multi-link row: topic tag skipped,
        "20261119-0d9e8f71",  # its "全文" link to the same article counted once
    ]
    first = got.entries[0]
    assert first.title == "全国冬季农田水利建设全面展开"  # the <a> fragment's text
    assert first.url == "https://www.news.cn/politics/20261120/7c3e5a91/c.html"
    assert first.publish_time == ""  # a Link row's publishTime is when it was listed
    assert got.skipped == {"not_article": 1}  # the gov.cn link


def test_multimedia_rows_resolve_relative_urls_and_cover_against_the_channel():
    got = tech(4)
    video, x2 = got.entries[1], got.entries[0]
    assert x2.url == "https://www.news.cn/tech/20261121/a4f09d2e/c.html"
    assert x2.publish_time == "2026-11-21 15:12:08"
    assert x2.thumbnail == "https://www.news.cn/tech/20261121/a4f09d2e/20261121a4f09d2e_cover.jpg"
    assert video.url == "https://www.news.cn/tech/20261121/5b8d2c40/c.html"  # root-relative
    assert video.thumbnail == ""
    assert got.skipped == {"not_article": 1}  # topic page


def test_limit_is_a_number_of_rows():
    assert len(politics().entries) == 3 + 48
    assert len(politics(1).entries) == 1
    assert len(tech(2).entries) == 2


@pytest.mark.parametrize(
    "payload",
    [None, [], "", {}, {"datasource": []}, {"datasource": "x"}, {"code": 404, "msg": "not found"}],
)
def test_list_errors(payload):
    with pytest.raises(xinhua.ListAPIError):
        xinhua.parse_list(payload, POLITICS_DS)


def test_rows_that_are_not_objects_are_skipped():
    got = xinhua.parse_list({"datasource": ["x", None, {"contentType": "MultiMedia"}]}, TECH_DS)
    assert got.entries == [] and got.skipped == {"not_article": 3}


def test_list_answer_with_bom_and_html_answer():
    class Answer:
        def __init__(self, text: str) -> None:
            self.text = text

    assert _json_or_none(Answer('\ufeff{"datasource": []}')) == {"datasource": []}
    blocked = (FIXTURES / "blocked" / "blocked.html").read_text("utf-8")
    assert _json_or_none(Answer(blocked)) is None
    assert _json_or_none(object()) is None  # a binary response has no text


def test_page_fields_from_the_pc_header():
    item = page("20261120-7c3e5a91")
    assert (item.id, item.title) == ("20261120-7c3e5a91", "全国冬季农田水利建设全面展开")
    assert item.date == "2026-11-20 10:26:37" and item.author == "新华社"


def test_page_without_pc_header_uses_the_mobile_one():
    item = page("20240611-3f0c9e1b5d7a4c2e8b6f1a0d9e2c4b7a")
    assert item.title.startswith("小微企业首贷户数稳步增长")
    assert item.date == "2024-06-11 16:02:45" and item.author == "经济日报"


def test_list_cover_is_the_thumbnail_when_the_page_has_none():
    entry = xinhua.ListEntry(id="20261121-a4f09d2e", thumbnail="https://www.news.cn/x_cover.jpg")
    assert page("20261121-a4f09d2e").thumbnail == ""
    assert page("20261121-a4f09d2e", entry).thumbnail == "https://www.news.cn/x_cover.jpg"


def test_date_falls_back_to_the_list_then_to_the_url_day():
    html = "<title>某标题-新华网</title><body><span id='detailContent'><p>正文</p></span>"
    url = "https://www.news.cn/local/20261118/0a1b2c3d/c.html"
    assert xinhua.parse_article(html, url).date == "2026-11-18"
    entry = xinhua.ListEntry(id="20261118-0a1b2c3d", publish_time="2026-11-18 07:30:00")
    item = xinhua.parse_article(html, url, entry)
    assert (item.date, item.title) == ("2026-11-18 07:30:00", "某标题")


def test_body_is_the_detail_content_only():
    body = page("20261121-a4f09d2e").body_html
    assert body.startswith('<span id="detailContent">')
    assert "责任编辑" not in body and "热点推荐" not in body and body.count("<img ") == 3


@pytest.mark.parametrize(
    ("url", "article_id", "canonical"),
    [
        (
            "https://www.news.cn/politics/20261120/7c3e5a91/c.html",
            "20261120-7c3e5a91",
            "https://www.news.cn/politics/20261120/7c3e5a91/c.html",
        ),
        (
            "http://www.news.cn/20240424/B3E483975ED64224AFBA3567F940A0B0/c.html?f=pad",
            "20240424-b3e483975ed64224afba3567f940a0b0",
            "https://www.news.cn/20240424/b3e483975ed64224afba3567f940a0b0/c.html",
        ),
        (
            "https://www.news.cn/world/jsxw/20260927/9f0b8eae/c.html",
            "20260927-9f0b8eae",
            "https://www.news.cn/world/jsxw/20260927/9f0b8eae/c.html",
        ),
        ("https://www.news.cn/politics/zt/2026nchs/index.html", None, None),
        (
            "http://www.news.cn/fortune/2023-11/17/c_1129981476.htm",
            "20231117-c1129981476",
            "https://www.news.cn/fortune/2023-11/17/c_1129981476.htm",
        ),
        ("http://www.xinhuanet.com/world/2019-12/10/c_1125327450.htm", None, None),
        ("https://www.news.cn/politics/20261120/7c3e5a9/c.html", None, None),
        ("https://www.news.cn.example.com/politics/20261120/7c3e5a91/c.html", None, None),
    ],
)
def test_article_url_helpers(url, article_id, canonical):
    assert xinhua.article_id_from_url(url) == article_id
    assert xinhua.canonical_url(url) == canonical


def test_list_url_check():
    assert xinhua.is_list_url(POLITICS_DS) and xinhua.is_list_url(TECH_DS)
    assert xinhua.is_list_url("https://www.news.cn/ds_bbc6736b83a14fbb9caf24d78f9aab7f.json")
    assert xinhua.is_list_url(
        "https://www.news.cn/culture//ds_02a3b7de78af4e86a98abfe6d2427afe.json"
    )
    assert not xinhua.is_list_url("https://www.news.cn/politics/")
    assert not xinhua.is_list_url("https://example.com/ds_a6d618872de143bdafa2556915a7ae12.json")
