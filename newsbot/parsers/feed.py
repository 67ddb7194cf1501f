"""Feeds (RSS, Atom, sitemaps): the list format ``feed`` of declared sources.

Each entry's link, title, date, author and image; the article pages are read by
newsbot.pages.declared like those of any declared source.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from lxml import etree

from newsbot.dates import DateError, format_date, parse_date
from newsbot.html import one_line
from newsbot.parsers.common import ListAPIError, first

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo


SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
IMAGE_NS = "http://www.google.com/schemas/sitemap-image/1.1"
_XML = etree.XMLParser(resolve_entities=False, no_network=True, recover=False)


class FeedError(ListAPIError):
    """A feed answer with no usable entries (not XML, an HTML error page ...)."""


@dataclass
class FeedEntry:
    url: str
    title: str = ""
    date: str = ""  # YYYY-MM-DD HH:MM:SS in the entry's zone (or the feed's own offset)
    author: str = ""
    thumbnail: str = ""
    date_raw: str = ""  # the date as the feed writes it (declared sources convert it)

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass
class FeedPage:
    entries: list[FeedEntry] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)  # children of a sitemap index


def parse_feed(body: bytes, content_type: str = "", zone: ZoneInfo | None = None) -> FeedPage:
    """Entries of an RSS/Atom feed or a (news) sitemap, in document order."""
    if not body.strip():
        raise FeedError("empty answer")
    root_tag = _root_tag(body)
    if root_tag in (f"{{{SITEMAP_NS}}}urlset", f"{{{SITEMAP_NS}}}sitemapindex"):
        return _parse_sitemap(body, zone)
    import feedparser  # imported when used: every scrapy start loads this module

    parsed = feedparser.parse(body, response_headers={"content-type": content_type})
    if not parsed.entries and (parsed.bozo or not parsed.version):
        reason = getattr(parsed, "bozo_exception", None) or "no RSS/Atom entries"
        raise FeedError(f"not a feed: {reason}")
    page = FeedPage()
    for raw in parsed.entries:
        link = raw.get("link") or ""
        if link.startswith(("http://", "https://")):
            page.entries.append(_feed_entry(raw, link, zone))
    return page


def _root_tag(body: bytes) -> str:
    try:
        for _, element in etree.iterparse(_BytesReader(body), events=("start",)):
            return element.tag
    except etree.XMLSyntaxError:
        return ""
    return ""


class _BytesReader:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.pos + size
        chunk, self.pos = self.data[self.pos : end], min(end, len(self.data))
        return chunk


def _feed_entry(raw: Any, link: str, zone: ZoneInfo | None) -> FeedEntry:
    # dict.get: FeedParserDict.get maps missing keys to others, with a warning.
    date_text = first(dict.get(raw, key) for key in ("published", "updated", "created")) or ""
    media = sorted(
        (raw.get("media_content") or []) + (raw.get("media_thumbnail") or []),
        key=lambda m: -_int(m.get("width")),  # the largest rendition the feed offers
    )
    enclosures = [
        e.get("href")
        for e in raw.get("enclosures") or []
        if str(e.get("type", "")).startswith("image/")
    ]
    images = [m.get("url") for m in media] + enclosures
    return FeedEntry(
        url=link,
        title=one_line(str(raw.get("title") or "")),
        date=_format(date_text, zone),
        date_raw=date_text,
        author=str(raw.get("author") or ""),
        thumbnail=first(images) or "",
    )


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


def _format(value: str, zone: ZoneInfo | None) -> str:
    try:
        return format_date(parse_date(value), zone)
    except DateError:
        return ""


def _parse_sitemap(body: bytes, zone: ZoneInfo | None) -> FeedPage:
    root = etree.fromstring(body, _XML)
    ns = {"s": SITEMAP_NS, "n": NEWS_NS, "i": IMAGE_NS}
    page = FeedPage()
    if root.tag.endswith("sitemapindex"):
        page.sitemaps = [loc.strip() for loc in root.xpath("s:sitemap/s:loc/text()", namespaces=ns)]
        return page
    for url in root.xpath("s:url", namespaces=ns):
        loc = url.xpath("string(s:loc)", namespaces=ns).strip()
        if not loc.startswith(("http://", "https://")):
            continue
        date = url.xpath("string(n:news/n:publication_date)", namespaces=ns).strip()
        date = date or url.xpath("string(s:lastmod)", namespaces=ns).strip()
        page.entries.append(
            FeedEntry(
                url=loc,
                title=one_line(url.xpath("string(n:news/n:title)", namespaces=ns)),
                date=_format(date, zone),
                date_raw=date,
                thumbnail=url.xpath("string(i:image/i:loc)", namespaces=ns).strip(),
            )
        )
    return page
