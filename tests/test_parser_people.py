"""People's Daily Online parsing on saved fixtures: GB list pages, GBK article pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from newsbot.html import clean_body
from newsbot.sources import people

FIXTURES = Path(__file__).parent / "fixtures" / "people"
POLITICS = "http://politics.people.com.cn/GB/1024/index.html"
WWW = "http://www.people.com.cn/GB/59476/index.html"


def response(path: Path, url: str, content_type: str = "text/html; charset=GBK") -> HtmlResponse:
    return HtmlResponse(url=url, body=path.read_bytes(), headers={"Content-Type": content_type})


def page(article_id: str) -> HtmlResponse:
    want = json.loads((FIXTURES / f"{article_id}" / "expected.json").read_text("utf-8"))
    return response(FIXTURES / f"{article_id}" / "page.html", want["url"], want["content_type"])


def listing(relative: str, url: str) -> people.ListPage:
    return people.parse_list(response(FIXTURES / relative, url).text, url)


@pytest.mark.parametrize(
    ("content_type", "encoding"),
    [("text/html; charset=gb2312", "gb18030"), ("text/html", "gb18030")],
)
def test_gb2312_label_and_meta_only_decode_gbk_characters(content_type, encoding):
    # 喆 堃 镕 are GBK but not GB2312: a strict gb2312 decoder would garble them.
    path = FIXTURES / "c1001-44613028" / "page.html"
    url = "http://politics.people.com.cn/n1/2026/1120/c1001-44613028.html"
    got = response(path, url, content_type)
    assert got.encoding == encoding
    text = clean_body(people.parse_article(got.text, url).body_html, url).text
    assert "王喆、刘堃" in text and "林镕" in text and "\ufffd" not in text


def test_visible_date_with_time_beats_the_date_only_meta():
    item = people.parse_article(page("c1001-44613028").text, page("c1001-44613028").url)
    assert item.date == "2026年11月20日09:31"  # meta publishdate says 2026-11-20 only


def test_without_date_line_the_meta_date_and_the_editors_are_used():
    got = page("c1001-44614655")
    item = people.parse_article(got.text, got.url)
    assert item.date == "2026-11-21"
    assert item.author == "韩玥、孙昇"


@pytest.mark.parametrize(
    ("article_id", "author"),
    [
        ("c1001-44613028", "人民网－人民日报"),  # 来源 link
        ("c1008-44614102", "中国新闻网"),  # 来源 as plain text
    ],
)
def test_author_is_the_source_media(article_id, author):
    got = page(article_id)
    assert people.parse_article(got.text, got.url).author == author


def test_body_leaves_out_editor_line_share_bar_and_recommendations():
    got = page("c1008-44614102")
    body = people.parse_article(got.text, got.url).body_html
    assert body.startswith('<div class="rm_txt_con cf">')
    for junk in ("rwb_tjyd", "推荐阅读", "责编", "paper_num", "分享让更多人看到"):
        assert junk not in body


def test_list_entry_fills_what_the_page_lacks():
    html = "<html><head><title>x</title></head><body><div class='rm_txt_con'><p>正文</p></div>"
    entry = people.ListEntry(id="c1001-1", title="列表标题", publish_time="2026-11-20")
    url = "http://politics.people.com.cn/n1/2026/1120/c1001-1.html"
    item = people.parse_article(html, url, entry)
    assert (item.title, item.date, item.id) == ("x", "2026-11-20", "c1001-1")
    no_title = people.parse_article(html.replace("<title>x</title>", ""), url, entry)
    assert no_title.title == "列表标题"


def test_title_suffix_is_removed_when_only_the_page_title_is_left():
    html = "<title>冬季供暖观察--社会·法治--人民网 </title><div class='rm_txt_con'><p>a</p></div>"
    item = people.parse_article(html, "http://society.people.com.cn/n1/2026/1121/c1008-2.html")
    assert item.title == "冬季供暖观察"


def test_politics_list_page_entries():
    got = listing("politics-1024/index.html", POLITICS)
    assert [e.id for e in got.entries] == [
        "c1001-44613028",  # photo link first, then its text link: one entry
        "c1001-44614655",
        "c1001-44610000",
        "c1002-44613517",  # absolute link to another channel
    ]
    first = got.entries[0]
    assert first.title.startswith("多地推进") and first.publish_time == "2026-11-20"
    assert first.url == "http://politics.people.com.cn/n1/2026/1120/c1001-44613028.html"
    assert got.skipped == {"not_article": 1}  # the topic page
    # Sidebar rankings and pictures are outside the list: not entries.
    assert "c1001-44608812" not in {e.id for e in got.entries}
    assert people.list_page_url(POLITICS, 2) in got.pages


def test_last_list_page_links_to_no_next_page():
    url = people.list_page_url(POLITICS, 2)
    got = listing("politics-1024-2/index2.html", url)
    assert people.list_page_url(POLITICS, 3) not in got.pages
    assert url in got.pages


def test_www_list_template_and_dates_without_year():
    got = listing("www-59476/index.html", WWW)
    assert [e.id for e in got.entries] == ["c1002-44613517", "c1008-44614102", "c1001-44613028"]
    assert {e.publish_time for e in got.entries} == {""}  # "[11-20 14:05]": no year
    assert got.skipped == {"not_article": 1}


@pytest.mark.parametrize("html", ["", "<html><title>404</title><body>找不到页面</body></html>"])
def test_page_without_list_is_an_error(html):
    with pytest.raises(people.ListAPIError, match="no article list"):
        people.parse_list(html, POLITICS)


def test_maintenance_page_is_an_error():
    with pytest.raises(people.ListAPIError, match="系统维护中"):
        listing("maintenance/maintenance.html", POLITICS)


@pytest.mark.parametrize(
    ("url", "article_id", "canonical"),
    [
        (
            "http://politics.people.com.cn/n1/2024/0424/c1001-40223222.html",
            "c1001-40223222",
            "http://politics.people.com.cn/n1/2024/0424/c1001-40223222.html",
        ),
        (
            "https://Politics.People.com.cn/n1/2024/0424/c1001-40223222.html?from=share#top",
            "c1001-40223222",
            "http://politics.people.com.cn/n1/2024/0424/c1001-40223222.html",
        ),
        (
            "http://culture.people.com.cn/n1/2019/0615/c1013-31153719-2.html",
            "c1013-31153719",
            "http://culture.people.com.cn/n1/2019/0615/c1013-31153719.html",
        ),
        (
            "http://bj.people.com.cn/n2/2026/1120/c82840-41012345.html",
            "c82840-41012345",
            "http://bj.people.com.cn/n2/2026/1120/c82840-41012345.html",
        ),
        ("http://politics.people.com.cn/GB/1024/index.html", None, None),
        ("http://example.com/n1/2024/0424/c1001-40223222.html", None, None),
        ("http://politics.people.com.cn.evil.com/n1/2024/0424/c1001-1.html", None, None),
    ],
)
def test_article_url_helpers(url, article_id, canonical):
    assert people.article_id_from_url(url) == article_id
    assert people.canonical_url(url) == canonical


@pytest.mark.parametrize(
    ("url", "page", "want"),
    [
        (POLITICS, 1, POLITICS),
        (POLITICS, 3, "http://politics.people.com.cn/GB/1024/index3.html"),
        (
            "http://world.people.com.cn/GB/157278/index1.html",
            2,
            "http://world.people.com.cn/GB/157278/index2.html",
        ),
        ("http://www.people.com.cn/GB/59476/", 2, "http://www.people.com.cn/GB/59476/index2.html"),
    ],
)
def test_list_page_urls(url, page, want):
    assert people.is_list_url(url)
    assert people.list_page_url(url, page) == want


def test_list_url_check():
    assert people.is_list_url("http://opinion.people.com.cn/GB/8213/420650/index.html")
    assert not people.is_list_url("http://www.people.com.cn/rss/politics.xml")
    assert not people.is_list_url("https://example.com/GB/1024/index.html")
