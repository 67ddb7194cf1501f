"""The Paper (www.thepaper.cn): the channel feed (nodeCont/getByChannelId) and the article page.

Crawled: channel feeds (nodeCont/getByChannelId) → article pages.

The page objects are pure functions of a JSON payload or an HTML string: no Scrapy, no
network. The spider, at the end, makes the requests.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

from scrapy.http import JsonRequest, Request, Response

from newsbot.dates import DateError, normalize_date
from newsbot.items import Article
from newsbot.pages import base as common
from newsbot.pages.base import (
    ListAPIError,
    ListEntry,
    first,
    meta_content,
    page_selector,
    text_of,
)
from newsbot.spiders.base import NewsSpider, json_or_none, positive_int, split_list

SOURCE = "thepaper"
LANG = "zh-CN"
ARTICLE_URL = "https://www.thepaper.cn/newsDetail_forward_{id}"  # canonical, and what is fetched
TITLE_SUFFIXES = ("_澎湃新闻-The Paper", "_澎湃新闻")
NEXT_DATA = "script#__NEXT_DATA__::text"
SUCCESS_CODE = 200  # the feed's "code" on success; errors: 10000 请求无效, 99998 系统繁忙 ...

_ID_RE = re.compile(r"\d{1,12}")
_URL_RE = re.compile(
    r"^https?://(?:www\.|m\.)?thepaper\.cn/(?:newsDetail_forward_|detail/)(\d{1,12})(?:[/?#.]|$)"
)


@dataclass
class ListPage(common.ListPage):
    has_next: bool = False
    start_time: Any = None  # data.startTime: the next page's "startTime"


def article_id_from_url(url: str) -> str | None:
    """The numeric contId of an article URL (www or m, newsDetail_forward_ or detail/)."""
    match = _URL_RE.match(url.strip())
    return match.group(1) if match else None


def entry_from_url(url: str) -> ListEntry | None:
    """The entry of an article URL (``-a url``), or None when it is not one."""
    article_id = article_id_from_url(url)
    return ListEntry(id=article_id) if article_id else None


def parse_list(payload: Any) -> ListPage:
    """Articles of a getByChannelId answer; external links and bad ids counted, not listed."""
    if not isinstance(payload, dict):
        raise ListAPIError(f"answer is not a JSON object but {type(payload).__name__}")
    if payload.get("code") != SUCCESS_CODE:
        raise ListAPIError(f"code={payload.get('code')!r} desc={payload.get('desc')!r}")
    data = payload.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("list"), list):
        raise ListAPIError("code=200 but no data.list")
    page = ListPage(has_next=bool(data.get("hasNext")), start_time=data.get("startTime"))
    for raw in data["list"]:
        cont_id = str(raw.get("contId") or "") if isinstance(raw, dict) else ""
        if not _ID_RE.fullmatch(cont_id):
            page.skipped["bad_id"] += 1
        elif raw.get("link"):  # a card pointing to another site
            page.skipped["not_article"] += 1
        else:
            page.entries.append(_entry(cont_id, raw))
    return page


def _entry(cont_id: str, raw: dict[str, Any]) -> ListEntry:
    node = raw.get("nodeInfo") or {}
    return ListEntry(
        id=cont_id,
        title=text_of(raw.get("name")),
        publish_time=str(raw.get("pubTimeLong") or ""),
        thumbnail=text_of(raw.get("pic")),
        author=text_of(node.get("name")) if isinstance(node, dict) else "",
    )


class ArticlePage:
    """An article page: every field from ``__NEXT_DATA__``'s ``detailData.contentDetail``.

    Live and special pages have ``liveDetail`` / ``specialDetail`` instead: they are
    not articles, and give an item with no title or body, which the pipeline drops.
    """

    def __init__(
        self, html: str, url: str, entry: ListEntry | None = None, body: bytes = b""
    ) -> None:
        self.selector = page_selector(html, body)
        self.url = url
        self.entry = entry or ListEntry(id="")
        next_data = _json(self.selector.css(NEXT_DATA).get())
        detail_data = _dig(next_data, "props", "pageProps", "detailData")
        detail = detail_data.get("contentDetail") if isinstance(detail_data, dict) else None
        self.detail: dict[str, Any] = detail if isinstance(detail, dict) else {}

    def is_article(self) -> bool:
        return bool(self.detail)

    def article_id(self) -> str:
        cont_id = str(self.detail.get("contId") or "")
        if _ID_RE.fullmatch(cont_id):
            return cont_id
        return article_id_from_url(self.url) or self.entry.id

    def title(self) -> str:
        meta = meta_content(self.selector, "og:title") or self.selector.css("title::text").get("")
        for suffix in TITLE_SUFFIXES:
            meta = meta.removesuffix(suffix)
        return first([text_of(self.detail.get("name")), meta.strip(), self.entry.title]) or ""

    def date(self) -> str:
        """The first candidate in a known format (``pubTime`` may be relative: "3小时前")."""
        candidates = [
            str(self.detail.get("publishTime") or ""),
            text_of(self.detail.get("pubTime")),
            self.entry.publish_time,
        ]
        for candidate in candidates:
            try:
                normalize_date(candidate)
            except DateError:
                continue
            return candidate
        return first(candidates) or ""

    def author(self) -> str:
        node = self.detail.get("nodeInfo") or {}
        column = text_of(node.get("name")) if isinstance(node, dict) else ""
        return first([text_of(self.detail.get("author")), column, self.entry.author]) or ""

    def thumbnail(self) -> str:
        candidates = [
            text_of(self.detail.get("sharePic")),
            text_of(self.detail.get("bigPic")),
            meta_content(self.selector, "og:image"),
            self.entry.thumbnail,
        ]
        return first(candidates) or ""

    def body_html(self) -> str:
        return text_of(self.detail.get("content"))

    def to_item(self) -> Article:
        article_id = self.article_id()
        item = Article(
            id=article_id, url=ARTICLE_URL.format(id=article_id), source=SOURCE, lang=LANG
        )
        if self.is_article():
            item.title, item.date, item.author = self.title(), self.date(), self.author()
            item.thumbnail, item.body_html = self.thumbnail(), self.body_html()
        return item


def parse_article(
    html: str, url: str, entry: ListEntry | None = None, body: bytes = b""
) -> Article:
    """The article item of a page (body still uncleaned: the pipeline cleans it).

    ``body``: the page's bytes when they are UTF-8 (see ``common.page_selector``).
    """
    return ArticlePage(html, url, entry, body).to_item()


def _json(text: str | None) -> Any:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def _dig(value: Any, *keys: str) -> Any:
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


# --- the spider ------------------------------------------------------------

SITE = "https://www.thepaper.cn/"


class ThePaperSpider(NewsSpider):
    """Arguments: ``channels`` (comma list of channel ids, default NEWSBOT_THEPAPER_CHANNELS),
    ``pages`` per channel (default 1), ``url`` (comma list of article URLs; skips discovery)."""

    name = "thepaper"
    parser = sys.modules[__name__]
    source = SOURCE
    lang = LANG
    allowed_domains = ["thepaper.cn"]
    site_url = SITE
    discovery = "channel feed API nodeCont/getByChannelId (POST JSON)"

    def parse_arguments(
        self, channels: str | None = None, pages: str | int = 1, url: str | None = None, **_: Any
    ) -> None:
        self.channels = split_list(channels)
        self.pages = positive_int("pages", pages)
        self.entries = self.url_entries(
            url,
            "a The Paper article URL "
            "(expected https://www.thepaper.cn/newsDetail_forward_<number>)",
        )

    def list_requests(self) -> Iterator[Request]:
        for channel in self.channels or self.settings.getlist("NEWSBOT_THEPAPER_CHANNELS"):
            yield self.list_request(channel, 1, "")

    def list_request(self, channel: str, page: int, start_time: Any) -> JsonRequest:
        """Page 1 of a channel, or the page after the one whose ``data.startTime`` is given."""
        body = {
            "channelId": channel,
            "excludeContIds": [],
            "province": None,
            "pageSize": self.settings.getint("NEWSBOT_THEPAPER_PAGE_SIZE"),
            "startTime": start_time,
            "pageNum": page,
        }
        return JsonRequest(
            self.settings.get("NEWSBOT_THEPAPER_LIST_API"),
            data=body,
            headers={"Referer": SITE, "Origin": SITE.rstrip("/")},
            callback=self.parse_list,
            errback=self.request_failed,
            cb_kwargs={"channel": channel, "page": page},
        )

    async def parse_list(
        self, response: Response, channel: str, page: int
    ) -> AsyncIterator[Request]:
        listing = await self.read_list(
            response,
            lambda: parse_list(json_or_none(response)),
            f"channel {channel} page {page}",
        )
        if not isinstance(listing, ListPage):
            if listing is not None:
                yield listing
            return
        for request in self.entry_requests(listing):
            yield request
        if page < self.pages and listing.has_next and listing.start_time:
            yield self.list_request(channel, page + 1, listing.start_time)

    def entry_urls(self, entry: ListEntry) -> tuple[str, str]:
        """The page URL is made from the id (the feed gives none)."""
        url = ARTICLE_URL.format(id=entry.id)
        return url, url
