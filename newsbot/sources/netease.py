"""NetEase News (www.163.com): the news.163.com JSONP lists (``cm_yaowen20200213`` ...)
and the 2025 article page (``/<channel>/article/<DOCID>.html``, ``/dy/article/...``).

Crawled: the news.163.com JSONP lists (要闻 cm_yaowen20200213 ...) → article pages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

from scrapy.http import Request, Response
from w3lib.encoding import http_content_type_encoding

from newsbot import settings
from newsbot.pages.base import (
    ArticlePageBase,
    ListAPIError,
    ListEntry,
    ListPage,
    first,
    jsonp_payload,
    text_of,
)
from newsbot.spiders.base import ArgumentError, NewsSpider, checked_list, positive_int

SOURCE = "netease"
LANG = "zh-CN"
ARTICLE_URL = "https://www.163.com/{channel}/article/{id}.html"

_DOCID = r"[A-Z0-9]{16}"
_URL_RE = re.compile(
    rf"^(?:https?:)?//(?:www|m)\.163\.com/(\w+)/article/({_DOCID})(?:_\w+)?\.html(?:[?#]|$)"
)
# The 2019–2021 address of an article (``news.163.com/20/1120/09/<DOCID>.html``); it now
# leads to ``www.163.com/<subdomain>/article/<DOCID>.html``.
_OLD_URL_RE = re.compile(
    rf"^(?:https?:)?//(\w+)\.163\.com/\d{{2}}/\d{{4}}/\d{{2}}/({_DOCID})(?:_\w+)?\.html(?:[?#]|$)"
)
_VIDEO_RE = re.compile(r"^(?:https?:)?//(?:v\.163\.com|(?:www|m)\.163\.com/v/)", re.I)
_LIST_TIME_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})\s+(\d{1,2}:\d{2}(?::\d{2})?)$")
_INFO_DATE_RE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}(?::\d{2})?")
_SOURCE_LINE_RE = re.compile(r"(?:本文)?来源\s*[:：]\s*(\S+)")

# og:image of every article page: the site logo, not a cover.
_GENERIC_IMAGE_RE = re.compile(r"^https?://static\.ws\.126\.net/", re.I)
PROXY_HOST = "nimg.ws.126.net"


def canonical_url(url: str) -> str | None:
    """``https://www.163.com/<channel>/article/<DOCID>.html`` of an article URL (www or m,
    http or https, query tolerated), or None."""
    match = _URL_RE.match(url.strip()) or _OLD_URL_RE.match(url.strip())
    return ARTICLE_URL.format(channel=match.group(1), id=match.group(2)) if match else None


def article_id_from_url(url: str) -> str | None:
    """The 16-character DOCID of an article URL."""
    match = _URL_RE.match(url.strip()) or _OLD_URL_RE.match(url.strip())
    return match.group(2) if match else None


def list_url(feed: str, page: int, template: str = settings.NEWSBOT_NETEASE_LIST_URL) -> str:
    """The JSONP URL of page ``page`` (from 1) of a feed: page 1 is ``{feed}/``, page n
    ``{feed}_0n/`` (``_10`` for the tenth)."""
    return template.format(feed=feed, suffix="" if page <= 1 else f"_{page:02d}")


def unwrap_image(url: str) -> str:
    """The original image of a ``nimg.ws.126.net/?url=<encoded>&thumbnail=...`` proxy URL
    (other URLs unchanged, protocol-relative ones made https)."""
    url = (url or "").strip()
    if url.startswith("//"):
        url = "https:" + url
    parts = urlsplit(url)
    if parts.netloc.lower() == PROXY_HOST:
        original = parse_qs(parts.query).get("url", [""])[0].strip()
        if original:
            return unwrap_image(original)
    return url


def decode_list(body: bytes, encoding: str | None = None) -> str:
    """The text of a list answer: the declared charset, else UTF-8, else GB18030 (the
    news.163.com lists are GBK)."""
    if encoding and encoding.lower().replace("-", "") in ("gbk", "gb2312", "cp936"):
        encoding = "gb18030"  # the superset: a rare character must not fail the whole list
    for candidate in (encoding, "utf-8"):
        if candidate:
            try:
                return body.decode(candidate)
            except (LookupError, UnicodeDecodeError):
                continue
    return body.decode("gb18030", errors="replace")


def parse_list(text: str) -> ListPage:
    """Articles of a JSONP list answer, videos and other non-articles counted."""
    payload = jsonp_payload(text)
    if isinstance(payload, dict):  # a few lists wrap the array
        payload = first([payload.get(k) for k in ("data", "list", "items")])
    if not isinstance(payload, list):
        raise ListAPIError(f"answer is not a list of articles but {type(payload).__name__}")
    page = ListPage()
    for raw in payload:
        if not isinstance(raw, dict):
            page.skipped["bad_id"] += 1
            continue
        url = text_of(raw.get("docurl")) or text_of(raw.get("tlink"))
        canonical = canonical_url(url)
        if _VIDEO_RE.match(url) or text_of(raw.get("newstype")) == "video":
            page.skipped["video"] += 1
        elif canonical:
            page.entries.append(_entry(canonical, raw))
        elif not url:
            page.skipped["bad_id"] += 1
        else:
            page.skipped["not_article"] += 1  # photo sets, specials, live pages
    return page


def _entry(url: str, raw: dict[str, Any]) -> ListEntry:
    return ListEntry(
        id=article_id_from_url(url) or "",
        url=url,
        title=text_of(raw.get("title")),
        publish_time=list_time(text_of(raw.get("time"))),
        thumbnail=unwrap_image(text_of(raw.get("imgurl"))),
        author=text_of(raw.get("source")),
    )


def list_time(value: str) -> str:
    """``10/16/2025 20:02:18`` (the lists' month-first form) as ``2025-10-16 20:02:18``."""
    match = _LIST_TIME_RE.match(value.strip())
    if not match:
        return value.strip()
    month, day, year, clock = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d} {clock}"


