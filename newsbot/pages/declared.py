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

from newsbot.dates import DateError, format_date, parse_date
from newsbot.html import inner_html, one_line
from newsbot.items import Article
from newsbot.parsers.common import ArticlePageBase, ListAPIError, ListEntry, ListPage, first
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

    label: str = ""
    lang: str = ""
    body: str = ""
    fields: dict[str, str] = field(default_factory=dict)


# --- values --------------------------------------------------------------------------


def is_xpath(query: str) -> bool:
    return query.startswith(("/", "(", "./"))


def html_values(node: Selector | SelectorList, query: str) -> list[str]:
    """Texts a selector finds: strings for ::text/::attr/@x, an element's own text."""
    found = node.xpath(query) if is_xpath(query) else node.css(query)
    values = []
    for item in found:
        root = item.root
        text = root.text_content() if isinstance(root, lxml.html.HtmlElement) else str(root)
        text = one_line(text)
        if text:
            values.append(text)
    return values


def html_markup(node: Selector, query: str, remove: tuple[str, ...] = ()) -> str:
    """The HTML of what ``query`` finds (joined in document order), less ``remove``."""
    found = node.xpath(query) if is_xpath(query) else node.css(query)
    parts = []
    for item in found:
        for unwanted in remove:
            for element in (item.xpath(unwanted) if is_xpath(unwanted) else item.css(unwanted)):
                if isinstance(element.root, lxml.html.HtmlElement):
                    element.root.drop_tree()
        parts.append(item.get())
    return "".join(parts)


def without(html: str, remove: tuple[str, ...]) -> str:
    """A body given as HTML text (in a list or a JSON answer), less ``remove``."""
    if not remove or not html.strip():
        return html
    root = Selector(text=f"<div id='newsbot-body'>{html}</div>", type="html")
    body = root.css("#newsbot-body")
    for unwanted in remove:
        for element in (body.xpath(unwanted) if is_xpath(unwanted) else body.css(unwanted)):
            if isinstance(element.root, lxml.html.HtmlElement):
                element.root.drop_tree()
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


def site_time(value: str, source_zone: ZoneInfo, site_zone: ZoneInfo, now: datetime) -> str:
    """A date in any form the sources give, as wall time in the site's zone; a naive
    date is read in the source's zone. "" when it is no date."""
    if not value:
        return ""
    try:
        moment = parse_date(value)
    except DateError:
        moment = relative_date(value, now.astimezone(source_zone))
        if moment is None:
            return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=source_zone)
    return format_date(moment, site_zone)


_RELATIVE = (
    (re.compile(r"^\s*刚刚\s*$"), lambda m, now: now),
    (re.compile(r"^\s*(\d+)\s*秒[钟鐘]?前\s*$"), lambda m, now: now - _delta(seconds=m[1])),
    (re.compile(r"^\s*(\d+)\s*分[钟鐘]?前\s*$"), lambda m, now: now - _delta(minutes=m[1])),
    (re.compile(r"^\s*(\d+)\s*小[时時]前\s*$"), lambda m, now: now - _delta(hours=m[1])),
    (re.compile(r"^\s*(\d+)\s*天前\s*$"), lambda m, now: now - _delta(days=m[1])),
)
_DAY_WORDS = {"今天": 0, "昨天": 1, "前天": 2, "今日": 0, "昨日": 1, "前日": 2}
_DAY_TIME_RE = re.compile(r"^\s*(今天|昨天|前天|今日|昨日|前日)\s*(\d{1,2})[:：](\d{2})\s*$")
_MONTH_DAY_RE = re.compile(r"^\s*(\d{1,2})[-/月](\d{1,2})日?\s+(\d{1,2})[:：](\d{2})\s*$")


def _delta(**parts: str) -> Any:
    from datetime import timedelta

    return timedelta(**{key: int(value) for key, value in parts.items()})


def relative_date(text: str, now: datetime) -> datetime | None:
    """Chinese relative forms ("5分钟前", "昨天 10:00", "12-05 09:30") read at ``now``."""
    for pattern, moment in _RELATIVE:
        match = pattern.match(text)
        if match:
            return moment(match, now).replace(second=0, microsecond=0)
    match = _DAY_TIME_RE.match(text)
    if match:
        day = now - _delta(days=str(_DAY_WORDS[match[1]]))
        return day.replace(hour=int(match[2]), minute=int(match[3]), second=0, microsecond=0)
    match = _MONTH_DAY_RE.match(text)
    if match:
        month, day, hour, minute = (int(g) for g in match.groups())
        try:
            moment = now.replace(month=month, day=day, hour=hour, minute=minute, second=0,
                                 microsecond=0)  # fmt: skip
        except ValueError:
            return None
        # "12-31 23:00" read on 1 January is last year's.
        return moment.replace(year=now.year - 1) if moment > now else moment
    return None


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
            if fragment is None:
                raise ListAPIError(f"no HTML at {listing.html_in!r} (has the API changed?)")
            selector = Selector(text=fragment, type="html")
            return list(selector.xpath(listing.entries) if is_xpath(listing.entries)
                        else selector.css(listing.entries)), False  # fmt: skip
        selector = Selector(text=self.text, type="html")
        if listing.json_in:
            data = first(html_values_raw(selector, listing.json_in))
            if data is None:
                raise ListAPIError(f"{listing.json_in!r} is not in the page (has it changed?)")
            return self._json_entries(load_json(data)), True
        return list(selector.xpath(listing.entries) if is_xpath(listing.entries)
                    else selector.css(listing.entries)), False  # fmt: skip

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
        from newsbot.parsers import feed

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
    found = selector.xpath(query) if is_xpath(query) else selector.css(query)
    return [item.root.text_content() if isinstance(item.root, lxml.html.HtmlElement)
            else str(item.root) for item in found]  # fmt: skip


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

    def meta(self, *names: str) -> str:
        if self.selector is None:
            return ""
        for name in names:
            for query in (f'meta[property="{name}"]::attr(content)',
                          f'meta[name="{name}"]::attr(content)',
                          f'meta[itemprop="{name}"]::attr(content)'):  # fmt: skip
                value = self.selector.css(query).get()
                if value and value.strip():
                    return value.strip()
        return ""

    @property
    def metadata(self) -> Any:
        if self._metadata is None and self.selector is not None:
            import trafilatura

            self._metadata = trafilatura.extract_metadata(self.text, default_url=self.url) or False
        return self._metadata or None

    def canonical_url(self, article_id: str) -> str:
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
                return markup
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
    """The main content as trafilatura finds it (HTML), less a heading that repeats
    the title."""
    import trafilatura

    extracted = trafilatura.extract(
        html, url=url, output_format="html", include_images=True, include_links=True,
        include_tables=True, favor_precision=True,
    )  # fmt: skip
    if not extracted or not extracted.strip():
        return ""
    root = lxml.html.document_fromstring(extracted).body
    heading = next(iter(root), None)
    if heading is not None and heading.tag in ("h1", "h2") and (
        " ".join(heading.text_content().split()) == title
    ):  # fmt: skip
        heading.drop_tree()
    return inner_html(root)
