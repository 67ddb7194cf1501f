"""The declared-source engine: its file format, page objects, secrets, paging,
detail APIs and browser impersonation (the sources themselves: test_sources.py)."""

from __future__ import annotations

import json
import textwrap
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import frontmatter
import pytest

from newsbot.pages.declared import (
    DeclaredArticlePage,
    DeclaredListPage,
    Skipped,
    relative_date,
    site_time,
)
from newsbot.parsers.common import ListAPIError
from newsbot.sourceconfig import SourceConfigError, parse_source
from tests.conftest import run_scrapy
from tests.support.server import Reply

SHANGHAI = ZoneInfo("Asia/Shanghai")


def source(toml: str, name: str = "example"):
    import tomllib

    return parse_source(tomllib.loads(textwrap.dedent(toml)), name, f"{name}.toml")


JSON_SOURCE = """
lang = "en"
timezone = "America/New_York"
[[lists]]
url = "https://api.example.org/news?size=20"
format = "jsonp"
entries = "data.items"
paging = { param = "page", start = 1 }
skip = [{ kind = "teaser", field = "teaser", matches = "Read the full article" }]
[lists.fields]
id = "id"
title = "title"
date = ["publishedAt", "createdAt"]
label = "provider.name"
code = "slug"
[lists.templates]
url = "https://www.example.org/news/{code}"
[article]
url = "https://api.example.org/detail?id={id}"
format = "json"
body = "data.content"
"""


def test_jsonp_list_with_fallback_fields_templates_and_skips():
    config = source(JSON_SOURCE)
    answer = "cb(" + json.dumps({"data": {"items": [
        {"id": 7, "title": "A <em>big</em> day", "createdAt": 1764583200000, "slug": "a-b",
         "provider": {"name": "Wire"}, "teaser": ""},
        {"id": 8, "title": "Teaser", "publishedAt": "2026-12-01T09:00:00Z", "slug": "t",
         "teaser": "Read the full article here"},
        {"id": 9, "title": "No slug"},
    ]}}) + ");"  # fmt: skip
    page = DeclaredListPage(config, config.lists[0], answer, config.lists[0].url).to_list()
    [entry] = page.entries
    assert (entry.id, entry.url, entry.title, entry.label) == (
        "7", "https://www.example.org/news/a-b", "A big day", "Wire",
    )  # fmt: skip
    assert entry.publish_time == "1764583200000"
    assert page.skipped == {"teaser": 1, "no_url": 1}


def test_a_list_answer_that_is_not_the_list_is_a_list_error():
    config = source(JSON_SOURCE)
    with pytest.raises(ListAPIError, match="JSONP"):
        DeclaredListPage(config, config.lists[0], "<html>blocked</html>", "u").to_list()
    with pytest.raises(ListAPIError, match="no list of entries"):
        DeclaredListPage(config, config.lists[0], 'cb({"error": 1})', "u").to_list()


def test_detail_api_gives_the_body_and_the_list_the_rest():
    config = source(JSON_SOURCE)
    answer = 'cb({"data": {"items": [{"id": 7, "title": "T", "slug": "s",' \
             ' "publishedAt": "2026-12-01 09:00"}]}})'  # fmt: skip
    [entry] = DeclaredListPage(config, config.lists[0], answer, "u").to_list().entries
    detail = json.dumps({"data": {"content": "<p>Body text of the story.</p>"}})
    item = DeclaredArticlePage(config, detail, "https://api.example.org/detail?id=7", entry,
                               site_zone=SHANGHAI).to_item()  # fmt: skip
    assert item.url == "https://www.example.org/news/s"  # the page people read
    assert item.body_html == "<p>Body text of the story.</p>"
    assert item.date == "2026-12-01 22:00:00"  # New York wall time, written in Shanghai's


