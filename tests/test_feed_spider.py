"""Feed sources: the old sources-file format, feed parsing, a source added at runtime."""

from __future__ import annotations

import textwrap
from zoneinfo import ZoneInfo

import frontmatter
import pytest

from newsbot.pages.declared import DeclaredArticlePage
from newsbot.parsers import feed
from newsbot.sourceconfig import SourceConfigError
from newsbot.sourceconfig import load_legacy as load_sources
from tests.support.server import Reply

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:media="http://search.yahoo.com/mrss/">
<channel><title>Example Blog</title><link>https://blog.example.org/</link>
<item><title>Hello &amp; welcome</title><link>https://blog.example.org/2025/hello</link>
<dc:creator>Ann Writer</dc:creator><pubDate>Mon, 10 Feb 2025 09:29:04 +0000</pubDate>
<media:content url="https://cdn.example.org/hello.jpg" medium="image"/></item>
<item><title>Elsewhere</title><link>https://other.example.com/x</link>
<pubDate>Mon, 10 Feb 2025 08:00:00 +0000</pubDate></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
<entry><title>Atom post</title><link rel="alternate" href="https://a.example/post"/>
<published>2025-02-10T17:29:04+08:00</published><author><name>Bo</name></author></entry></feed>"""

SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://news.example/a</loc><news:news><news:title>News A</news:title>
<news:publication_date>2025-02-10T09:29:04Z</news:publication_date></news:news></url>
</urlset>"""

PAGE = """<!DOCTYPE html><html><head><title>Hello | Example Blog</title>
<meta property="og:image" content="https://cdn.example.org/og.jpg"></head>
<body><header><nav><a href="/">Home</a><a href="/about">About us</a></nav></header>
<main><article><h1>Hello &amp; welcome</h1>
<p>This first paragraph explains what the example blog is about, in enough words to count.</p>
<p>The second paragraph keeps going with details, <a href="/more">a link</a> and more text here.</p>
<figure><img src="/img/inline.png" alt="A chart"></figure>
<p>The last paragraph closes the post with a final thought that is long enough to keep.</p>
</article></main>
<aside>Subscribe to our newsletter for weekly updates!</aside>
<footer>Copyright 2025 Example Blog. All rights reserved.</footer></body></html>"""


def write_sources(path, body: str):
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def test_rss_entries_with_author_image_and_date_in_the_feed_offset():
    page = feed.parse_feed(RSS, "application/rss+xml")
    first = page.entries[0]
    assert (first.url, first.title, first.author) == (
        "https://blog.example.org/2025/hello",
        "Hello & welcome",
        "Ann Writer",
    )
    assert first.date == "2025-02-10 09:29:04"
    assert first.thumbnail == "https://cdn.example.org/hello.jpg"
    shanghai = feed.parse_feed(RSS, "", ZoneInfo("Asia/Shanghai")).entries[0]
    assert shanghai.date == "2025-02-10 17:29:04"


def test_atom_and_news_sitemap():
    [atom] = feed.parse_feed(ATOM).entries
    assert (atom.url, atom.title, atom.date, atom.author) == (
        "https://a.example/post",
        "Atom post",
        "2025-02-10 17:29:04",
        "Bo",
    )
    [news] = feed.parse_feed(SITEMAP).entries
    assert (news.url, news.title, news.date) == (
        "https://news.example/a",
        "News A",
        "2025-02-10 09:29:04",
    )


def test_sitemap_index_lists_children():
    index = (
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>https://news.example/s1.xml</loc></sitemap></sitemapindex>"
    )
    assert feed.parse_feed(index).sitemaps == ["https://news.example/s1.xml"]


@pytest.mark.parametrize(
    "body", [b"<html><body>503 Service Unavailable</body></html>", b"", b'{"error": 1}']
)
def test_error_pages_are_feed_errors(body):
    with pytest.raises(feed.FeedError):
        feed.parse_feed(body, "text/html")