class ArticlePage(ArticlePageBase):
    """A www.163.com article page (2025 layout): one method per field, each falling back
    to the list entry."""

    source = SOURCE
    lang = LANG
    # 2025 layout first, then the 2019–2021 one (``#epContentLeft > h1`` without a class,
    # ``.post_time_source``, the article in ``#endText`` inside ``.post_body``).
    title_css = "h1.post_title, #epContentLeft > h1, .post_content_main > h1"
    info_css = ".post_info, .post_time_source"
    author_css = ".post_author"
    body_css = ".post_body"
    text_css = "#endText, .post_text"
    # Inside the body but not the article: the zero-height box holding the site logo
    # (og:image bait), hidden ad slots, the ``.post_author`` 本文来源/责任编辑 box with its
    # end_news.png icon (inside ``.post_body`` on the 2021 news pages); in the older
    # layout the share bars, the related links, the 本文来源/责任编辑 line and the ad boxes
    # inside #endText.
    junk_xpath = (
        ".//div[contains(translate(@style, ' ', ''), 'height:0')]"
        " | .//*[contains(concat(' ', normalize-space(@class), ' '), ' post_author ')]"
        " | .//*[contains(concat(' ', normalize-space(@class), ' '), ' ep-source ')]"
        " | .//*[contains(concat(' ', normalize-space(@class), ' '), ' related_article ')]"
        " | .//*[starts-with(@class, 'gg') or contains(@class, ' gg')]"
        " | .//*[contains(@class, 'post_topshare') or contains(@class, 'post_btmshare')]"
        " | .//*[contains(@class, 'post_end_ad') or contains(@class, 'js_qrcode')]"
    )

    def canonical_url(self) -> str:
        link = self.selector.xpath("//link[@rel='canonical']/@href").get("")
        return first(
            [
                canonical_url(self.entry.url),
                canonical_url(link),
                canonical_url(self.meta("og:url")),
                canonical_url(self.url),
            ],
            self.url,
        )

    def article_id(self) -> str:
        return first([article_id_from_url(self.canonical_url()), self.entry.id])

    def title(self) -> str:
        return first([self.text(self.title_css), self.meta("og:title"), self.entry.title])

    def infotext_of(self) -> str:
        return " ".join(self.selector.css(self.info_css)[:1].xpath("string()").get("").split())

    def date(self) -> str:
        visible = _INFO_DATE_RE.search(self.infotext_of())
        return first(
            [
                self.selector.xpath("/html/@data-publishtime").get("").strip(),
                self.meta("article:published_time"),
                visible.group(0) if visible else "",
                self.entry.publish_time,
            ]
        )

    def author(self) -> str:
        """The source the article is credited to (``来源: …``), not the editor."""
        info = self.selector.css(self.info_css)[:1]
        link = info.xpath(".//a[not(contains(@class, 'post_jubao'))]").xpath("string()").get("")
        in_info = _SOURCE_LINE_RE.search(self.infotext_of())
        author_box = " ".join(self.selector.css(self.author_css).xpath("string()").get("").split())
        in_box = _SOURCE_LINE_RE.search(author_box)
        wemedia = self.selector.css(".post_wemedia_name").xpath("string()").get("")
        return first(
            [
                link.strip(),
                in_info.group(1) if in_info else "",
                in_box.group(1) if in_box else "",
                wemedia.strip(),
                self.entry.author,
            ]
        )

    def thumbnail(self) -> str:
        image = unwrap_image(self.meta("og:image"))
        if _GENERIC_IMAGE_RE.match(image):
            image = ""
        return first([image, self.entry.thumbnail])

    def body_html(self) -> str:
        """The body's HTML, uncleaned, with proxied images unwrapped and the hidden logo
        box removed."""
        nodes = self.selector.css(self.body_css)
        text = nodes.css(self.text_css)[:1]
        for node in text or nodes:
            node.xpath(self.junk_xpath).drop()
            # Words the site links to its own search page (``news.163.com/news/search?
            # keyword=``): the text stays, the link goes.
            for link in node.xpath(".//a[contains(@href, '163.com/news/search?')]"):
                link.root.drop_tag()
            for img in node.css("img"):
                for attr in ("src", "data-src"):
                    if img.attrib.get(attr):
                        img.root.set(attr, unwrap_image(img.attrib[attr]))
            if node.xpath("string()").get("").strip() or node.css("img"):
                return node.get()
        return ""


