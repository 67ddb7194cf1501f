"""Xinhua (www.news.cn): channel list data (ds_<id>.json) → article pages.

A channel page fills its lists from ``ds_<32 hex>.json`` files next to it (hundreds
of rows, shown a screen at a time); ``-a pages`` takes that many screens of
NEWSBOT_XINHUA_PAGE_SIZE rows from the top of each file.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urljoin

from scrapy.http import Request, Response

from newsbot.pages.base import ListPage
from newsbot.sources import xinhua
from newsbot.spiders.base import ArgumentError, NewsSpider, json_or_none, positive_int, split_list


class XinhuaSpider(NewsSpider):
    """Arguments: ``lists`` (comma list of ds file URLs, default
    NEWSBOT_XINHUA_DS_FILES), ``pages`` of rows per file (default 1), ``url`` (comma
    list of article URLs; skips discovery)."""

    name = "xinhua"
    parser = xinhua
    source = xinhua.SOURCE
    lang = xinhua.LANG
    allowed_domains = ["news.cn"]
    site_url = "https://www.news.cn/"
    discovery = "channel list data files politics/ds_….json … (JSON)"
    list_failed = "List data failed: {url}: {error}"

    def parse_arguments(
        self, lists: str | None = None, pages: str | int = 1, url: str | None = None, **_: Any
    ) -> None:
        self.lists = split_list(lists)
        for ds_url in self.lists:
            if not xinhua.is_list_url(ds_url):
                raise ArgumentError(
                    f"-a lists: {ds_url!r} is not a news.cn list data URL "
                    "(expected https://www.news.cn/<channel>/ds_<32 hex digits>.json)"
                )
        self.pages = positive_int("pages", pages)
        self.entries = self.url_entries(
            url,
            "a news.cn article URL (expected https://www.news.cn/<channel>/YYYYMMDD/<hex>/c.html)",
        )

    def list_requests(self) -> Iterator[Request]:
        for ds_url in self.lists or self.settings.getlist("NEWSBOT_XINHUA_DS_FILES"):
            yield Request(
                ds_url,
                headers={"Referer": urljoin(ds_url, "./"), "Accept": "application/json, */*"},
                callback=self.parse_list,
                errback=self.request_failed,
            )

    async def parse_list(self, response: Response) -> AsyncIterator[Request]:
        limit = self.pages * self.settings.getint("NEWSBOT_XINHUA_PAGE_SIZE")
        listing = await self.read_list(
            response,
            lambda: xinhua.parse_list(json_or_none(response), response.url, limit),
            response.url,
        )
        if not isinstance(listing, ListPage):
            if listing is not None:
                yield listing
            return
        for request in self.entry_requests(listing, referer=urljoin(response.url, "./")):
            yield request
