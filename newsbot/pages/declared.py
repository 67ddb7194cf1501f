"""Page objects of declared sources: a list answer → entries, an article page → an item.

Driven by a source's TOML entry (newsbot.sourceconfig); no Scrapy, no network, so
each is tested on saved answers alone. JSON fields are JMESPath expressions; HTML
fields are CSS selectors (XPath when they start with ``/`` or ``(``), with
Scrapy's ``::text`` and ``::attr(name)``.
"""

from __future__ import annotations

import importlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import jmespath
import lxml.html
from parsel import Selector, SelectorList

from newsbot.dates import DateError, to_site_time
from newsbot.html import inner_html, one_line
from newsbot.items import Article
from newsbot.pages.base import ArticlePageBase, ListAPIError, ListEntry, ListPage, first
from newsbot.sourceconfig import ArticleConfig, ListConfig, SkipRule, SourceConfig

_JSONP_RE = re.compile(r"^[^(]*\((.*)\)[\s;]*$", re.S)
_FORMAT_FIELD_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
# Where a page says when it was published, when the source declares no date selector.
_DATE_METAS = ("article:published_time", "og:article:published_time", "datePublished",
               "publishdate", "pubdate", "publish-date", "date")  # fmt: skip


class Skipped(Exception):
    """An article a skip rule or hook leaves out; ``kind`` is counted."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


@dataclass
class DeclaredEntry(ListEntry):
    """A list entry of a declared source: the common fields plus what it declares."""

    lang: str = ""
    body: str = ""
    fields: dict[str, str] = field(default_factory=dict)


# --- values --------------------------------------------------------------------------


def is_xpath(query: str) -> bool:
    return query.startswith(("/", "(", "./"))


def select(node: Selector | SelectorList, query: str) -> SelectorList:
    """What a declared selector finds: XPath when it starts with / or (, else CSS."""
    return node.xpath(query) if is_xpath(query) else node.css(query)


def drop_matches(node: Selector | SelectorList, remove: tuple[str, ...]) -> None:
    """Remove the elements ``remove`` finds inside ``node`` (a source's removals)."""
    for unwanted in remove:
        for element in select(node, unwanted):
            if isinstance(element.root, lxml.html.HtmlElement):
                element.root.drop_tree()


def html_values(node: Selector | SelectorList, query: str) -> list[str]:
    """Texts a selector finds: strings for ::text/::attr/@x, an element's own text."""
    values = []
    for item in select(node, query):
        root = item.root
        text = root.text_content() if isinstance(root, lxml.html.HtmlElement) else str(root)
        text = one_line(text)
        if text:
            values.append(text)
    return values


def html_markup(node: Selector, query: str, remove: tuple[str, ...] = ()) -> str:
    """The HTML of what ``query`` finds (joined in document order), less ``remove``."""
    parts = []
    for item in select(node, query):
        drop_matches(item, remove)
        parts.append(item.get())
    return "".join(parts)


def without(html: str, remove: tuple[str, ...]) -> str:
    """A body given as HTML text (in a list or a JSON answer), less ``remove``."""
    if not remove or not html.strip():
        return html
    root = Selector(text=f"<div id='newsbot-body'>{html}</div>", type="html")
    body = root.css("#newsbot-body")
    drop_matches(body, remove)
    return inner_html(body[0].root)


def json_values(data: Any, path: str) -> list[str]:
    """The texts at a JMESPath of ``data``: numbers as digits, booleans as true/false."""
    try:
        found = jmespath.search(path, data)
    except jmespath.exceptions.JMESPathError as exc:
        raise ListAPIError(f"bad JMESPath {path!r}: {exc}") from exc
    items = found if isinstance(found, list) else [found]
    return [text for value in items if (text := json_text(value))]


def json_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(int(value)) if float(value).is_integer() else str(value)
    return value.strip() if isinstance(value, str) else ""


def load_json(text: str, jsonp: bool = False) -> Any:
    """A JSON (or JSONP: ``callback({...});``) answer; ListAPIError when it is not."""
    text = text.lstrip("\ufeff").strip()
    if jsonp:
        match = _JSONP_RE.match(text)
        if not match:
            raise ListAPIError("answer is not JSONP (callback(...))")
        text = match.group(1)
    try:
        return json.loads(text)
    except ValueError as exc:
        raise ListAPIError(f"answer is not JSON: {exc}") from None


def fill(template: str, values: dict[str, str]) -> str | None:
    """``template`` with each ``{name}`` replaced; None when a name has no value."""
    missing = [name for name in _FORMAT_FIELD_RE.findall(template) if not values.get(name)]
    if missing:
        return None
    return _FORMAT_FIELD_RE.sub(lambda m: values[m.group(1)], template)


def site_time(value: str, source_zone: ZoneInfo, site_zone: ZoneInfo,
              now: datetime | None = None) -> str:  # fmt: skip
    """A date in any form the sources give, as wall time in the site's zone (a naive
    date read in the source's zone); "" when it is no date."""
    if not value:
        return ""
    try:
        return to_site_time(value, source_zone, site_zone, now=now)
    except DateError:
        return ""


def hook_function(config: SourceConfig, name: str) -> Any:
    """The source's hook ``name`` (a function of its hook module), or None."""
    if not config.hook:
        return None
    return getattr(importlib.import_module(config.hook), name, None)


def skip_kind(rules: tuple[SkipRule, ...], values: dict[str, list[str]]) -> str:
    """The kind of the first rule that skips an entry with these field values, or ""."""
    for rule in rules:
        found = values.get(rule.field, [])
        if rule.missing and not found:
            return rule.kind
        if any(v in rule.equals for v in found) or (
            rule.matches is not None and any(rule.matches.search(v) for v in found)
        ):  # fmt: skip
            return rule.kind
    return ""


# --- list pages ----------------------------------------------------------------------


class DeclaredListPage:
    """One list answer of a declared source: its entries, skipped ones counted."""

    def __init__(self, config: SourceConfig, listing: ListConfig, text: str, url: str,
                 body: bytes = b"", content_type: str = "",
                 site_zone: ZoneInfo | None = None) -> None:  # fmt: skip
        self.config, self.listing, self.text, self.url = config, listing, text, url
        self.body, self.content_type = body, content_type
        self.site_zone = site_zone

    def raw_entries(self) -> tuple[list[Any], bool]:
        """The raw entries (JSON values or Selectors) and whether they are JSON."""
        fmt, listing = self.listing.format, self.listing
        if fmt in ("json", "jsonp"):
            data = load_json(self.text, jsonp=fmt == "jsonp")
            if not listing.html_in:
                return self._json_entries(data), True
            fragment = first(json_values(data, listing.html_in))
            if not fragment:
                raise ListAPIError(f"no HTML at {listing.html_in!r} (has the API changed?)")
            return list(select(Selector(text=fragment, type="html"), listing.entries)), False
        selector = Selector(text=self.text, type="html")
        if listing.json_in:
            data = first(html_values_raw(selector, listing.json_in))
            if not data:
                raise ListAPIError(f"{listing.json_in!r} is not in the page (has it changed?)")
            return self._json_entries(load_json(data)), True
        return list(select(selector, listing.entries)), False

    def _json_entries(self, data: Any) -> list[Any]:
        try:
            found = jmespath.search(self.listing.entries, data)
        except jmespath.exceptions.JMESPathError as exc:
            raise ListAPIError(f"bad JMESPath {self.listing.entries!r}: {exc}") from exc
        if not isinstance(found, list):
            raise ListAPIError(f"no list of entries at {self.listing.entries!r} "
                               f"(found {type(found).__name__})")  # fmt: skip
        return found

    def to_list(self) -> ListPage:
        if self.listing.format == "feed":
            return self._feed_list()
        raws, is_json = self.raw_entries()
        page = ListPage()
        for raw in raws:
            entry = self.entry(raw, is_json, page)
            if entry is not None:
                page.entries.append(entry)
        return page

    def entry(self, raw: Any, is_json: bool, page: ListPage) -> DeclaredEntry | None:
        values = {name: (json_values(raw, q) if is_json else html_values(raw, q))
                  for name, queries in self.listing.fields.items()
                  for q in [_first_query(raw, queries, is_json)]}  # fmt: skip
        if is_json:
            for rule in self.listing.skip:
                values.setdefault(rule.field, json_values(raw, rule.field))
        kind = skip_kind(self.listing.skip, values)
        if kind:
            page.skipped[kind] += 1
            return None
        fields = {name: found[0] for name, found in values.items() if found}
        if "body" in self.listing.fields and not is_json:
            fields["body"] = html_markup(raw, _first_query(raw, self.listing.fields["body"], False))
        for name, template in self.listing.templates.items():
            filled = fill(template, fields)
            if filled is not None:
                fields[name] = filled
        hook = hook_function(self.config, "entry")
        if hook is not None and (fields := hook(fields, raw)) is None:
            page.skipped["hook"] += 1
            return None
        if not fields.get("url"):
            page.skipped["no_url"] += 1
            return None
        return self.make_entry(fields)

    def make_entry(self, fields: dict[str, str]) -> DeclaredEntry:
        return DeclaredEntry(
            id=fields.get("id", ""),
            url=urljoin(self.url, fields["url"]),
            title=one_line(_text_of_markup(fields.get("title", ""))),
            publish_time=fields.get("date", ""),
            update_time=fields.get("update_time", ""),
            thumbnail=urljoin(self.url, fields["thumbnail"]) if fields.get("thumbnail") else "",
            author=fields.get("author", ""),
            label=fields.get("label") or self.listing.label,
            lang=fields.get("lang") or self.listing.lang,
            body=fields.get("body", ""),
            fields=fields,
        )

    def _feed_list(self) -> ListPage:
        from newsbot.pages import feed

        parsed = feed.parse_feed(self.body or self.text.encode("utf-8"), self.content_type,
                                 self.site_zone)  # fmt: skip
        page = ListPage()
        for item in parsed.entries:
            fields = {"url": item.url, "title": item.title, "date": item.date_raw or item.date,
                      "author": item.author, "thumbnail": item.thumbnail}  # fmt: skip
            hook = hook_function(self.config, "entry")
            if hook is not None and (fields := hook(fields, item)) is None:
                page.skipped["hook"] += 1
                continue
            page.entries.append(self.make_entry(fields))
        page.sitemaps = parsed.sitemaps  # type: ignore[attr-defined]
        return page


def html_values_raw(selector: Selector, query: str) -> list[str]:
    """The raw text of what ``query`` finds (an embedded JSON script, unstripped)."""
    return [item.root.text_content() if isinstance(item.root, lxml.html.HtmlElement)
            else str(item.root) for item in select(selector, query)]  # fmt: skip


def _first_query(raw: Any, queries: tuple[str, ...], is_json: bool) -> str:
    """The first of fallback selectors that finds something (else the first)."""
    for query in queries:
        if (json_values(raw, query) if is_json else html_values(raw, query)):
            return query
    return queries[0]


def _text_of_markup(value: str) -> str:
    """Titles sometimes carry markup (``<em>``): their text."""
    if "<" not in value:
        return value
    return lxml.html.fromstring(f"<div>{value}</div>").text_content()


# --- article pages -------------------------------------------------------------------


class DeclaredArticlePage(ArticlePageBase):
    """An article page of a declared source. The list's values come first (the
    incumbent wrote those), the page fills the rest, except the fields the source
    lists in ``prefer_page``."""

    def __init__(self, config: SourceConfig, text: str, url: str,
                 entry: DeclaredEntry | None = None, *, site_zone: ZoneInfo,
                 now: datetime | None = None, fmt: str = "") -> None:  # fmt: skip
        self.config = config
        self.article = config.article or ArticleConfig()
        self.text = text
        self.url = url
        self.entry = entry or DeclaredEntry(id="", url=url)
        self.source = config.name
        self.lang = self.entry.lang or config.lang
        self.site_zone = site_zone
        self.source_zone = config.timezone or site_zone
        self.now = now or datetime.now(site_zone)
        self.data: Any = None
        self.selector: Selector | None = None
        if (fmt or self.article.format) == "json":
            self.data = load_json(text)
        else:
            self.selector = Selector(text=text, type="html")
            if self.article.json_in:
                raw = first(html_values_raw(self.selector, self.article.json_in))
                self.data = load_json(raw) if raw else {}
        self._metadata: Any = None
        self._metas: dict[str, str] | None = None

    # what the source declares
    def values(self, name: str) -> list[str]:
        queries = self.article.selectors.get(name, ())
        for query in queries:
            found = (json_values(self.data, query) if self.data is not None
                     else html_values(self.selector, query))  # fmt: skip
            if found:
                return found
        return []

    def pick(self, name: str, listed: str, *fallbacks: str) -> str:
        declared = first(self.values(name)) or ""
        if name in self.article.prefer_page:
            return declared or listed or first(fallbacks) or ""
        return listed or declared or first(fallbacks) or ""

    @property
    def metadata(self) -> Any:
        if self._metadata is None and self.selector is not None:
            import trafilatura

            self._metadata = trafilatura.extract_metadata(self.text, default_url=self.url) or False
        return self._metadata or None

    def canonical_url(self) -> str:
        return self.entry.url or self.url

    def article_id(self) -> str:
        return self.entry.id or first(self.values("id")) or ""

    def title(self) -> str:
        return one_line(self.pick("title", self.entry.title, self.meta("og:title"),
                                  getattr(self.metadata, "title", "") or ""))  # fmt: skip

    def date(self) -> str:
        candidates = [*self.values("date")]
        listed = self.entry.publish_time
        candidates = [*candidates, listed] if "date" in self.article.prefer_page else [
            listed, *candidates]  # fmt: skip
        candidates += [self.meta(*_DATE_METAS)]
        if self.selector is not None:
            candidates += self.selector.css("time::attr(datetime)").getall()[:1]
            candidates.append(getattr(self.metadata, "date", "") or "")
        for value in candidates:
            moment = site_time(value, self.source_zone, self.site_zone, self.now)
            if moment:
                return moment
        return ""

    def author(self) -> str:
        return self.pick("author", self.entry.author, self.meta("author", "article:author"),
                         getattr(self.metadata, "author", "") or "")  # fmt: skip

    def thumbnail(self) -> str:
        image = self.pick("image", self.entry.thumbnail, self.meta("og:image"))
        return urljoin(self.url, image) if image else ""

    def label(self) -> str:
        return self.entry.label or self.config.label or self.config.name

    def vars(self) -> dict[str, str]:
        """What a first answer gives the next request: ``re:<regex>`` (its group 1) on
        the text, JMESPath on JSON, CSS/XPath on HTML. A var not found is ""."""
        found = {}
        for name, query in self.article.vars.items():
            if query.startswith("re:"):
                match = re.search(query[3:], self.text)
                found[name] = match.group(1) if match else ""
            elif self.data is not None:
                found[name] = first(json_values(self.data, query)) or ""
            else:
                found[name] = first(html_values(self.selector, query)) or ""
        return found

    def body_html(self) -> str:
        remove = self.article.remove
        if self.entry.body and "body" not in self.article.prefer_page:
            return without(self.entry.body, remove)
        queries = self.article.selectors.get("body", ())
        if self.data is not None:
            return without(first(first(json_values(self.data, q)) for q in queries) or "", remove)
        for query in queries:
            markup = html_markup(self.selector, query, self.article.remove)
            if markup.strip():
                return without_title_heading(markup, self.title())
        if queries:
            return ""
        return extracted_body(self.text, self.url, self.title())

    def skip_kind(self) -> str:
        if not self.article.skip:
            return ""
        values = {}
        for rule in self.article.skip:
            values[rule.field] = (json_values(self.data, rule.field) if self.data is not None
                                  else html_values(self.selector, rule.field))  # fmt: skip
        return skip_kind(self.article.skip, values)

    def to_item(self) -> Article:
        kind = self.skip_kind()
        if kind:
            raise Skipped(kind)
        item = super().to_item()
        item.label = self.label()
        item.lang = self.lang
        hook = hook_function(self.config, "article")
        if hook is not None:
            item = hook(item, self)
            if item is None:
                raise Skipped("hook")
        return item


def entry_item(config: SourceConfig, entry: DeclaredEntry, *, site_zone: ZoneInfo,
               now: datetime | None = None) -> Article:  # fmt: skip
    """The item of an entry whose list carries the whole article (no page to fetch)."""
    page = DeclaredArticlePage(config, "<html></html>", entry.url, entry, site_zone=site_zone,
                               now=now, fmt="html")  # fmt: skip
    return page.to_item()


def extracted_body(html: str, url: str, title: str) -> str:
    """The main content as trafilatura finds it (HTML), less a heading that stands for
    the title."""
    import trafilatura

    extracted = trafilatura.extract(
        html, url=url, output_format="html", include_images=True, include_links=True,
        include_tables=True, favor_precision=True,
    )  # fmt: skip
    if not extracted or not extracted.strip():
        return ""
    root = lxml.html.document_fromstring(extracted).body
    _drop_title_heading(root, title)
    return inner_html(root)


_HEADINGS = ("h1", "h2", "h3")


def _heading_key(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text).strip().casefold()


def _drop_title_heading(root: lxml.html.HtmlElement, title: str) -> bool:
    """Drop the heading the body opens with when it stands for the title: an ``h1``
    always (it is the page's headline, even where its words differ from the feed's
    title), an ``h2``/``h3`` when it repeats the title. Wrappers left empty go too."""
    for element in root.iter():
        if element is root or not isinstance(element.tag, str):
            continue
        if element.tag == "img":
            return False
        if element.tag in _HEADINGS:
            text = element.text_content()
            if element.tag != "h1" and _heading_key(text) != _heading_key(title):
                return False
            parent = element.getparent()
            element.drop_tree()
            while parent is not None and parent is not root and not (
                parent.text_content().strip() or parent.xpath(".//img")
            ):  # fmt: skip
                above = parent.getparent()
                parent.drop_tree()
                parent = above
            return True
        own = (element.text or "").strip()
        if own:
            return False
    return False


def without_title_heading(html: str, title: str) -> str:
    """A body's HTML less the heading it opens with when that stands for the title."""
    if "<h" not in html:
        return html
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    return inner_html(root) if _drop_title_heading(root, title) else html
