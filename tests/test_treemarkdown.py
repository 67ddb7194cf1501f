"""The lxml-tree converter gives markdownify's Markdown, or gives way to it."""

from __future__ import annotations

import importlib
from pathlib import Path

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsbot import treemarkdown
from newsbot.html import clean_body, parse_fragment
from newsbot.markdown import converter, escape_text, soup_of, to_markdown
from tests.support.expectations import hand_written_sources
from tests.support.htmlgen import element

FIXTURES = Path(__file__).parent / "fixtures"
PARSERS = {
    name: importlib.import_module(f"newsbot.sources.{name}") for name in hand_written_sources()
}
BASE = "https://example.com/news/a.html"


def by_markdownify(html: str) -> str:
    """markdownify on the same tree (not on html.parser's reading of the HTML)."""
    return converter().convert_soup(soup_of(parse_fragment(html))).strip()


def by_tree(html: str) -> str | None:
    return treemarkdown.to_markdown(parse_fragment(html), escape_text)


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            pass
    return raw.decode("utf-8", "replace")


def fixture_bodies() -> list[tuple[str, str]]:
    """Cleaned bodies of every saved page: as its source parses it, and the whole
    ``<body>`` (navigation, lists, footers: more kinds of element)."""
    bodies = []
    for path in sorted(FIXTURES.rglob("*.htm*")):
        html = _decode(path.read_bytes())
        name = str(path.relative_to(FIXTURES))
        parser = PARSERS.get(path.relative_to(FIXTURES).parts[0])
        if parser is not None and path.name == "page.html":
            body = parser.parse_article(html, BASE).body_html
            if body:
                bodies.append((f"{name} (article)", clean_body(body, BASE).html))
        whole = lxml.html.document_fromstring(html.encode()).body
        if whole is not None:
            page = lxml.html.tostring(whole, encoding="unicode")
            bodies.append((f"{name} (page)", clean_body(page, BASE).html))
    return bodies


BODIES = fixture_bodies()


def test_the_fixtures_give_many_bodies():
    assert len(BODIES) >= 60


@pytest.mark.parametrize("html", [b for _, b in BODIES], ids=[n for n, _ in BODIES])
def test_every_fixture_body_converts_as_markdownify_does(html):
    assert to_markdown(html) == by_markdownify(html)


def test_the_tree_converter_takes_the_article_bodies():
    """The fast path is the common path: every article body of the fixtures."""
    articles = [(name, html) for name, html in BODIES if name.endswith("(article)")]
    assert articles
    for name, html in articles:
        assert by_tree(html) == by_markdownify(html), name


def test_elements_it_does_not_know_go_to_markdownify():
    html = "<p>a</p><table><tr><td>1</td><td>2</td></tr></table><pre>x_y</pre>"
    assert by_tree(html) is None
    assert to_markdown(html) == by_markdownify(html)
    assert "| 1 | 2 |" in to_markdown(html)


@pytest.mark.parametrize("tag", sorted(treemarkdown.TRANSPARENT))
def test_transparent_elements_have_no_markdownify_rule(tag):
    assert converter().get_conv_fn(tag) is None


@settings(max_examples=400, deadline=None)
@given(st.lists(element(), min_size=1, max_size=5))
def test_generated_bodies_convert_as_markdownify_does(parts):
    html = clean_body("".join(parts), BASE).html
    tree = by_tree(html)
    expected = by_markdownify(html)
    assert tree is None or tree == expected
    assert to_markdown(html) == expected
