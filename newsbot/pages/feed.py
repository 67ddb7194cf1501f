"""Feeds (RSS, Atom, sitemaps) and the article pages they link to, for configured sources.

The feed's own title, date, author and image come first; the page fills what the
feed lacks. The body comes from the entry's CSS/XPath selectors, or else from
trafilatura's main-content extraction (its HTML output, so every source goes
through the same cleaner and Markdown converter).
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from io import BytesIO
from typing import TYPE_CHECKING, Any

import lxml.html
from lxml import etree

from newsbot.dates import DateError, format_date, parse_date
from newsbot.html import inner_html, one_line
from newsbot.items import Article
from newsbot.pages.base import ArticlePageBase, ListAPIError, ListPage, first

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from newsbot.feedconfig import FeedSource

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
    update_time: str = ""

    @property
    def id(self) -> str:
        """What a run knows the entry by (see ``NewsSpider.new_entries``): its URL."""
        return self.url

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass
class FeedPage(ListPage):
    entries: list[FeedEntry] = field(default_factory=list)  # type: ignore[assignment]
    sitemaps: list[str] = field(default_factory=list)  # children of a sitemap index


def article_id(url: str) -> str:
    """Stable, filesystem-safe id of a configured source's article: MD5 of its URL."""
    return hashlib.md5(url.encode("utf-8")).hexdigest()


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
        for _, element in etree.iterparse(BytesIO(body), events=("start",)):
            return element.tag
    except etree.XMLSyntaxError:
        return ""
    return ""


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
        page.entries.append(
            FeedEntry(
                url=loc,
                title=one_line(url.xpath("string(n:news/n:title)", namespaces=ns)),
                date=_format(date or url.xpath("string(s:lastmod)", namespaces=ns).strip(), zone),
                thumbnail=url.xpath("string(i:image/i:loc)", namespaces=ns).strip(),
            )
        )
    return page


class FeedArticlePage(ArticlePageBase):
    """A configured source's article page: selectors when given, extraction otherwise."""

    entry: FeedEntry  # type: ignore[assignment]

    def __init__(
        self, html: str, url: str, config: FeedSource, entry: FeedEntry | None = None
    ) -> None:
        super().__init__(html, url)
        self.config = config
        self.source, self.lang = config.name, config.lang
        self.entry = entry or FeedEntry(url=url)
        self._metadata: Any = None

    def select(self, name: str) -> list[str]:
        """What the entry's selector for ``name`` matches: HTML for the body, text
        (of an element, attribute or ::text) for the other fields."""
        query = self.config.selectors.get(name)
        if not query:
            return []
        is_xpath = query.startswith(("/", "("))
        nodes = self.selector.xpath(query) if is_xpath else self.selector.css(query)
        values = nodes.getall()
        if name != "body":
            values = [one_line(lxml.html.fromstring(v).text_content()) if v.lstrip().startswith("<")
                      else one_line(v) for v in values if v.strip()]  # fmt: skip
        return [value.strip() for value in values if value.strip()]

    @property
    def metadata(self) -> Any:
        if self._metadata is None:
            import trafilatura

            self._metadata = trafilatura.extract_metadata(self.html, default_url=self.url)
        return self._metadata

    def canonical_url(self) -> str:
        return self.entry.url or self.url

    def article_id(self) -> str:
        return article_id(self.canonical_url())

    def title(self) -> str:
        if self.entry.title:
            return self.entry.title
        return first(self.select("title")) or one_line(getattr(self.metadata, "title", "") or "")

    def date(self) -> str:
        if self.entry.date:
            return self.entry.date
        for value in [*self.select("date"), self.meta("article:published_time"),
                      getattr(self.metadata, "date", "") or ""]:  # fmt: skip
            formatted = _format(value, self.config.timezone)
            if formatted:
                return formatted
        return ""

    def author(self) -> str:
        return self.entry.author or first(self.select("author")) or (
            getattr(self.metadata, "author", "") or ""
        )  # fmt: skip

    def thumbnail(self) -> str:
        return (
            self.entry.thumbnail
            or first(self.select("image"))
            or self.meta("og:image")
            or getattr(self.metadata, "image", "")
            or ""
        )

    def body_html(self) -> str:
        if self.config.selectors:
            return "".join(self.select("body"))
        import trafilatura

        extracted = trafilatura.extract(
            self.html, url=self.url, output_format="html", include_images=True,
            include_links=True, include_tables=True, favor_precision=True,
        )  # fmt: skip
        return _without_title(_body_inner(extracted or ""), self.title())


def parse_article(
    html: str, url: str, source: FeedSource, entry: FeedEntry | None = None
) -> Article:
    return FeedArticlePage(html, url, source, entry).to_item()


def _body_inner(html: str) -> str:
    if not html.strip():
        return ""
    return inner_html(lxml.html.document_fromstring(html).body)


def _without_title(html: str, title: str) -> str:
    """Drop a leading heading that repeats the title (it is in the front matter)."""
    if not html or not title:
        return html
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    heading = next(iter(root), None)
    if heading is not None and heading.tag in ("h1", "h2") and (
        " ".join(heading.text_content().split()) == title
    ):  # fmt: skip
        heading.drop_tree()
        return inner_html(root)
    return html
