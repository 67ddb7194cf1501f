"""Every declared source, from the registry: its fixtures, its page objects field by
field, and a whole crawl through the real engine against the fixture server.

A source is ``newsbot/sources/<name>.toml``; its fixtures are the case folders of
``tests/fixtures/<name>/`` (see tests/support/cases.py). A source without them fails
here. A list that carries whole articles gives its expected items in its case's
``expected.json``: ``{"articles": [...], "skipped": {"skipped/<kind>": N}}``.
``tests/fixtures/<name>/crawl.json`` may give the crawl's spider arguments
and settings: ``{"args": ["-a", "pages=2"], "settings": {"NEWSBOT_NOW": "..."}}``.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

import frontmatter
import pytest

from newsbot.dates import normalize_date
from newsbot.html import clean_body
from newsbot.markdown import to_markdown
from newsbot.pages.declared import (
    DeclaredArticlePage,
    DeclaredListPage,
    Skipped,
    entry_item,
    fill,
)
from newsbot.sourceconfig import load_all
from newsbot.spiders.declared import fill_all, template_values
from tests.support.cases import FIXTURES, Case, normal_url, source_cases

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


def lists(name: str) -> list[Case]:
    return [case for case in source_cases(name) if case.kind == "list"]


def written(want: dict) -> bool:
    return not ({"dropped", "skipped"} & set(want))


def expected_files(name: str) -> dict[str, dict]:
    """The files a crawl of the source must write: path -> expected values."""
    wants = [c.expected for c in articles(name)] + [a for c in lists(name)
                                                    for a in c.listed_articles()]  # fmt: skip
    return {want["path"]: want for want in wants if want and written(want)}


def list_page(name: str, case: Case):
    config = SOURCES[name]
    page = DeclaredListPage(config, list_config(name, case), case.text(), normal_url(case.url),
                            body=case.body(), content_type=case.content_type,
                            site_zone=SITE_ZONE)  # fmt: skip
    return page.to_list()


def list_config(name: str, case: Case):
    """The list of the source a list case answers: same host and path, then the same
    query (the paging parameter aside) and the headers the case requires."""
    wanted = set(parse_qsl(urlsplit(normal_url(case.url)).query, keep_blank_values=True))
    headers = case.meta.get("headers_contain", {})

    def score(listing) -> tuple[bool, bool]:
        paging = listing.paging.param if listing.paging else None
        query = {kv for kv in parse_qsl(urlsplit(normal_url(listing.url)).query,
                                        keep_blank_values=True) if kv[0] != paging}  # fmt: skip
        same_headers = all(listing.headers.get(k) == v for k, v in headers.items())
        return _same_page(listing.url, case.url), query <= wanted and same_headers

    return max(SOURCES[name].lists, key=score)  # the first of equals


def list_entries(name: str) -> dict[str, object]:
    """Every entry of the source's list cases by URL (and by the URL it is fetched at)."""
    config = SOURCES[name]
    entries: dict[str, object] = {}
    for case in lists(name):
        for entry in list_page(name, case).entries:
            entries.setdefault(normal_url(entry.url), entry)
            if config.article and config.article.url:
                url = normal_url(fill(config.article.url, template_values(entry)) or "")
                entries.setdefault(url, entry)
                body = request_body(config.article.request, template_values(entry))
                if body:
                    entries.setdefault(f"{url} {body}", entry)
    for case in source_cases(name):  # a redirect: the page is found at its target
        target = case.meta.get("headers", {}).get("Location")
        if target and normal_url(case.url) in entries:
            entries.setdefault(normal_url(target), entries[normal_url(case.url)])
    return entries


def entry_of(name: str, case: Case, entries: dict[str, object] | None = None):
    """The list entry an article case was found through: by the URL it is served at,
    and for POST detail APIs on one URL by the request body (meta ``body_contains``)."""
    entries = list_entries(name) if entries is None else entries
    needle = case.meta.get("body_contains")
    prefix = normal_url(case.url) + " "
    by_body = (e for key, e in entries.items() if needle and key.startswith(prefix)
               and needle in key)  # fmt: skip
    return next(by_body, None) or entries.get(normal_url(case.url))


