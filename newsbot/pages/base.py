"""Small helpers the source parsers share."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

from parsel import Selector

from newsbot.items import Article

_DECODER = json.JSONDecoder()


@dataclass
class ListEntry:
    """What a source's list tells about one article (also the page parser's fallback).

    Sources fill what their list has; ``url`` stays empty where the article URL is
    made from the id (qq, thepaper).
    """

    id: str
    url: str = ""
    title: str = ""
    publish_time: str = ""
    update_time: str = ""
    thumbnail: str = ""
    author: str = ""

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass
class ListPage:
    """One list answer: its articles, and the items left out counted by kind.

    Sources whose lists say more (paging cursors, totals) subclass it.
    """

    entries: list[ListEntry] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)


class ListAPIError(ValueError):
    """A list answer that is not a usable success (an error code, not JSON, a changed
    or blocked page ...)."""


def first(values: Iterable[Any]) -> Any:
    """The first truthy value, or None."""
    return next((value for value in values if value), None)


def meta_content(selector: Selector, name: str) -> str:
    """Content of the first ``<meta property=name>`` or ``<meta name=name>``, stripped."""
    metas = _METAS.get(selector)
    if metas is None:
        # One pass over the page for all of them: each lookup would be another.
        metas = _METAS[selector] = {}
        for meta in selector.root.iter("meta"):
            content = meta.get("content")
            if content is not None:
                for key in (meta.get("property"), meta.get("name")):
                    if key is not None:
                        metas.setdefault(key, content.strip())
    return metas.get(name, "")


_METAS: WeakKeyDictionary[Selector, dict[str, str]] = WeakKeyDictionary()


def page_selector(html: str, body: bytes = b"") -> Selector:
    """The selector of a page: from ``body``, its bytes, when the caller has them and
    they are UTF-8 (``html`` is then their decoding), else from ``html``.

    From bytes, lxml reads the page as it came; from text, parsel first copies and
    encodes all of it (a third of the parse on a 270 KB page).
    """
    # The type is given: guessing it tries to parse the whole page as JSON first.
    if body:
        return Selector(body=body, encoding="utf-8", type="html")
    return Selector(text=html, type="html")


def embedded_json(html: str, marker: str) -> Any:
    """The JSON value assigned after ``marker`` (``window.DATA = {...};``) in a page.

    Decoded with a real JSON scan rather than a regex: the value is one long line
    whose strings can hold ``};`` (inline CSS). None when absent or not JSON.
    """
    start = html.find(marker)
    while start != -1:
        pos = start + len(marker)
        while pos < len(html) and html[pos] in " \t\r\n=":
            pos += 1
        try:
            value, _ = _DECODER.raw_decode(html, pos)
        except json.JSONDecodeError:
            start = html.find(marker, pos)
            continue
        return value
    return None


def text_of(value: Any) -> str:
    """A JSON value as stripped text, or "" when it is not a string."""
    return value.strip() if isinstance(value, str) else ""


class ArticlePageBase:
    """Page object of one source's article page: a method per field, assembled by
    ``to_item``. Subclasses set ``source`` and ``lang`` and implement the fields;
    ``self.entry`` is the list entry the page was found through (its fallback)."""

    source: str
    lang: str
    entry: ListEntry

    def canonical_url(self, article_id: str) -> str:
        raise NotImplementedError

    def to_item(self) -> Article:
        article_id = self.article_id()
        return Article(
            id=article_id,
            url=self.canonical_url(article_id),
            source=self.source,
            lang=self.lang,
            title=self.title(),
            date=self.date(),
            author=self.author(),
            thumbnail=self.thumbnail(),
            body_html=self.body_html(),
            update_time=self.entry.update_time,
        )

    def article_id(self) -> str:
        raise NotImplementedError

    def title(self) -> str:
        raise NotImplementedError

    def date(self) -> str:
        raise NotImplementedError

    def author(self) -> str:
        raise NotImplementedError

    def thumbnail(self) -> str:
        raise NotImplementedError

    def body_html(self) -> str:
        raise NotImplementedError