parse_article = ArticlePage.parse


# --- the spider ------------------------------------------------------------

SITE = "https://news.163.com/"
MAX_PAGES = 10  # the lists stop at _10
_FEED_RE = re.compile(r"^\w{1,64}$")


class NeteaseSpider(NewsSpider):
    """Arguments: ``feeds`` (comma list of news.163.com list names, default
    NEWSBOT_NETEASE_FEEDS), ``pages`` per feed (default 1, at most 10), ``url`` (comma
    list of article URLs; skips discovery)."""

    name = "netease"
    article_page = ArticlePage
    source = SOURCE
    lang = LANG
    allowed_domains = ["163.com"]
    site_url = SITE
    discovery = "news.163.com JSONP lists (special/cm_yaowen20200213 要闻 …)"

    def parse_arguments(
        self, feeds: str | None = None, pages: str | int = 1, url: str | None = None, **_: Any
    ) -> None:
        self.feeds = checked_list("feeds", feeds, _FEED_RE.match, "a list name (e.g. cm_guonei)")
        self.pages = positive_int("pages", pages)
        if self.pages > MAX_PAGES:
            raise ArgumentError(f"-a pages: the lists have at most {MAX_PAGES} pages")
        self.entries = self.url_entries(
            url,
            "a NetEase article URL "
            "(expected https://www.163.com/<channel>/article/<16-character DOCID>.html)",
            article_id_from_url,
            canonical_url,
        )

    def list_requests(self) -> Iterator[Request]:
        for feed in self.feeds or self.settings.getlist("NEWSBOT_NETEASE_FEEDS"):
            for page in range(1, self.pages + 1):
                yield self.feed_request(feed, page)

    def feed_request(self, feed: str, page: int) -> Request:
        template = self.settings.get("NEWSBOT_NETEASE_LIST_URL")
        return self.list_request(
            list_url(feed, page, template),
            f"feed {feed} page {page}",
            headers={"Referer": SITE, "Accept": "*/*"},
        )

    def list_page(self, response: Response) -> ListPage:
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        return parse_list(decode_list(response.body, http_content_type_encoding(content_type)))
