"""NetEase parsing on saved fixtures: JSONP lists (GBK), URL helpers and article pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsbot.html import clean_body
from newsbot.sources import netease

FIXTURES = Path(__file__).parent / "fixtures" / "netease"
PAGES = sorted(FIXTURES.glob("*/page.html"))


def load_list(name: str, encoding: str | None = "GBK") -> netease.ListPage:
    body = (FIXTURES / Path(name).stem / name).read_bytes()
    return netease.parse_list(netease.decode_list(body, encoding))


def expected(page: Path) -> dict:
    return json.loads((FIXTURES / page.parent.name / "expected.json").read_text(encoding="utf-8"))


def parse(name: str, entry: netease.ListEntry | None = None):
    page = FIXTURES / f"{name}" / "page.html"
    return netease.parse_article(page.read_text(encoding="utf-8"), expected(page)["url"], entry)


def test_list_keeps_articles_in_order_and_counts_the_rest():
    listing = load_list("cm_yaowen20200213.js")
    assert [e.id for e in listing.entries] == [
        "LB7K2M4N000189FH",
        "LB7P0QJ80519DDQ2",
        "LB8G0NE40001899O",
        "LB8R0TRY0001899O",
    ]
    assert listing.skipped == {"video": 1, "not_article": 1}
    first, dy = listing.entries[:2]
    assert first.title == "多地推进老旧小区加装电梯 今年已惠及逾百万居民"  # GBK decoded
    assert first.publish_time == "2026-11-20 08:15:32"  # from 11/20/2026 08:15:32
    assert first.author == "新华网"
    assert first.url == "https://www.163.com/news/article/LB7K2M4N000189FH.html"
    assert dy.url == "https://www.163.com/dy/article/LB7P0QJ80519DDQ2.html"
    # The list's cover goes through the image proxy: unwrapped.
    assert (
        dy.thumbnail == "https://dingyue.ws.126.net/2026/1120/5f3c1a2bj00t9l4n6002cd000u000k0m.jpg"
    )


def test_list_without_declared_charset_is_read_as_gbk():
    assert (
        load_list("cm_guonei.js", encoding=None).entries[0].title
        == "冬季蔬菜供应充足 多地菜价稳中有降"
    )


def test_empty_list_is_no_error():
    assert load_list("cm_guonei_02.js").entries == []


ITEM = '{"title":"a","docurl":"https://www.163.com/news/article/LB7K2M4N000189FH.html"}'


@pytest.mark.parametrize(
    "text",
    [
        f"data_callback([{ITEM}]);",
        f"cb ( [ {ITEM}, ] )",
        f"[{ITEM[:-1]},}},]",
        '\ufeffdata_callback({"data":[' + ITEM.replace("docurl", "tlink") + "]})",
    ],
)
def test_jsonp_forms(text):
    [entry] = netease.parse_list(text).entries
    assert entry.id == "LB7K2M4N000189FH" and entry.title == "a"


def test_trailing_comma_removal_leaves_strings_alone():
    [entry] = netease.parse_list(
        'data_callback([{"title":"逗号,]在标题里\\",}","docurl":'
        '"https://www.163.com/news/article/LB7K2M4N000189FH.html"},\n])'
    ).entries
    assert entry.title == '逗号,]在标题里",}'


@pytest.mark.parametrize(
    "text",
    [
        "",
        "<!DOCTYPE html><html><body>系统繁忙</body></html>",
        "data_callback(",
        'data_callback({"code": 500})',
        "data_callback([{]})",
    ],
)
def test_list_errors(text):
    with pytest.raises(netease.ListAPIError):
        netease.parse_list(text)


def test_error_fixture_is_an_error():
    body = (FIXTURES / "error" / "error.html").read_bytes()
    with pytest.raises(netease.ListAPIError, match="not JSONP"):
        netease.parse_list(netease.decode_list(body, None))


@pytest.mark.parametrize(
    ("value", "date"),
    [
        ("11/20/2026 08:15:32", "2026-11-20 08:15:32"),
        ("1/2/2026 8:05:00", "2026-01-02 8:05:00"),
        ("2026-11-20 08:15:32", "2026-11-20 08:15:32"),
    ],
)
def test_list_time(value, date):
    assert netease.list_time(value) == date


def test_list_url():
    assert netease.list_url("cm_yaowen20200213", 1) == (
        "https://news.163.com/special/cm_yaowen20200213/?callback=data_callback"
    )
    assert netease.list_url("cm_yaowen20200213", 2).endswith(
        "cm_yaowen20200213_02/?callback=data_callback"
    )
    assert netease.list_url("cm_guoji", 10).endswith("cm_guoji_10/?callback=data_callback")


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (
            "https://www.163.com/news/article/KC12OUHK000189FH.html",
            "https://www.163.com/news/article/KC12OUHK000189FH.html",
        ),
        (
            "http://m.163.com/dy/article/LB7P0QJ80519DDQ2.html?spss=adap_pc#adaptation=pc",
            "https://www.163.com/dy/article/LB7P0QJ80519DDQ2.html",
        ),
        (
            "https://www.163.com/news/article/KC12OUHK000189FH_pa11y.html",
            "https://www.163.com/news/article/KC12OUHK000189FH.html",
        ),
        ("https://www.163.com/v/video/VLB7M0AB1.html", None),
        (  # the 2019-2021 address leads to the article's www.163.com page
            "https://news.163.com/20/0229/18/F6ISIFBD0001899O.html",
            "https://www.163.com/news/article/F6ISIFBD0001899O.html",
        ),
        ("https://news.163.com/special/0001386F/rank_whole.html", None),
        ("https://www.163.com/news/article/kc12ouhk000189fh.html", None),
        ("https://www.163.com.example.com/news/article/KC12OUHK000189FH.html", None),
    ],
)
def test_url_helpers(url, canonical):
    assert netease.canonical_url(url) == canonical
    assert netease.article_id_from_url(url) == (
        canonical.rsplit("/", 1)[1][:16] if canonical else None
    )


@pytest.mark.parametrize(
    ("url", "original"),
    [
        (
            "https://nimg.ws.126.net/?url=http%3A%2F%2Fcms-bucket.ws.126.net%2F2025%2F1016%2Fa.jpg"
            "&thumbnail=660x2147483647&quality=80&type=jpg",
            "http://cms-bucket.ws.126.net/2025/1016/a.jpg",
        ),
        (
            "//nimg.ws.126.net/?url=https%3A%2F%2Fdingyue.ws.126.net%2Fb.png&thumbnail=140y88",
            "https://dingyue.ws.126.net/b.png",
        ),
        ("https://dingyue.ws.126.net/c.png", "https://dingyue.ws.126.net/c.png"),
        ("https://nimg.ws.126.net/?thumbnail=1", "https://nimg.ws.126.net/?thumbnail=1"),
        ("", ""),
    ],
)
def test_unwrap_image(url, original):
    assert netease.unwrap_image(url) == original


def test_body_images_are_unwrapped_and_the_hidden_logo_goes():
    item = parse("LB7K2M4N000189FH")
    assert "nimg.ws.126.net" not in item.body_html
    assert "post_nodejs/static/logo.png" not in item.body_html
    body = clean_body(item.body_html, item.url)
    assert body.images == expected(FIXTURES / "LB7K2M4N000189FH" / "page.html")["images"]


def test_og_image_logo_is_no_thumbnail_and_the_list_cover_stands_in():
    assert parse("LB7K2M4N000189FH").thumbnail == ""
    entry = netease.ListEntry(id="LB7K2M4N000189FH", thumbnail="http://cms-bucket.ws.126.net/x.jpg")
    assert parse("LB7K2M4N000189FH", entry).thumbnail == "http://cms-bucket.ws.126.net/x.jpg"


def test_author_is_the_credited_source_not_the_editor_or_the_site():
    assert parse("LB7K2M4N000189FH").author == "新华网"  # not 网易 (article:author), not 王雨桐
    assert parse("LB7P0QJ80519DDQ2").author == "山野食记"  # the 网易号 account
    assert parse("LB8D3T5V000189FH").author == "经济日报"  # plain text, no link


def test_date_only_in_the_visible_info_line():
    assert parse("LB8D3T5V000189FH").date == "2026-11-21 14:03:09"


def test_author_falls_back_to_the_post_author_box_then_the_list():
    html = (
        '<html><body><h1 class="post_title">标题</h1><div class="post_info">2026-11-21 10:00:00'
        '</div><div class="post_body"><p>正文</p></div><div class="post_author">'
        "本文来源：红星新闻 责任编辑： 张三_NB1</div></body></html>"
    )
    url = "https://www.163.com/news/article/LB8D3T5V000189FH.html"
    assert netease.parse_article(html, url).author == "红星新闻"
    bare = html.replace("本文来源：红星新闻", "")
    entry = netease.ListEntry(id="LB8D3T5V000189FH", author="潮新闻")
    assert netease.parse_article(bare, url, entry).author == "潮新闻"


def test_title_has_no_site_suffix():
    for page in PAGES:
        title = netease.parse_article(page.read_text("utf-8"), expected(page)["url"]).title
        assert "网易" not in title and "|" not in title


def test_list_entry_url_is_the_canonical_url():
    page = FIXTURES / "LB8R0TRY0001899O" / "page.html"
    listed = "https://www.163.com/news/article/LB8R0TRY0001899O.html"
    entry = netease.ListEntry(id="LB8R0TRY0001899O", url=listed)
    item = netease.parse_article(page.read_text("utf-8"), listed + "?redirected=1", entry)
    assert item.url == listed and item.id == "LB8R0TRY0001899O"


def test_gbk_declared_list_is_read_as_its_superset():
    text = "data_callback([" + ITEM.replace('"a"', '"𠮷野家"') + "])"
    [entry] = netease.parse_list(netease.decode_list(text.encode("gb18030"), "GBK")).entries
    assert entry.title == "𠮷野家"