HTML_SOURCE = """
lang = "zh-HK"
label = "example_hk"
[[lists]]
url = "https://hk.example.com/list"
format = "html"
entries = "ul.news > li"
[lists.fields]
url = "a::attr(href)"
title = "a::text"
date = "span.time::text"
[article]
body = ["div.missing", "div.article-body"]
remove = [".ad", "p.share"]
date = "span.date::text"
prefer_page = ["date"]
skip = [{ kind = "paywall", field = "div.paywall", missing = false, matches = "訂閱" }]
"""

LIST_HTML = """<html><body><ul class="news">
<li><a href="/a/1">第一則</a><span class="time">5分鐘前</span></li>
<li><a href="https://hk.example.com/a/2">第二則</a><span class="time">昨天 10:00</span></li>
</ul></body></html>"""

PAGE_HTML = """<html><head><meta property="og:image" content="/img/cover.jpg"></head>
<body><span class="date">2026年12月01日 08:30</span><div class="article-body">
<p>第一段內容。</p><div class="ad">廣告</div><p class="share">分享</p><p>第二段。</p>
</div></body></html>"""


def test_html_list_with_relative_dates_and_a_page_that_wins_the_date():
    config = source(HTML_SOURCE)
    now = datetime(2026, 12, 2, 12, 0, tzinfo=SHANGHAI)
    entries = DeclaredListPage(config, config.lists[0], LIST_HTML, config.lists[0].url).to_list()
    first, second = entries.entries
    assert first.url == "https://hk.example.com/a/1"
    page = DeclaredArticlePage(config, PAGE_HTML, first.url, first, site_zone=SHANGHAI, now=now)
    item = page.to_item()
    assert item.date == "2026-12-01 08:30:00"  # prefer_page: the page's date wins
    assert item.label == "example_hk" and item.lang == "zh-HK"
    assert item.thumbnail == "https://hk.example.com/img/cover.jpg"
    assert "廣告" not in item.body_html and "分享" not in item.body_html
    assert "第二段" in item.body_html
    assert site_time(second.publish_time, SHANGHAI, SHANGHAI, now) == "2026-12-01 10:00:00"


def test_a_page_a_skip_rule_matches_is_skipped():
    config = source(HTML_SOURCE)
    html = PAGE_HTML.replace("<body>", '<body><div class="paywall">訂閱後閱讀全文</div>')
    with pytest.raises(Skipped) as skipped:
        DeclaredArticlePage(config, html, "https://hk.example.com/a/1",
                            site_zone=SHANGHAI).to_item()  # fmt: skip
    assert skipped.value.kind == "paywall"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("刚刚", "2026-12-02 12:00:00"),
        ("5分钟前", "2026-12-02 11:55:00"),
        ("3小時前", "2026-12-02 09:00:00"),
        ("2天前", "2026-11-30 12:00:00"),
        ("前天 23:10", "2026-11-30 23:10:00"),
        ("12-01 08:05", "2026-12-01 08:05:00"),
        ("12-31 08:05", "2025-12-31 08:05:00"),  # a month-day after now is last year's
    ],
)
def test_relative_chinese_dates(text, expected):
    now = datetime(2026, 12, 2, 12, 0, 30, tzinfo=SHANGHAI)
    assert relative_date(text, now).strftime("%Y-%m-%d %H:%M:%S") == expected


