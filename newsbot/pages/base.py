"""What every source's page objects share: the list entry and list answer, the
article page object base, and small parse helpers. No Scrapy, no network."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from parsel import Selector

from newsbot.items import Article

_DECODER = json.JSONDecoder()
_JSONP_RE = re.compile(r"^\s*[\w$.]+\s*\((.*)\)\s*;?\s*$", re.S)


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
    # The text of categories, tags and the source line when the list says which it is
    # (sina's US-stock channel: sina_us_stock); empty: the source's own.
    label: str = ""

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


def first(values: Iterable[Any], default: Any = "") -> Any:
    """The first truthy value, or ``default`` ("")."""
    return next((value for value in values if value), default)


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


def jsonp_payload(text: str) -> Any:
    """The value inside ``data_callback(...)`` (any callback name, or bare JSON), read
    tolerantly: the site's arrays end with ``},\\n]``, which strict JSON refuses."""
    text = (text or "").strip().lstrip("\ufeff")
    match = _JSONP_RE.match(text)
    inner = match.group(1) if match else text
    if not inner.strip().startswith(("[", "{")):
        raise ListAPIError(f"answer is not JSONP but {text[:40]!r}")
    try:
        return json.loads(inner)
    except ValueError:
        pass
    try:
        return json.loads(_drop_trailing_commas(inner))
    except ValueError as exc:
        raise ListAPIError(f"answer is not valid JSON: {exc}") from None


def _drop_trailing_commas(text: str) -> str:
    """``[{…},\\n]`` → ``[{…}\\n]``: commas before a closing bracket, outside strings."""
    out: list[str] = []
    in_string = escaped = False
    for char in text:
        if in_string:
            if char == '"' and not escaped:
                in_string = False
            escaped = char == "\\" and not escaped
        elif char == '"':
            in_string = True
        elif char in "]}":
            while out and out[-1].isspace():
                out.pop()  # whitespace before the bracket is not needed
            if out and out[-1] == ",":
                out.pop()
        out.append(char)
    return "".join(out)


def text_of(value: Any) -> str:
    """A JSON value as stripped text, or "" when it is not a string."""
    return value.strip() if isinstance(value, str) else ""


class ArticlePageBase:
    """Page object of one source's article page: one method per field, assembled by
    ``to_item``; ``parse`` is the whole of it, from a page to its item.

    Subclasses set ``source`` and ``lang``, their selectors as class attributes, and
    implement the field methods; ``self.entry`` is the list entry the page was found
    through (each field's last fallback). No Scrapy: tests feed it a saved page.
    """

    source: str = ""
    lang: str = ""

    def __init__(
        self, html: str, url: str, entry: ListEntry | None = None, body: bytes = b""
    ) -> None:
        """``body``: the page's bytes when they are UTF-8 (see :func:`page_selector`)."""
        self.html = html
        self.url = url
        self.entry = entry or ListEntry(id="")
        self.selector = page_selector(html, body)
        self._metas: dict[str, str] | None = None

    @classmethod
    def parse(
        cls, html: str, url: str, entry: ListEntry | None = None, body: bytes = b""
    ) -> Article:
        """The article item of a page (body still uncleaned: the pipeline cleans it)."""
        return cls(html, url, entry, body).to_item()

    def to_item(self) -> Article:
        """The item; a page that is not an article (``is_article``) gives only its id
        and URL, which the pipeline drops."""
        item = Article(
            id=self.article_id(),
            url=self.canonical_url(),
            source=self.source,
            label=self.entry.label,
            lang=self.lang,
            update_time=self.entry.update_time,
        )
        if self.is_article():
            item.title, item.date, item.author = self.title(), self.date(), self.author()
            item.thumbnail, item.body_html = self.thumbnail(), self.body_html()
        return item

    def next_page_url(self) -> str:
        """The absolute URL of the article's next page when the site splits it over
        several, else "" (the spider appends each page with ``continue_item``)."""
        return ""

    def continue_item(self, item: Article) -> bool:
        """Append this page's body to ``item``, the article it is page 2, 3 … of;
        False when the page has none."""
        more = self.body_html() if self.is_article() else ""
        if more:
            item.body_html += "\n" + more
        return bool(more)

    def meta(self, *names: str) -> str:
        """Content of the first non-empty ``<meta>`` whose ``property``, ``name`` or
        ``itemprop`` is one of ``names``, tried in their order; "" when there is none."""
        if self._metas is None:
            # One pass over the page for all of them: each lookup would be another.
            self._metas = {}
            root = self.selector.root if self.selector is not None else None
            for meta in root.iter("meta") if root is not None else ():
                content = (meta.get("content") or "").strip()
                for key in (meta.get("property"), meta.get("name"), meta.get("itemprop")):
                    if content and key is not None:
                        self._metas.setdefault(key, content)
        return next((self._metas[name] for name in names if name in self._metas), "")

    def text(self, css: str) -> str:
        """The stripped text of the first element ``css`` matches, or ""."""
        return self.selector.css(css).xpath("string()").get("").strip()

    def is_article(self) -> bool:
        return True

    def article_id(self) -> str:
        raise NotImplementedError

    def canonical_url(self) -> str:
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