def test_extraction_keeps_the_article_and_drops_the_rest(tmp_path):
    [source] = load_sources(
        write_sources(
            tmp_path / "s.toml",
            """
        [[source]]
        name = "example"
        lang = "en"
        feeds = ["https://blog.example.org/feed.xml"]
        """,
        )
    ).values()
    entry = feed.parse_feed(RSS).entries[0]
    from newsbot.pages.declared import DeclaredEntry

    listed = DeclaredEntry(id="", url=entry.url, title=entry.title, publish_time=entry.date_raw)
    item = DeclaredArticlePage(source, PAGE, entry.url, listed,
                               site_zone=ZoneInfo("Asia/Shanghai")).to_item()  # fmt: skip
    assert item.id == ""  # no id in a feed: the file is named by MD5(title + date)
    assert "This first paragraph" in item.body_html and "last paragraph" in item.body_html
    assert 'src="https://blog.example.org/img/inline.png"' in item.body_html
    for junk in ("About us", "newsletter", "Copyright"):
        assert junk not in item.body_html
    assert "<h1>" not in item.body_html  # the title is in the front matter, not repeated


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[[source]]\nname = "Bad Name"\nlang = "en"\nfeeds = ["https://a/f"]', "lowercase"),
        ('[[source]]\nname = "a"\nlang = "fr"\nfeeds = ["https://a/f"]', "lang must be one of"),
        ('[[source]]\nname = "a"\nlang = "en"\nfeeds = ["ftp://a/f"]', "url must be an http"),
        ('[[source]]\nname = "a"\nlang = "en"\nfeeds = ["https://a/f"]\nfeed = 1', "unknown keys"),
        (
            '[[source]]\nname = "a"\nlang = "en"\nfeeds = ["https://a/f"]\ntimezone = "Mars/X"',
            "not a known zone",
        ),
        (
            '[[source]]\nname = "a"\nlang = "en"\nfeeds = ["https://a/f"]\n'
            '[source.selectors]\ntitle = "h1"',
            "at least a body selector",
        ),
        ('[[source]]\nname = "a"\nlang = "en"\nfeeds = ["https://a/f"]\n' * 2, "two entries"),
        ("[[source]\n", "not valid TOML"),
    ],
)
def test_config_mistakes_name_the_entry(tmp_path, body, message):
    with pytest.raises(SourceConfigError, match=message):
        load_sources(write_sources(tmp_path / "sources.toml", body))


def test_a_source_added_at_runtime_is_crawled_with_no_code_change(
    crawl, scrapy_cmd, site, tmp_path
):
    site.add(
        "GET",
        r"/blog\.example\.org/feed\.xml",
        lambda s, m, h: Reply(200, RSS, "application/rss+xml; charset=UTF-8"),
    )
    site.add(
        "GET",
        r"/blog\.example\.org/2025/hello",
        lambda s, m, h: Reply(200, PAGE.encode(), "text/html; charset=utf-8"),
    )
    sources = write_sources(
        tmp_path / "sources.toml",
        """
        [[source]]
        name = "example-blog"
        lang = "en"
        feeds = ["https://blog.example.org/feed.xml"]
        allowed_domains = ["blog.example.org"]
        timezone = "Asia/Shanghai"
        """,
    )
    result = crawl("feed", "-a", "source=example-blog", NEWSBOT_SOURCES_FILE=sources)
    assert result.returncode == 0, result.log
    [path] = result.files()
    assert path.relative_to(result.export_dir).parts[:3] == ("en", "news", "example-blog")
    post = frontmatter.load(path)
    assert post["title"] == "Hello & welcome" and post["date"] == "2025-02-10 17:29:04"
    assert post["thumbnail"] == "https://cdn.example.org/hello.jpg"
    assert "![A chart](https://blog.example.org/img/inline.png)" in post.content
    assert post.content.endswith("[example-blog](https://blog.example.org/2025/hello)")
    assert result.stats["offsite/filtered"] == 1  # Scrapy's OffsiteMiddleware

    again = scrapy_cmd("crawlall", "--sources", "example-blog", NEWSBOT_SOURCES_FILE=sources)
    # The exported article is not requested again; the offsite one is new each run
    # (Scrapy's OffsiteMiddleware drops its request).
    assert "Report example-blog: discovered=2 new=1 exported=0" in again.log
    assert again.returncode == 0, again.log


def test_unknown_source_argument_lists_the_entries(crawl, tmp_path):
    sources = write_sources(
        tmp_path / "s.toml",
        '[[source]]\nname = "one"\nlang = "en"\nfeeds = ["https://a.example/f"]\n',
    )
    result = crawl("feed", "-a", "source=two", NEWSBOT_SOURCES_FILE=sources)
    assert result.returncode == 2 and "must name a declared source" in result.log
    assert "one" in result.log
