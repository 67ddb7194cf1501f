"""Cleaned HTML to Markdown, and the summary rule.

markdownify defines the Markdown (its defaults, which the site's existing files were
made with, plus text that never becomes markup), applied to the lxml tree the cleaner
checked, never to a second parser's reading of it. ``newsbot.treemarkdown`` computes
that output straight from the tree for the elements news bodies use; for the rest,
markdownify converts a BeautifulSoup copy of the tree.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from newsbot import treemarkdown
from newsbot.html import parse_fragment
from newsbot.treemarkdown import _LINE_RE

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag
    from lxml import etree
    from markdownify import MarkdownConverter

SUMMARY_ZH_WHOLE_BELOW = 80  # characters: shorter texts are used whole
SUMMARY_ZH_CHARS = 50
SUMMARY_WORDS = 50


def inert(text: str) -> str:
    """Text that Markdown shows as it is: never raw HTML (``<``), never a link (``[``)."""
    return text.replace("<", "&lt;").replace("[", "\\[").replace("]", "\\]")


def escape_text(text: str) -> str:
    """A text node's escaping outside code: markdownify's default (``*`` and ``_``),
    then :func:`inert`, so that ``&lt;script&gt;`` or ``[x](javascript:...)`` in a
    page's text stay text in Markdown, even with Hugo's raw HTML allowed."""
    return inert(text.replace("*", r"\*").replace("_", r"\_"))


@cache
def converter() -> MarkdownConverter:
    """The markdownify converter (imported on first use: most bodies never need it)."""
    from markdownify import MarkdownConverter

    class SafeConverter(MarkdownConverter):
        """markdownify's defaults, with :func:`escape_text` for text outside code."""

        def escape(self, text: str, parent_tags: set[str]) -> str:
            if not text:
                return ""
            if "pre" in parent_tags or "code" in parent_tags:
                return super().escape(text, parent_tags)  # code is shown literally
            return escape_text(text)

        def convert_li(self, el: Tag, text: str, parent_tags: set[str]) -> str:
            """markdownify's, with an <ol> item's number counted once per list:
            markdownify counts each item's preceding siblings (quadratic)."""
            parent = el.parent
            if parent is None or parent.name != "ol" or not (text or "").strip():
                return super().convert_li(el, text, parent_tags)
            positions = self._positions.get(id(parent))
            if positions is None or positions[0] is not parent:
                items = parent.find_all("li", recursive=False)
                numbers = {id(li): k for k, li in enumerate(items)}
                positions = self._positions[id(parent)] = (parent, numbers)
            start = parent.get("start")
            first = int(start) if start and str(start).isnumeric() else 1
            bullet = f"{first + positions[1][id(el)]}. "
            indent = " " * len(bullet)
            text = _LINE_RE.sub(lambda m: indent + m.group(1) if m.group(1) else "", text.strip())
            return bullet + text[len(bullet) :] + "\n"

    converter = SafeConverter()
    converter._positions = {}  # type: ignore[attr-defined]  # filled per convert_soup
    return converter


def to_markdown(html: str) -> str:
    """Markdown of a cleaned body."""
    if not html:
        return ""
    root = parse_fragment(html)
    markdown = treemarkdown.to_markdown(root, escape_text)
    if markdown is None:
        fallback = converter()
        try:
            markdown = fallback.convert_soup(soup_of(root)).strip()
        finally:
            fallback._positions.clear()  # type: ignore[attr-defined]
    return markdown


def soup_of(root: etree._Element) -> BeautifulSoup:
    """A BeautifulSoup document of ``root``'s content, node for node."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup("", "html.parser")
    _copy_into(soup, root, soup)
    return soup


def _copy_into(soup: BeautifulSoup, el: etree._Element, parent: Tag) -> None:
    if el.text:
        parent.append(soup.new_string(el.text))
    for child in el:
        if isinstance(child.tag, str):  # comments are not content
            tag = soup.new_tag(child.tag, attrs=dict(child.attrib))
            parent.append(tag)
            _copy_into(soup, child, tag)
        if child.tail:
            parent.append(soup.new_string(child.tail))


def summarize(text: str, lang: str) -> str:
    """Summary of a body's plain text (already whitespace-collapsed).

    Chinese (``zh*``): the whole text under 80 characters, else the first 50 and
    ``...``. Other languages: the whole text under 50 words, else the first 50 words.
    Hugo renders a front matter summary as Markdown, so it is made inert.
    """
    return inert(_cut(text, lang))


def _cut(text: str, lang: str) -> str:
    text = " ".join(text.split())
    if lang.lower().startswith("zh"):
        if len(text) < SUMMARY_ZH_WHOLE_BELOW:
            return text
        return text[:SUMMARY_ZH_CHARS] + "..."
    words = text.split(" ")
    if len(words) < SUMMARY_WORDS:
        return text
    return " ".join(words[:SUMMARY_WORDS]) + "..."
