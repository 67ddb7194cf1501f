"""Every entry of newsbot/sources.toml, crawled from its saved feed and article page."""

from __future__ import annotations

import json
from pathlib import Path

import frontmatter
import pytest

from newsbot.feeds import load_sources
from newsbot.parsers.feed import article_id

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
