"""Tencent News: channel feeds (getPCList) → article pages."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy.http import JsonRequest, Request, Response

from newsbot.pages.base import ListEntry, ListPage
from newsbot.sources import qq
from newsbot.spiders.base import NewsSpider, json_or_none, positive_int, split_list

SITE = "https://news.qq.com/"


class QQSpider(NewsSpider):
    """Arguments: ``channels`` (comma list of channel ids, default
    NEWSBOT_QQ_CHANNELS), ``pages`` per channel (default 1), ``url`` (comma list
    of article URLs; skips discovery)."""

    name = "qq"
    parser = qq
    source = qq.SOURCE
    lang = qq.LANG
    allowed_domains = ["qq.com"]
    site_url = SITE
    discovery = "channel feed API i.news.qq.com/web_feed/getPCList (POST JSON)"

    def parse_arguments(
        self, channels: str | None = None, pages: str | int = 1, url: str | None = None, **_: Any
    ) -> None:
        self.channels = split_list(channels)
        self.pages = positive_int("pages", pages)
        self.entries = self.url_entries(
            url,
            "a Tencent News article URL (expected https://news.qq.com/rain/a/<16-character id>)",
        )

    def list_requests(self) -> Iterator[Request]:
        for channel in self.channels or self.settings.getlist("NEWSBOT_QQ_CHANNELS"):
            for page in range(self.pages):
                yield self.list_request(channel, page)

    def list_request(self, channel: str, page: int) -> JsonRequest:
        body = {
            "base_req": {"from": "pc"},
            "forward": "2" if page == 0 else "1",
            "channel_id": channel,
            "flush_num": page + 1,
            "page": page,
            "item_count": self.settings.getint("NEWSBOT_QQ_ITEM_COUNT"),
            "is_local_chlid": "0",
        }
        return JsonRequest(
            self.settings.get("NEWSBOT_QQ_LIST_API"),
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
            lambda: qq.parse_list(json_or_none(response)),
            f"channel {channel} page {page}",
        )
        if not isinstance(listing, ListPage):
            if listing is not None:
                yield listing
            return
        for request in self.entry_requests(listing):
            yield request

    def entry_urls(self, entry: ListEntry) -> tuple[str, str]:
        """Fetched at news.qq.com (what the site serves), exported as the new.qq.com URL
        (what the site's files link to)."""
        return qq.PAGE_URL.format(id=entry.id), qq.ARTICLE_URL.format(id=entry.id)
