"""Every declared source, from the registry: its fixtures, its page objects field by
field, and a whole crawl through the real engine against the fixture server.

A source is ``newsbot/sources/<name>.toml``; its fixtures are the case folders of
``tests/fixtures/<name>/`` (see tests/support/cases.py). A source without them fails
here. ``tests/fixtures/<name>/crawl.json`` may give the crawl's spider arguments
and settings: ``{"args": ["-a", "pages=2"], "settings": {"NEWSBOT_NOW": "..."}}``.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import frontmatter
import pytest

from newsbot.html import clean_body
from newsbot.markdown import to_markdown
from newsbot.pages.declared import DeclaredArticlePage, DeclaredListPage, Skipped, fill
from newsbot.sourceconfig import load_all
from tests.support.cases import FIXTURES, Case, source_cases

SOURCES = load_all()
NAMES = sorted(SOURCES)
SITE_ZONE = ZoneInfo("Asia/Shanghai")


def crawl_options(name: str) -> dict:
    path = FIXTURES / name / "crawl.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def now_of(name: str) -> datetime | None:
    value = crawl_options(name).get("settings", {}).get("NEWSBOT_NOW")
    return datetime.fromisoformat(value) if value else None


def articles(name: str) -> list[Case]:
    return [case for case in source_cases(name) if case.kind == "article"]


def written(case: Case) -> bool:
    assert case.expected is not None
    return not ({"dropped", "skipped"} & set(case.expected))


def list_entries(name: str) -> dict[str, object]:
    """Every entry of the source's list cases by URL (and by its fetch URL)."""
    config = SOURCES[name]
    entries: dict[str, object] = {}
    for case in source_cases(name):
        if case.kind != "list":
            continue
        listing = next(
            (entry for entry in config.lists
             if _same_page(entry.url, case.url)), config.lists[0],
        )  # fmt: skip
        page = DeclaredListPage(config, listing, case.text(), case.url, body=case.body(),
                                content_type=case.content_type, site_zone=SITE_ZONE)  # fmt: skip
        for entry in page.to_list().entries:
            entries.setdefault(entry.url, entry)
            if config.article and config.article.url:
                values = {"id": entry.id, "url": entry.url, **entry.fields}
                entries.setdefault(fill(config.article.url, values) or "", entry)
    for case in source_cases(name):  # a redirect: the page is found at its target
        target = case.meta.get("headers", {}).get("Location")
        if target and case.url in entries:
            entries.setdefault(target, entries[case.url])
    return entries


def _same_page(a: str, b: str) -> bool:
    pa, pb = urlsplit(a), urlsplit(b)
    return (pa.netloc, pa.path) == (pb.netloc, pb.path)


@pytest.mark.parametrize("name", NAMES)
def test_source_has_fixtures(name):
    cases = source_cases(name)
    folder = f"tests/fixtures/{name}/"
    assert any(c.kind == "list" for c in cases), f"{name}: add a list case to {folder}"
    assert articles(name), f"{name}: add article cases (expected.json) to tests/fixtures/{name}/"
    assert (FIXTURES / name / "README.md").is_file(), f"{name}: tests/fixtures/{name}/README.md"


@pytest.mark.parametrize(
    "name,case", [(n, c.name) for n in NAMES for c in articles(n)], ids=lambda v: str(v)
)
def test_article_page_object(name, case):
    """The page objects alone on the saved list and page: every field as expected."""
    config = SOURCES[name]
    [found] = [c for c in articles(name) if c.name == case]
    want = found.expected
    entry = list_entries(name).get(found.url)
    page = DeclaredArticlePage(config, found.text(), found.url, entry, site_zone=SITE_ZONE,
                               now=now_of(name))  # fmt: skip
    if "skipped" in want:
        with pytest.raises(Skipped):
            page.to_item()
        return
    item = page.to_item()
    if "dropped" in want:
        return  # what drops it is the pipeline's (checked in the crawl test)
    got = {"url": item.url, "title": item.title, "label": item.label, "lang": item.lang,
           "thumbnail": item.thumbnail}  # fmt: skip
    assert got == {key: want[key] for key in got}
    if "author" in want:
        assert item.author == want["author"]
    assert datetime.strptime(item.date, "%Y-%m-%d %H:%M:%S").strftime("%Y-%m-%d %H:%M:%S") == (
        want["date"]
    )
    markdown = to_markdown(clean_body(item.body_html, item.url).html)
    _check_body(markdown, want)


