"""Sina News (news.sina.com.cn and the other *.sina.com.cn channels): the roll API
and the PC article page.

Crawled: the roll API (feed.mix.sina.com.cn) → PC article pages.

The page objects are pure functions of a JSON payload or an HTML string: no Scrapy, no
network. The spider, at the end, makes the requests.
"""

from __future__ import annotations

import re
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy.http import Request, Response

from newsbot.dates import DateError, normalize_date
from newsbot.items import Article
from newsbot.pages import base as common
from newsbot.pages.base import (
    ArticlePageBase,
    ListAPIError,
    ListEntry,
    first,
    meta_content,
    page_selector,
    text_of,
)
from newsbot.spiders.base import ArgumentError, NewsSpider, json_or_none, positive_int, split_list

SOURCE = "sina"
LANG = "zh-CN"
# Roll API: pageid 153 is the news roll; lid the channel (2509 全部, 2515 科技, 2516 财经 ...).
LIST_API = (
    "https://feed.mix.sina.com.cn/api/roll/get?pageid={pageid}&lid={lid}&k=&num={num}&page={page}"
)

# A PC article: https://<channel>.sina.com.cn/<path>/doc-i<id>.shtml (the id is what
# the page calls publishid / comos:<id>).
_URL_RE = re.compile(
    r"^(?:https?:)?//([a-z0-9-]+(?:\.[a-z0-9-]+)*\.sina\.com\.cn)"  # host
    r"(/(?:[\w.-]+/)*doc-i([0-9a-z]+)\.shtml)(?:[?#]|$)",  # path, doc id
    re.I,
)
_VIDEO_RE = re.compile(r"^(?:https?:)?//(?:video\.sina\.com\.cn|[\w.-]*\bvideo\b)", re.I)

# Article page selectors, in order of preference.
TITLE_CSS = ("h1.main-title", "h1#artibodyTitle")
BODY_CSS = "#artibody, #article"
DATE_CSS = (".date-source .date", "#pub_date", ".date")
SOURCE_CSS = (".date-source .source", "#media_name", ".source")
# Blocks inside the body that are not the article: QR codes, account-opening ads,
# promo quotes, the editor line, video players, ad slots.
BODY_JUNK_CSS = (
    ".appendQr_wrap, .app-kaihu-qr, #left_hzh_ad, .tech-quotation, .article-editor,"
    " p.show_author, .video-2017, .artical-player-wrap, ins.sinaads"
)
# Picture captions: a <span> after the <img> (a paragraph of their own once converted).
CAPTION_CSS = "span.img_descr"
# og:image of a page without a picture of its own: the site's default share image.
_GENERIC_IMAGE_RE = re.compile(r"^https?://n\.sinaimg\.cn/default/", re.I)
_TITLE_SUFFIX_RE = re.compile(r"(?:\|[^|]*)?_新浪[^_|]*(?:_新浪网)?$")


@dataclass
class ListPage(common.ListPage):
    total: int = 0


def canonical_url(url: str) -> str | None:
    """``https://host/path/doc-i<id>.shtml`` of an article URL (http, protocol-relative,
    query and fragment tolerated), or None when it is not a Sina article URL."""
    match = _URL_RE.match(url.strip())
    if not match:
        return None
    return f"https://{match.group(1).lower()}{match.group(2)}"


def article_id_from_url(url: str) -> str | None:
    """The doc id of an article URL: what follows ``doc-i`` (``ihnzahi3275702``)."""
    match = _URL_RE.match(url.strip())
    return match.group(3) if match else None


def entry_from_url(url: str) -> ListEntry | None:
    """The entry of an article URL (``-a url``), or None when it is not one."""
    canonical = canonical_url(url)
    return ListEntry(id=article_id_from_url(canonical) or "", url=canonical) if canonical else None


def list_url(lid: str, page: int, num: int, pageid: str = "153", template: str = LIST_API) -> str:
    """The roll API URL of one channel page (``page`` counts from 1)."""
    return template.format(pageid=pageid, lid=lid, num=num, page=page)