def test_dates_with_zones_are_converted_and_naive_ones_read_in_the_source_zone():
    london, now = ZoneInfo("Europe/London"), datetime(2026, 6, 1, tzinfo=SHANGHAI)
    assert site_time("Wed, 17 Jun 2026 13:05:42 GMT", london, SHANGHAI, now) == (
        "2026-06-17 21:05:42"
    )
    assert site_time("2026-06-17 14:05:42", london, SHANGHAI, now) == "2026-06-17 21:05:42"
    assert site_time("1764583200", london, SHANGHAI, now) == "2025-12-01 18:00:00"
    assert site_time("no date", london, SHANGHAI, now) == ""


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('lang = "fr"\n[[lists]]\nurl = "https://a/"\nformat = "feed"', "lang must be one of"),
        ('lang = "en"', "at least one"),
        ('lang = "en"\n[[lists]]\nurl = "https://a/"\nformat = "xml"', "format must be one of"),
        ('lang = "en"\n[[lists]]\nurl = "https://a/"\nformat = "json"', "entries"),
        ('lang = "en"\n[[lists]]\nurl = "https://a/"\nformat = "json"\nentries = "x"',
         "fields.url or templates.url"),
        ('lang = "en"\nbogus = 1\n[[lists]]\nurl = "https://a/"\nformat = "feed"', "unknown keys"),
        ('lang = "en"\n[[lists]]\nurl = "https://a/"\nformat = "feed"\n[article]\nbdy = "x"',
         "unknown keys"),
        ('lang = "en"\ntimezone = "Mars/Olympus"\n[[lists]]\nurl = "https://a/"\nformat = "feed"',
         "not a known zone"),
    ],
)  # fmt: skip
def test_mistakes_name_the_file_and_key(toml, message):
    with pytest.raises(SourceConfigError, match=message) as error:
        source(toml)
    assert "example.toml" in str(error.value)


def test_secrets_are_found_in_headers_urls_and_bodies():
    config = source("""
    lang = "en"
    [headers]
    Cookie = "${EXAMPLE_COOKIE}"
    [[lists]]
    url = "https://a.example/list?token=${EXAMPLE_TOKEN}"
    format = "feed"
    """)
    assert config.secrets() == ["EXAMPLE_COOKIE", "EXAMPLE_TOKEN"]


