"""ifeng parsing on saved fixtures: list pages, the getColumnInfo JSONP and article pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsbot.dates import normalize_date
from newsbot.html import clean_body
from newsbot.sources import ifeng

FIXTURES = Path(__file__).parent / "fixtures" / "ifeng"
LIST_PAGE = FIXTURES / "3-35197-" / "3-35197-.html"
MORE_CASE = "getColumnInfo_3-35197-_7301552012345660000"
MORE = FIXTURES / MORE_CASE / f"{MORE_CASE}.js"
PLACEHOLDER = "https://p0.ifengimg.com/fe/shank/images/loading_ba4c7e2b.gif"


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def parse(base62: str, host: str = "news.ifeng.com", entry: ifeng.ListEntry | None = None):
    html = read(FIXTURES / f"{base62}" / "page.html")
    return ifeng.parse_article(html, f"https://{host}/c/{base62}", entry)


def page_with_doc(doc: dict, head: str = "") -> str:
    data = json.dumps({"nav": {}, "docData": doc}, ensure_ascii=False).replace("<", "\\u003c")
    return (
        f"<html><head>{head}<script>var allData = {data};\nvar adKeys = [];</script></head></html>"
    )


def test_list_page_skips_videos_and_keeps_order():
    listing = ifeng.parse_list(read(LIST_PAGE))
    assert [e.id for e in listing.entries] == ["8xKf2mN7qPa", "8xKg5rT1wLb", "8xKj0nC6dNd"]
    assert listing.skipped == {"video": 1}
    finance = listing.entries[1]
    assert finance.url == "https://finance.ifeng.com/c/8xKg5rT1wLb"
    assert finance.publish_time == "2026-11-21 07:58:12"
    # a d.ifengimg.com webp thumbnail is unwrapped to the original image
    assert finance.thumbnail == (
        "https://x0.ifengimg.com/res/2026/3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D5E6F_size96_w900_h600.jpeg"
    )
    assert listing.entries[0].author == "新京报"
    assert listing.last_id == "7301552012345660000"
    assert listing.last_time == 1795133550000  # 2026-11-20 08:12:30 Beijing
    assert not listing.is_end


def test_continuation_jsonp():
    listing = ifeng.parse_list(read(MORE))
    assert [e.id for e in listing.entries] == ["8xKh9vB4sMc", "8xKg5rT1wLb"]
    assert listing.last_id == "7301552012345665555"
    end = 'getColumnInfoCallback({"code":0,"data":{"newsstream":[],"isEnd":true}})'
    assert ifeng.parse_list(end).is_end and ifeng.parse_list(end).last_id == ""


def test_list_counts_items_that_are_no_articles():
    stream = [
        {"type": "slide", "url": "https://news.ifeng.com/c/8xKaaaaaaaa"},
        {"type": "article", "url": "https://news.ifeng.com/a/20200911/list.shtml"},
        "junk",
        {"url": "//news.ifeng.com/c/8xKbbbbbbbb"},  # no type: an article, protocol-relative
    ]
    listing = ifeng.parse_list(f'<script>var allData = {{"newsstream":{json.dumps(stream)}}};')
    assert listing.skipped == {"not_article": 1, "bad_id": 2}
    assert [e.url for e in listing.entries] == ["https://news.ifeng.com/c/8xKbbbbbbbb"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<html><body>访问过于频繁</body></html>", "no newsstream"),
        (read(FIXTURES / "busy" / "busy.js"), "code=1"),
        ("getColumnInfoCallback([1, 2])", "no JSON object"),
        ('getColumnInfoCallback({"code":0,"data":{}})', "no newsstream"),
        ("", "no newsstream"),
    ],
)
def test_list_errors(text, message):
    with pytest.raises(ifeng.ListAPIError, match=message):
        ifeng.parse_list(text)


@pytest.mark.parametrize(
    ("url", "canonical", "base62"),
    [
        (
            "https://news.ifeng.com/c/8xKf2mN7qPa",
            "https://news.ifeng.com/c/8xKf2mN7qPa",
            "8xKf2mN7qPa",
        ),
        (
            "http://tech.ifeng.com/c/8vx4tdUz8VJ?x=1",
            "https://tech.ifeng.com/c/8vx4tdUz8VJ",
            "8vx4tdUz8VJ",
        ),
        ("//ent.ifeng.com/c/7pldiU65MNU", "https://ent.ifeng.com/c/7pldiU65MNU", "7pldiU65MNU"),
        ("https://news.ifeng.com/shanklist/3-35197-/", None, None),
        (  # the older page of a regional site (GNE tests/ifeng/3.html)
            "http://nb.ifeng.com/a/20200911/14526474_0.shtml",
            "https://nb.ifeng.com/a/20200911/14526474_0.shtml",
            "14526474",
        ),
        ("http://nb.ifeng.com/listpage/593/1/list.shtml", None, None),
        ("https://news.ifeng.com.evil.example/c/8xKf2mN7qPa", None, None),
    ],
)
def test_url_helpers(url, canonical, base62):
    assert ifeng.canonical_url(url) == canonical
    assert ifeng.article_id_from_url(url) == base62


@pytest.mark.parametrize(
    ("url", "column"),
    [
        ("https://news.ifeng.com/shanklist/3-35197-/", "3-35197-"),
        ("https://news.ifeng.com/shanklist/3-305565-", "3-305565-"),
        ("https://news.ifeng.com/shanklist/14-35083-/", "14-35083-"),
        ("https://news.ifeng.com/", None),
    ],
)
def test_column_id(url, column):
    assert ifeng.column_id(url) == column


@pytest.mark.parametrize(
    ("url", "original"),
    [
        (
            "//d.ifengimg.com/w121_h75_q90/x0.ifengimg.com/ucms/2026_35/90043E8D_w1508_h1258.png",
            "https://x0.ifengimg.com/ucms/2026_35/90043E8D_w1508_h1258.png",
        ),
        (
            "https://d.ifengimg.com/w224_h150_q100_webp/x0.ifengimg.com/ucms/2020_42/9EA5_w500_h280.jpg.webp",
            "https://x0.ifengimg.com/ucms/2020_42/9EA5_w500_h280.jpg",
        ),
        (
            "https://x0.ifengimg.com/res/2019/E3FE.jpeg",
            "https://x0.ifengimg.com/res/2019/E3FE.jpeg",
        ),
    ],
)
def test_unproxy_image(url, original):
    assert ifeng.unproxy_image(url) == original


def test_lazy_images_get_their_real_src_and_video_parts_are_left_out():
    item = parse("8xKg5rT1wLb", "finance.ifeng.com")
    assert "data-lazyload" not in item.body_html and PLACEHOLDER not in item.body_html
    assert item.body_html.count("<img ") == 2
    assert "ips.ifeng.com" not in item.body_html and "video" not in item.body_html
    body = clean_body(item.body_html, item.url)
    assert body.images[0].startswith("https://x0.ifengimg.com/res/2026/3C4D5E6F")


def test_empty_source_falls_back_to_the_account_name():
    assert parse("8xKg5rT1wLb", "finance.ifeng.com").author == "凤凰网财经"


def test_canonical_url_keeps_the_articles_own_host():
    assert (
        parse("8xKg5rT1wLb", "finance.ifeng.com").url == "https://finance.ifeng.com/c/8xKg5rT1wLb"
    )


def test_proxied_body_images_and_bd_img_thumbnail_are_unwrapped():
    item = parse("8xKh9vB4sMc")
    assert "d.ifengimg.com" not in item.body_html
    assert item.thumbnail.startswith("https://x0.ifengimg.com/ucms/2026_47/B1C2D3E4")


def test_date_without_news_time_comes_from_the_head():
    assert normalize_date(parse("8xKh9vB4sMc").date) == "2026-11-21 16:42:08"


def test_list_entry_fills_what_the_page_lacks():
    html = page_with_doc({"contentData": {"contentList": [{"type": "text", "data": "<p>x</p>"}]}})
    entry = ifeng.ListEntry(
        id="8xKaaaaaaaa",
        url="https://news.ifeng.com/c/8xKaaaaaaaa",
        title="列表标题",
        publish_time="2026-11-20 08:00:00",
        thumbnail="https://x0.ifengimg.com/a.jpg",
        author="新华社",
    )
    item = ifeng.parse_article(html, entry.url, entry)
    assert (item.id, item.url, item.title) == ("8xKaaaaaaaa", entry.url, "列表标题")
    assert (item.date, item.author, item.thumbnail) == (
        "2026-11-20 08:00:00",
        "新华社",
        "https://x0.ifengimg.com/a.jpg",
    )


def test_head_title_loses_the_site_suffix():
    html = page_with_doc({}, head="<title>某地发布寒潮预警_凤凰网资讯_凤凰网</title>")
    assert (
        ifeng.parse_article(html, "https://news.ifeng.com/c/8xKaaaaaaaa").title
        == "某地发布寒潮预警"
    )


def test_all_data_strings_holding_brace_semicolon():
    doc = {"title": "a};b", "contentData": {"contentList": [{"type": "text", "data": "<p>};</p>"}]}}
    item = ifeng.parse_article(page_with_doc(doc), "https://news.ifeng.com/c/8xKaaaaaaaa")
    assert item.title == "a};b" and item.body_html == "<p>};</p>"