def _check_body(markdown: str, want: dict) -> None:
    flat = " ".join(markdown.split())
    assert flat.startswith(" ".join(want["body_start"].split())), flat[:200]
    assert flat.endswith(" ".join(want["body_end"].split())), flat[-200:]
    for junk in want.get("not_in_body", []):
        assert junk not in markdown
    for image in want.get("images", []):
        assert f"({image}" in markdown  # ![alt](url) or ![alt](url "title")


@pytest.mark.parametrize("name", NAMES)
def test_source_crawl(crawl, name):
    """``scrapy crawl <name>`` over the fixture server writes exactly the expected files."""
    options = crawl_options(name)
    secrets = {secret: "test-secret" for secret in SOURCES[name].secrets()}
    result = crawl(name, *options.get("args", []), **secrets, **options.get("settings", {}))
    assert result.returncode == 0, result.log[-3000:]
    assert "Traceback" not in result.log, result.log[-3000:]
    expected = {c.expected["path"]: c for c in articles(name) if written(c)}
    files = {str(p.relative_to(result.export_dir)): p for p in result.files()}
    assert set(files) == set(expected), result.log[-3000:]
    for path, case in expected.items():
        want = case.expected
        post = frontmatter.load(files[path])
        assert (post["title"], post["date"], post["thumbnail"]) == (
            want["title"], want["date"], want["thumbnail"],
        )  # fmt: skip
        assert post["categories"] == post["tags"] == [want["label"]]
        assert post["lang"] == [want["lang"]]
        content = post.content
        last = content.rstrip("\n").rsplit("\n", 1)[-1]
        assert last == f"[{want['label']}]({want['url']})"
        _check_body(content.rstrip().rsplit("\n", 1)[0], want)


def test_every_source_file_is_a_spider():
    from scrapy.spiderloader import get_spider_loader
    from scrapy.utils.project import get_project_settings

    names = set(get_spider_loader(get_project_settings()).list())
    assert set(NAMES) <= names


def test_a_source_added_at_runtime_is_crawled(crawl, site, tmp_path: Path):
    """Adding a JSON-API source is one TOML file (and its answers): no code."""
    from tests.support.server import Reply

    folder = tmp_path / "sources"
    folder.mkdir()
    (folder / "example_api.toml").write_text(
        """
lang = "en"
label = "example-api"
timezone = "America/New_York"

[[lists]]
url = "https://api.example.org/v1/stories?limit=20"
format = "json"
entries = "data.stories"
skip = { premium = [true] }

[lists.fields]
id = "id"
url = "links.web"
title = "headline"
date = "published"
body = "html"
""",
        encoding="utf-8",
    )
    stories = {"data": {"stories": [
        {"id": "a:1", "headline": "Harbour reopens", "published": "2026-12-01 09:30",
         "links": {"web": "https://example.org/a1"}, "premium": False,
         "html": "<p>The harbour reopened on Tuesday after storm repairs were finished.</p>"},
        {"id": "a:2", "headline": "Locked", "published": "2026-12-01 10:00",
         "links": {"web": "https://example.org/a2"}, "premium": True, "html": "<p>x</p>"},
    ]}}  # fmt: skip
    site.add("GET", r"/api\.example\.org/v1/stories", lambda s, m, h: Reply.json(stories))
    result = crawl("example_api", NEWSBOT_SOURCES_DIRS=str(folder))
    assert result.returncode == 0, result.log
    [path] = result.files()
    assert path.relative_to(result.export_dir).as_posix() == "en/news/example_api/a1.en.md"
    post = frontmatter.load(path)
    assert post["date"] == "2026-12-01 22:30:00"  # New York 09:30 is 22:30 in Shanghai
    assert post["categories"] == ["example-api"]
    assert result.stats["newsbot/skipped/premium"] == 1