def write_source(folder: Path, name: str, toml: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.toml").write_text(textwrap.dedent(toml), encoding="utf-8")
    return folder


FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>
<item><title>One story</title><link>https://secret.example/a</link>
<pubDate>Mon, 30 Nov 2026 08:00:00 +0000</pubDate></item></channel></rss>"""
PAGE = (b"<html><body><article><p>A story long enough to be an article, with a second "
        b"sentence.</p></article></body></html>")  # fmt: skip


def test_a_missing_secret_is_one_error_line_and_crawlall_goes_on(scrapy_cmd, site, tmp_path):
    folder = write_source(tmp_path / "sources", "needs_cookie", """
    lang = "en"
    [headers]
    Cookie = "${NEEDS_COOKIE_COOKIE}"
    [[lists]]
    url = "https://secret.example/feed.xml"
    format = "feed"
    """)
    write_source(folder, "open_feed", """
    lang = "en"
    [[lists]]
    url = "https://open.example/feed.xml"
    format = "feed"
    """)
    site.add("GET", r"/open\.example/feed\.xml", lambda s, m, h: Reply(200, FEED.replace(
        b"secret.example", b"open.example"), "application/rss+xml"))  # fmt: skip
    site.add("GET", r"/open\.example/a", lambda s, m, h: Reply(200, PAGE))
    result = scrapy_cmd("crawlall", "--sources", "needs_cookie,open_feed",
                        NEWSBOT_SOURCES_DIRS=str(folder))  # fmt: skip
    assert result.returncode == 1, result.log
    errors = [line for line in result.log.splitlines() if "NEEDS_COOKIE_COOKIE" in line
              and " ERROR: " in line]  # fmt: skip
    assert len(errors) == 1 and "needs_cookie" in errors[0]
    assert "newsbot: source needs_cookie FAILED" in result.log
    assert not site.requests_to(r"secret\.example")
    [written] = result.files()
    assert written.parts[-2] == "open_feed"

    # With the secret set, the request carries it.
    site.add("GET", r"/secret\.example/feed\.xml",
             lambda s, m, h: Reply(200, FEED, "application/rss+xml"))  # fmt: skip
    again = scrapy_cmd("crawl", "needs_cookie", NEWSBOT_SOURCES_DIRS=str(folder),
                       NEEDS_COOKIE_COOKIE="sid=42")  # fmt: skip
    [hit] = site.requests_to(r"secret\.example/feed")
    assert hit.headers["cookie"] == "sid=42", again.log


def test_pages_argument_requests_each_page_once(crawl, site, tmp_path):
    folder = write_source(tmp_path / "sources", "paged", """
    lang = "en"
    [[lists]]
    url = "https://paged.example/api/list?size=2"
    format = "json"
    entries = "items"
    paging = { param = "page", start = 1 }
    [lists.fields]
    url = "url"
    title = "title"
    date = "date"
    body = "html"
    """)

    def answer(s, m, hit):
        page = int(hit.path.rsplit("page=", 1)[1].split("&")[0])
        return Reply.json({"items": [{"url": f"https://paged.example/{page}-{n}",
                                      "title": f"Story {page}-{n}", "date": "2026-12-01 08:00",
                                      "html": "<p>Enough words to make this a real article.</p>"}
                                     for n in (1, 2)]})  # fmt: skip

    site.add("GET", r"/paged\.example/api/list", answer)
    result = crawl("paged", "-a", "pages=3", NEWSBOT_SOURCES_DIRS=str(folder))
    assert result.returncode == 0, result.log
    assert len(result.files()) == 6
    pages = sorted(hit.path for hit in site.requests_to(r"/paged\.example/api/list"))
    assert [p.rsplit("page=", 1)[1] for p in pages] == ["1", "2", "3"]


@pytest.mark.parametrize("on", [True, False])
def test_impersonation_is_opt_in_and_reaches_the_server(server, site, tmp_path, on):
    """With NEWSBOT_IMPERSONATE, an impersonate = true source's requests go through
    curl_cffi with a browser's fingerprint (its client hints are the visible part)."""
    folder = write_source(tmp_path / "sources", "guarded", f"""
    lang = "en"
    impersonate = true
    [[lists]]
    url = "{server.url}/guarded/feed.xml"
    format = "feed"
    """)
    site.add("GET", r"/guarded/feed\.xml", lambda s, m, h: Reply(200, FEED, "application/rss+xml"))
    flags = []
    for key, value in {"NEWSBOT_SOURCES_DIRS": str(folder), "NEWSBOT_IMPERSONATE": str(on),
                       "NEWSBOT_EXPORT_DIR": str(tmp_path / "out"), "ROBOTSTXT_OBEY": "False",
                       "NEWSBOT_STATE_DIR": str(tmp_path / "state")}.items():  # fmt: skip
        flags += ["-s", f"{key}={value}"]
    proc = run_scrapy(["crawl", "guarded", *flags], timeout=120)
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    [hit] = site.requests_to(r"/guarded/feed\.xml")
    assert ("sec-ch-ua" in hit.headers) is on, hit.headers


def test_written_file_of_a_declared_source(crawl, site, tmp_path):
    """End to end: label per entry, id sanitised, date in the site's zone."""
    folder = write_source(tmp_path / "sources", "wire", """
    lang = "en"
    timezone = "UTC"
    [[lists]]
    url = "https://wire.example/api/news"
    format = "json"
    entries = "items"
    [lists.fields]
    id = "id"
    url = "link"
    title = "title"
    date = "published"
    label = "provider"
    thumbnail = "image"
    [article]
    body = "article div[class*='body-']"
    remove = ["a[href*='/symbols/']"]
    """)
    items = {"items": [{"id": "urn:newsml:x.com:20261201:G1:0", "link": "/news/g1/",
                        "title": "Shipper buys back shares", "published": 1764579600,
                        "provider": "MT Newswires", "image": "https://img.example/1.jpg"}]}
    body = (b"<html><body><article><div class='body-KX2 content'><p>The shipping group said it "
            b"will buy back shares <a href='/symbols/X/'>X</a> over twelve months.</p></div>"
            b"</article></body></html>")  # fmt: skip
    site.add("GET", r"/wire\.example/api/news", lambda s, m, h: Reply.json(items))
    site.add("GET", r"/wire\.example/news/g1/", lambda s, m, h: Reply(200, body))
    result = crawl("wire", NEWSBOT_SOURCES_DIRS=str(folder))
    [path] = result.files()
    assert path.relative_to(result.export_dir).as_posix() == (
        "en/news/wire/urnnewsmlx.com20261201G10.en.md"
    )
    post = frontmatter.load(path)
    assert post["date"] == "2025-12-01 17:00:00"
    assert post["categories"] == post["tags"] == ["MT Newswires"]
    assert post["thumbnail"] == "https://img.example/1.jpg"
    assert "/symbols/" not in post.content
    assert post.content.endswith("[MT Newswires](https://wire.example/news/g1/)")


def test_html_in_json_and_removals_on_bodies_given_as_text():
    config = source("""
    lang = "zh-CN"
    [[lists]]
    url = "https://www.example.cn/api/index_news_list"
    format = "json"
    html_in = "data.list"
    entries = "article"
    [lists.fields]
    url = "a.title::attr(href)"
    title = "a.title::text"
    id = "::attr(data-id)"
    body = "div.text"
    [article]
    remove = [".ad"]
    """)
    answer = json.dumps({"data": {"list": (
        '<article data-id="88"><a class="title" href="//www.example.cn/a/88">标题</a>'
        '<div class="text"><p>正文第一段。</p><p class="ad">广告</p></div></article>')}})
    [entry] = DeclaredListPage(config, config.lists[0], answer, config.lists[0].url).to_list(
    ).entries  # fmt: skip
    assert (entry.id, entry.url) == ("88", "https://www.example.cn/a/88")
    page = DeclaredArticlePage(config, "<html></html>", entry.url, entry, site_zone=SHANGHAI,
                               fmt="html")  # fmt: skip
    assert "正文第一段" in page.body_html() and "广告" not in page.body_html()


def test_a_two_step_article_reads_a_key_then_posts_for_the_body(crawl, site, tmp_path):
    """[article.then]: the page gives a key (vars), the next request gives the body."""
    folder = write_source(tmp_path / "sources", "twostep", """
    lang = "zh-CN"
    [[lists]]
    url = "https://two.example/list.html"
    format = "html"
    entries = "tr.item"
    [lists.fields]
    url = "a::attr(href)"
    title = "a::text"
    date = "td.date::text"
    [article]
    vars = { key = "re:var ncid = '([^']+)'" }
    body = "div.abstract"
    remove = [".related"]
    [article.then]
    url = "https://two.example/detail"
    method = "POST"
    data = "ncid={key}&title={title}"
    """)
    listing = ('<table><tr class="item"><td><a href="/doc/1.html">研报一</a></td>'
               '<td class="date">2026-12-01 09:15</td></tr></table>')
    first = "<html><script>var ncid = 'abc-123';</script><body>loading</body></html>"
    detail = ('<div class="abstract"><p>这是一份研究报告的摘要内容，'
              '介绍了本季度行业的主要变化和公司的经营情况。</p>'
              '<div class="related">相关报告</div></div>')  # fmt: skip
    site.add("GET", r"/two\.example/list\.html", lambda s, m, h: Reply(200, listing.encode()))
    site.add("GET", r"/two\.example/doc/1\.html", lambda s, m, h: Reply(200, first.encode()))
    site.add("POST", r"/two\.example/detail", lambda s, m, h: Reply(200, detail.encode()))
    result = crawl("twostep", NEWSBOT_SOURCES_DIRS=str(folder))
    assert result.returncode == 0, result.log
    [post_hit] = site.requests_to(r"/two\.example/detail")
    assert post_hit.method == "POST" and b"ncid=abc-123" in post_hit.body
    assert len(result.files()) == 1, result.log
    [path] = result.files()
    post = frontmatter.load(path)
    assert "研究报告的摘要" in post.content and "相关报告" not in post.content
    assert post.content.endswith("[twostep](https://two.example/doc/1.html)")
    assert post["date"] == "2026-12-01 09:15:00"