def request_body(request, values: dict[str, str]) -> str:
    """The body a declared article request sends for an entry (POST detail APIs)."""
    if request.json is not None:
        return json.dumps(fill_all(request.json, values), ensure_ascii=False)
    return fill(request.data, values) or "" if request.data else ""


def _same_page(a: str, b: str) -> bool:
    pa, pb = urlsplit(normal_url(a)), urlsplit(normal_url(b))
    return (pa.netloc, pa.path) == (pb.netloc, pb.path)


def check_item(item, want: dict) -> None:
    got = {"url": item.url, "title": item.title, "label": item.label, "lang": item.lang,
           "thumbnail": item.thumbnail}  # fmt: skip
    assert got == {key: want[key] for key in got}
    if "author" in want:
        assert item.author == want["author"]
    assert normalize_date(item.date, SITE_ZONE) == want["date"]
    markdown = to_markdown(clean_body(item.body_html, item.url).html)
    _check_body(markdown, want)


@pytest.mark.parametrize("name", NAMES)
def test_source_has_fixtures(name):
    folder = f"tests/fixtures/{name}/"
    assert lists(name), f"{name}: add a list case to {folder}"
    assert expected_files(name), f"{name}: add expected articles to {folder}"
    assert (FIXTURES / name / "README.md").is_file(), f"{name}: {folder}README.md"


@pytest.mark.parametrize(
    "name,case", [(n, c.name) for n in NAMES for c in articles(n)], ids=lambda v: str(v)
)
def test_article_page_object(name, case):
    """The page objects alone on the saved list and page: every field as expected."""
    config = SOURCES[name]
    [found] = [c for c in articles(name) if c.name == case]
    want = found.expected
    entry = entry_of(name, found)
    fmt = config.article.request.format if config.article and config.article.then else ""
    page = DeclaredArticlePage(config, found.text(), found.url, entry, site_zone=SITE_ZONE,
                               now=now_of(name), fmt=fmt)  # fmt: skip
    if "skipped" in want:
        with pytest.raises(Skipped):
            page.to_item()
        return
    if fmt:
        pytest.skip("a two-step article: its answers are checked by the crawl")
    item = page.to_item()
    if "dropped" not in want:  # what drops it is the pipeline's (checked in the crawl test)
        check_item(item, want)


@pytest.mark.parametrize(
    "name,case", [(n, c.name) for n in NAMES for c in lists(n) if c.expected],
    ids=lambda v: str(v),
)  # fmt: skip
def test_list_page_object(name, case):
    """A list that carries whole articles: each expected item from its entry; the
    skipped entries counted by kind."""
    [found] = [c for c in lists(name) if c.name == case]
    page = list_page(name, found)
    for key, number in found.expected.get("skipped", {}).items():
        assert page.skipped[key.removeprefix("skipped/")] == number, dict(page.skipped)
    for want in found.listed_articles():
        entry = next((e for e in page.entries if _same_entry(e, want)), None)
        if not written(want):
            continue
        assert entry is not None, f"no entry for {want.get('id') or want.get('title')}"
        check_item(entry_item(SOURCES[name], entry, site_zone=SITE_ZONE, now=now_of(name)), want)


def _same_entry(entry, want: dict) -> bool:
    if want.get("id"):
        return entry.id == want["id"]
    if want.get("title"):
        return entry.title == want["title"]
    return normal_url(entry.url) == normal_url(want.get("url", ""))


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
    # The fixture sites list articles they do not serve (404): a run with more errors
    # than NEWSBOT_MAX_ERROR_RATE exits 1; here the written files are what is tested.
    settings = {"NEWSBOT_MAX_ERROR_RATE": "1", **options.get("settings", {})}
    result = crawl(name, *options.get("args", []), **secrets, **settings)
    assert result.returncode == 0, result.log[-3000:]
    assert "Traceback" not in result.log, result.log[-3000:]
    expected = expected_files(name)
    files = {p.relative_to(result.export_dir).as_posix(): p for p in result.files()}
    assert set(files) == set(expected), result.log[-3000:]
    for path, want in expected.items():
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
