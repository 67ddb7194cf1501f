"""Every entry of newsbot/sources.toml, crawled from its saved feed and article page."""

from __future__ import annotations

import json
from pathlib import Path

import frontmatter
import pytest

from newsbot.feedconfig import load_sources
from newsbot.pages.feed import article_id

FEEDS = Path(__file__).parent / "fixtures" / "feed"
SOURCES = load_sources()


def test_at_least_twelve_entries_in_english_and_chinese():
    assert len(SOURCES) >= 12
    assert {"en", "zh-CN", "zh-HK"} <= {s.lang for s in SOURCES.values()}


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_entry_has_fixtures(name):
    for part in ("routes.json", "expected.json"):
        assert (FEEDS / name / part).is_file(), f"{name}: add tests/fixtures/feed/{name}/{part}"


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_entry_crawl(crawl, name):
    expected = json.loads((FEEDS / name / "expected.json").read_text(encoding="utf-8"))
    source = SOURCES[name]
    result = crawl("feed", "-a", f"source={name}")
    path = (
        result.export_dir
        / source.lang
        / "news"
        / name
        / f"{article_id(expected['url'])}.{source.lang}.md"
    )
    assert path.is_file(), result.log
    post = frontmatter.load(path)
    assert post["title"] == expected["title"]
    assert post["date"] == expected["date"]
    assert post["thumbnail"] == expected["thumbnail"]
    assert post["categories"] == [name] and post["lang"] == [source.lang]
    body = " ".join(post.content.split())
    for sentence in expected["body_contains"]:
        assert " ".join(sentence.split()) in body
    for junk in expected["body_not_contains"]:
        assert junk not in body
    assert expected["image"] in post.content
    assert post.content.endswith(f"[{name}]({expected['url']})")
    assert result.stats.get("newsbot/exported/written") == 1


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_entry_parser(name):
    """The parser alone on the saved feed and page: every field against expected.json."""
    from newsbot.html import clean_body
    from newsbot.pages import feed

    folder = FEEDS / name
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    routes = json.loads((folder / "routes.json").read_text(encoding="utf-8"))
    source = SOURCES[name]
    feed_route = next(r for r in routes if r["url"] in source.feeds)
    page_route = next(r for r in routes if r["url"].split("?")[0] == expected["url"].split("?")[0])
    entries = feed.parse_feed((folder / feed_route["file"]).read_bytes(),
                              feed_route["content_type"], source.timezone).entries  # fmt: skip
    entry = next(e for e in entries if e.url == expected["url"])
    html = (folder / page_route["file"]).read_bytes().decode("utf-8")
    item = feed.parse_article(html, expected["url"], source, entry)
    assert (item.title, item.date, item.author, item.thumbnail) == (
        expected["title"],
        expected["date"],
        expected["author"],
        expected["thumbnail"],
    )
    body = clean_body(item.body_html, item.url)
    assert expected["image"] in body.images