def parse_list(payload: Any) -> ListPage:
    """Articles of a roll API answer (``result.data[]``), non-articles counted."""
    result = payload.get("result") if isinstance(payload, dict) else None
    if not isinstance(result, dict):
        kind = type(payload).__name__ if not isinstance(payload, dict) else "object without result"
        raise ListAPIError(f"answer is not a roll API result but {kind}")
    status = result.get("status") if isinstance(result.get("status"), dict) else {}
    if str(status.get("code")) != "0":
        raise ListAPIError(f"status.code={status.get('code')!r} msg={status.get('msg')!r}")
    data = result.get("data")
    if not isinstance(data, list):
        raise ListAPIError(f"result.data is {type(data).__name__}, not a list")
    page = ListPage(total=_int(result.get("total")))
    for raw in data:
        if not isinstance(raw, dict):
            page.skipped["bad_id"] += 1
            continue
        url = str(raw.get("url") or "")
        canonical = canonical_url(url)
        if canonical:
            page.entries.append(_entry(canonical, raw))
        elif not url:
            page.skipped["bad_id"] += 1
        elif _VIDEO_RE.match(url):
            page.skipped["video"] += 1
        else:
            page.skipped["not_article"] += 1  # slide shows, live pages, k.sina ...
    return page


def _entry(url: str, raw: dict[str, Any]) -> ListEntry:
    img = raw.get("img") if isinstance(raw.get("img"), dict) else {}
    images = [i.get("u") for i in raw.get("images") or [] if isinstance(i, dict)]
    return ListEntry(
        id=article_id_from_url(url) or "",
        url=url,
        title=text_of(raw.get("title")),
        publish_time=_epoch_date(raw.get("ctime") or raw.get("intime")),
        update_time=_epoch_date(raw.get("mtime")),
        thumbnail=_absolute(first([img.get("u"), *images]) or ""),
        author=text_of(raw.get("media_name")) or text_of(raw.get("author")),
    )


class ArticlePage(ArticlePageBase):
    """A Sina PC article page (``#article`` news layout or ``#artibody`` channel
    layout): one method per field, each falling back to the list entry."""

    source = SOURCE
    lang = LANG

    def __init__(
        self, html: str, url: str, entry: ListEntry | None = None, body: bytes = b""
    ) -> None:
        self.selector = page_selector(html, body)
        self.url = url
        self.entry = entry or ListEntry(id="")

    def canonical_url(self, article_id: str = "") -> str:
        return (
            first(
                [
                    canonical_url(self.entry.url),
                    canonical_url(meta_content(self.selector, "og:url")),
                    canonical_url(self.url),
                ]
            )
            or self.url
        )

    def article_id(self) -> str:
        return (
            first(
                [
                    article_id_from_url(self.canonical_url()),
                    meta_content(self.selector, "publishid"),
                    self.entry.id,
                ]
            )
            or ""
        )

    def title(self) -> str:
        dom = [self.selector.css(css).xpath("string()").get("").strip() for css in TITLE_CSS]
        page_title = self.selector.css("title::text").get("").strip()
        return (
            first(
                [
                    *dom,
                    meta_content(self.selector, "og:title"),
                    _TITLE_SUFFIX_RE.sub("", page_title).strip(),
                    self.entry.title,
                ]
            )
            or ""
        )

    def date(self) -> str:
        visible = [self.selector.css(css).xpath("string()").get("").strip() for css in DATE_CSS]
        return (
            first(
                [
                    meta_content(self.selector, "article:published_time"),
                    *visible,
                    self.entry.publish_time,
                ]
            )
            or ""
        )

    def author(self) -> str:
        dom = [self.selector.css(css).xpath("string()").get("").strip() for css in SOURCE_CSS]
        return (
            first(
                [
                    meta_content(self.selector, "article:author"),
                    *dom,
                    meta_content(self.selector, "mediaid"),
                    self.entry.author,
                ]
            )
            or ""
        )

    def thumbnail(self) -> str:
        image = _absolute(meta_content(self.selector, "og:image"))
        if _GENERIC_IMAGE_RE.match(image):
            image = ""
        return first([image, self.entry.thumbnail]) or ""

    def body_html(self) -> str:
        """The body container's HTML, uncleaned but without the site's non-article blocks."""
        for node in self.selector.css(BODY_CSS):
            node.css(BODY_JUNK_CSS).drop()
            for caption in node.css(CAPTION_CSS):
                caption.root.tag = "p"
            if node.xpath("string()").get("").strip() or node.css("img"):
                return node.get()
        return ""


