"""The Paper (澎湃新闻): channel feeds (nodeCont/getByChannelId) → article pages."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy.http import JsonRequest, Request, Response

from newsbot.pages.base import ListEntry
from newsbot.sources import thepaper
from newsbot.spiders.base import NewsSpider, json_or_none, positive_int, split_list

SITE = "https://www.thepaper.cn/"


class ThePaperSpider(NewsSpider):
    """Arguments: ``channels`` (comma list of channel ids, default NEWSBOT_THEPAPER_CHANNELS),
    ``pages`` per channel (default 1), ``url`` (comma list of article URLs; skips discovery)."""

    name = "thepaper"
    parser = thepaper
    source = thepaper.SOURCE
    lang = thepaper.LANG
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
            lambda: thepaper.parse_list(json_or_none(response)),
            f"channel {channel} page {page}",
        )
        if not isinstance(listing, thepaper.ListPage):
            if listing is not None:
                yield listing
            return
        for request in self.entry_requests(listing):
            yield request
        if page < self.pages and listing.has_next and listing.start_time:
            yield self.list_request(channel, page + 1, listing.start_time)

    def entry_urls(self, entry: ListEntry) -> tuple[str, str]:
        """The page URL is made from the id (the feed gives none)."""
        url = thepaper.ARTICLE_URL.format(id=entry.id)
        return url, url
