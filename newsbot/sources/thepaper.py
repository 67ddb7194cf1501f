"""The Paper (www.thepaper.cn): the channel feed (nodeCont/getByChannelId) and the article page.

Crawled: channel feeds (nodeCont/getByChannelId) → article pages.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import urljoin

from scrapy.http import Request, Response

from newsbot.dates import DateError, normalize_date
from newsbot.pages import base
from newsbot.pages.base import (
    ArticlePageBase,
    ListAPIError,
    ListEntry,
    first,
    text_of,
)
from newsbot.spiders.base import NewsSpider, json_or_none, positive_int, split_list

SOURCE = "thepaper"
LANG = "zh-CN"
ARTICLE_URL = "https://www.thepaper.cn/newsDetail_forward_{id}"  # canonical, and what is fetched
TITLE_SUFFIXES = ("_澎湃新闻-The Paper", "_澎湃新闻")
SUCCESS_CODE = 200  # the feed's "code" on success; errors: 10000 请求无效, 99998 系统繁忙 ...

_ID_RE = re.compile(r"\d{1,12}")
# The 2014–2021 page (before the Next.js site): h1.news_title, div.news_about (a line with
# the writer, a line with "2020-06-06 10:08 来源：…"), div.news_txt.
_OLD_DATE_RE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}(?::\d{2})?")
_OLD_SOURCE_RE = re.compile(r"来源\s*[:：]\s*(\S+)")
# Its share link names the share picture: showToSina('<id>','<title>','<picture>','<site>').
_OLD_SHARE_CSS = "div.newsct_share_detail a.ctshare_sina_detail::attr(href)"
_OLD_SHARE_PIC_RE = re.compile(r"showToSina\(\s*'[^']*'\s*,\s*'(?:[^'\\]|\\.)*'\s*,\s*'([^']+)'")
# A 澎湃号 page (政务, 湃客) names its account here; its writer line is empty.
_OLD_ACCOUNT_CSS = "div.news_paike_author .name"
# The app promo closing many bodies: "(本文来自澎湃新闻，更多原创资讯请下载“澎湃新闻”APP)", in the
# old page's div.hide_word (hidden by the site's CSS), or as the body's last paragraph.
_HIDDEN_RE = re.compile(r'<div class="hide_word">[^<]*</div>')
_APP_PROMO_RE = re.compile(
    r"(?:\s|<br\s*/?>|<div class=\"contheight\"></div>|<p>)*"
    r"[(（]本文来自澎湃新闻，更多原创资讯请下载“澎湃新闻”APP[)）]\s*(?:</p>)?(\s*(?:</div>)?\s*)$"
)
_URL_RE = re.compile(
    r"^https?://(?:www\.|m\.)?thepaper\.cn/(?:newsDetail_forward_|detail/)(\d{1,12})(?:[/?#.]|$)"
)


@dataclass
class ListPage(base.ListPage):
    has_next: bool = False
    start_time: Any = None  # data.startTime: the next page's "startTime"


def article_id_from_url(url: str) -> str | None:
    """The numeric contId of an article URL (www or m, newsDetail_forward_ or detail/)."""
    match = _URL_RE.match(url.strip())
    return match.group(1) if match else None


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


class ArticlePage(ArticlePageBase):
    """An article page: every field from ``__NEXT_DATA__``'s ``detailData.contentDetail``.

    Live and special pages have ``liveDetail`` / ``specialDetail`` instead: they are
    not articles, and give an item with no title or body, which the pipeline drops.
    """

    source = SOURCE
    lang = LANG
    next_data_css = "script#__NEXT_DATA__::text"

    @cached_property
    def detail(self) -> dict[str, Any]:
        next_data = _json(self.selector.css(self.next_data_css).get())
        detail_data = _dig(next_data, "props", "pageProps", "detailData")
        detail = detail_data.get("contentDetail") if isinstance(detail_data, dict) else None
        return detail if isinstance(detail, dict) else {}

    def canonical_url(self) -> str:
        return ARTICLE_URL.format(id=self.article_id())

    def is_article(self) -> bool:
        return bool(self.detail) or bool(self.old_body())

    # the 2014–2021 page: read from its DOM when there is no __NEXT_DATA__ article
    def old_body(self) -> str:
        if self.detail:
            return ""
        body = self.selector.css("div.news_txt").get() or ""
        # (Runs of U+FFFD the old 澎湃号 pages hold as served, emoji the site's CMS lost,
        # are removed before parsing by CharsetRepairMiddleware.)
        return _HIDDEN_RE.sub("", body)

    def old_about(self) -> list[str]:
        if self.detail:
            return []
        return [" ".join(p.xpath("string()").get("").split())
                for p in self.selector.css("div.news_about > p")]  # fmt: skip

    def article_id(self) -> str:
        cont_id = str(self.detail.get("contId") or "")
        if _ID_RE.fullmatch(cont_id):
            return cont_id
        return article_id_from_url(self.url) or self.entry.id

    def title(self) -> str:
        meta = self.meta("og:title") or self.selector.css("title::text").get("")
        for suffix in TITLE_SUFFIXES:
            meta = meta.removesuffix(suffix)
        old = "" if self.detail else self.text("h1.news_title")
        return first([text_of(self.detail.get("name")), old, meta.strip(), self.entry.title])

    def date(self) -> str:
        """The first candidate in a known format (``pubTime`` may be relative: "3小时前")."""
        candidates = [
            str(self.detail.get("publishTime") or ""),
            text_of(self.detail.get("pubTime")),
            *(m.group(0) for m in map(_OLD_DATE_RE.search, self.old_about()) if m),
            self.entry.publish_time,
        ]
        for candidate in candidates:
            try:
                normalize_date(candidate)
            except DateError:
                continue
            return candidate
        return first(candidates)

    def author(self) -> str:
        node = self.detail.get("nodeInfo") or {}
        column = text_of(node.get("name")) if isinstance(node, dict) else ""
        about = self.old_about()
        writer = about[0] if about and not _OLD_DATE_RE.search(about[0]) else ""
        account = "" if self.detail else self.text(_OLD_ACCOUNT_CSS)
        source = next((m.group(1) for m in map(_OLD_SOURCE_RE.search, about) if m), "")
        return first([text_of(self.detail.get("author")), column, writer, account, source,
                      self.entry.author])  # fmt: skip

    def thumbnail(self) -> str:
        candidates = [
            text_of(self.detail.get("sharePic")),
            text_of(self.detail.get("bigPic")),
            self.meta("og:image"),
            self.old_share_picture(),
            self.entry.thumbnail,
        ]
        return first(candidates)

    def old_share_picture(self) -> str:
        if self.detail:
            return ""
        match = _OLD_SHARE_PIC_RE.search(self.selector.css(_OLD_SHARE_CSS).get(""))
        return urljoin("https:", match.group(1)) if match else ""

    def body_html(self) -> str:
        body = text_of(self.detail.get("content")) or self.old_body()
        return _APP_PROMO_RE.sub(r"\1", body)


parse_article = ArticlePage.parse


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
    article_page = ArticlePage
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
            article_id_from_url,
        )

    def list_requests(self) -> Iterator[Request]:
        for channel in self.channels or self.settings.getlist("NEWSBOT_THEPAPER_CHANNELS"):
            yield self.channel_request(channel, 1, "")

    def channel_request(self, channel: str, page: int, start_time: Any) -> Request:
        """Page 1 of a channel, or the page after the one whose ``data.startTime`` is given."""
        body = {
            "channelId": channel,
            "excludeContIds": [],
            "province": None,
            "pageSize": self.settings.getint("NEWSBOT_THEPAPER_PAGE_SIZE"),
            "startTime": start_time,
            "pageNum": page,
        }
        return self.list_request(
            self.settings.get("NEWSBOT_THEPAPER_LIST_API"),
            f"channel {channel} page {page}",
            {"channel": channel, "page": page},
            data=body,
            headers={"Referer": SITE, "Origin": SITE.rstrip("/")},
        )

    def list_page(self, response: Response, channel: str, page: int) -> ListPage:
        return parse_list(json_or_none(response))

    def next_lists(
        self, response: Response, listing: ListPage, channel: str, page: int
    ) -> Iterator[Request]:
        if page < self.pages and listing.has_next and listing.start_time:
            yield self.channel_request(channel, page + 1, listing.start_time)

    def entry_urls(self, entry: ListEntry) -> tuple[str, str]:
        """The page URL is made from the id (the feed gives none)."""
        url = ARTICLE_URL.format(id=entry.id)
        return url, url