def parse_article(
    html: str, url: str, entry: ListEntry | None = None, body: bytes = b""
) -> Article:
    """The article item of a page (body still uncleaned: the pipeline cleans it).

    ``body``: the page's bytes when they are UTF-8 (see ``common.page_selector``).
    """
    return ArticlePage(html, url, entry, body).to_item()


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _epoch_date(value: Any) -> str:
    """``YYYY-MM-DD HH:MM:SS`` (Beijing) of the API's epoch-seconds strings, or ""."""
    if not str(value or "").strip().isdigit():
        return ""
    try:
        return normalize_date(str(value).strip())
    except DateError:
        return ""


def _absolute(url: str) -> str:
    """Protocol-relative image URLs (``//n.sinaimg.cn/...``) as https."""
    url = (url or "").strip()
    if url.startswith("//"):
        return urljoin("https:", url)
    return url if urlsplit(url).scheme in ("http", "https") else ""


# --- the spider ------------------------------------------------------------

SITE = "https://news.sina.com.cn/"
REFERER = "https://news.sina.com.cn/roll/"


class SinaSpider(NewsSpider):
    """Arguments: ``lids`` (comma list of roll channel ids, default NEWSBOT_SINA_LIDS),
    ``pages`` per channel (default 1), ``url`` (comma list of article URLs; skips
    discovery)."""

    name = "sina"
    parser = sys.modules[__name__]
    source = SOURCE
    lang = LANG
    allowed_domains = ["sina.com.cn"]
    site_url = SITE
    discovery = "roll API feed.mix.sina.com.cn/api/roll/get (pageid 153, per lid)"

    def parse_arguments(
        self, lids: str | None = None, pages: str | int = 1, url: str | None = None, **_: Any
    ) -> None:
        self.lids = split_list(lids)
        for lid in self.lids:
            if not lid.isdigit():
                raise ArgumentError(
                    f"-a lids: {lid!r} is not a roll channel id (digits, e.g. 2509)"
                )
        self.pages = positive_int("pages", pages)
        self.entries = self.url_entries(
            url, "a Sina article URL (expected https://<channel>.sina.com.cn/.../doc-i<id>.shtml)"
        )

    def list_requests(self) -> Iterator[Request]:
        for lid in self.lids or self.settings.getlist("NEWSBOT_SINA_LIDS"):
            for page in range(1, self.pages + 1):
                yield self.list_request(str(lid), page)

    def list_request(self, lid: str, page: int) -> Request:
        url = list_url(
            lid,
            page,
            num=self.settings.getint("NEWSBOT_SINA_ITEM_COUNT"),
            pageid=str(self.settings.get("NEWSBOT_SINA_PAGEID")),
            template=self.settings.get("NEWSBOT_SINA_LIST_API"),
        )
        return Request(
            url,
            headers={"Referer": REFERER, "Accept": "application/json, text/javascript, */*"},
            callback=self.parse_list,
            errback=self.request_failed,
            cb_kwargs={"lid": lid, "page": page},
        )

    async def parse_list(self, response: Response, lid: str, page: int) -> AsyncIterator[Request]:
        listing = await self.read_list(
            response, lambda: parse_list(json_or_none(response)), f"lid {lid} page {page}"
        )
        if not isinstance(listing, ListPage):
            if listing is not None:
                yield listing
            return
        for request in self.entry_requests(listing):
            yield request
