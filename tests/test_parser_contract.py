"""Every hand-written source's parser against its saved pages (generated per source).

A source is a spider with a module newsbot.sources.<name> exposing
``ArticlePage`` (its page object) and ``parse_article(html, url, entry=None) -> Article``.
Its fixtures, one folder per
case: ``tests/fixtures/<name>/<case>/page.html`` (bytes as the site serves them),
``meta.json`` (``url`` it is served at, ``content_type``, ``kind``, what it
mirrors; ``pages``, ``{URL: file}``, the saved next pages of an article the site
splits over pages) and ``expected.json``: written by ``python -m tests.support.expectations``
(``path``, ``id``, ``url``, ``label``, ``lang``, ``title``, ``date`` as written to
the file, ``author``, ``thumbnail``, ``images``, ``body_start``, ``body_end``, or
``dropped`` with the reason), plus what a person adds: optional ``page_url`` and
``content_type``, ``first_paragraph``, ``last_paragraph``, ``must_not_contain``.
A source without fixtures fails here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsbot.dates import normalize_date
from newsbot.html import clean_body
from tests.support.expectations import expectation, hand_written_sources, parse_case

FIXTURES = Path(__file__).parent / "fixtures"


def sources() -> list[str]:
    """The hand-written sources: a module of their own in newsbot/sources/ (configured
    and declared sources are tested with their own fixtures)."""
    return hand_written_sources()


def cases() -> list[tuple[str, Path]]:
    return [
        (source, page)
        for source in sources()
        for page in sorted((FIXTURES / source).glob("*/page.html"))
    ]


def case_id(value: str | Path) -> str:
    return value.parent.name if isinstance(value, Path) else value


def load(source: str, page: Path):
    """The expected values and the item of a saved article (all its pages)."""
    expected = json.loads((page.parent / "expected.json").read_text("utf-8"))
    url = expected.get("page_url", expected["url"])
    kind = expected.get("content_type", "text/html; charset=utf-8")
    return expected, parse_case(source, page.parent, url, kind)


@pytest.mark.parametrize("source", sources())
def test_every_source_has_fixtures_with_expected_values(source):
    pages = sorted((FIXTURES / source).glob("*/page.html"))
    assert len(pages) >= 2, f"{source}: add pages under tests/fixtures/{source}/pages/"
    for page in pages:
        assert (FIXTURES / source / page.parent.name / "expected.json").is_file(), page


@pytest.mark.parametrize(("source", "page"), cases(), ids=case_id)
def test_fields(source, page):
    expected, item = load(source, page)
    assert (item.source, item.url) == (source, expected["url"])
    assert item.title == expected["title"]
    if item.title:
        assert normalize_date(item.date) == expected["date"]
    assert item.author == expected["author"]
    assert item.thumbnail == expected["thumbnail"]


@pytest.mark.parametrize(("source", "page"), cases(), ids=case_id)
def test_body(source, page):
    expected, item = load(source, page)
    body = clean_body(item.body_html, item.url)
    assert body.images == expected["images"]
    assert body.text.startswith(expected["first_paragraph"])
    assert body.text.endswith(expected["last_paragraph"])
    for needle in expected.get("must_not_contain", []):
        assert needle not in body.html
    assert "\ufffd" not in item.title + body.text  # no mojibake


@pytest.mark.parametrize(("source", "page"), cases(), ids=case_id)
def test_expected_file_is_what_the_parsers_give(source, page):
    """expected.json is up to date: `python -m tests.support.expectations` rewrites it."""
    want = json.loads((page.parent / "expected.json").read_text("utf-8"))
    for key, value in expectation(source, page.parent).items():
        assert want.get(key) == value, f"{key}: run python -m tests.support.expectations {source}"
