"""Sina News: the roll API (feed.mix.sina.com.cn) → PC article pages."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy.http import Request, Response

from newsbot.pages.base import ListPage
from newsbot.sources import sina
from newsbot.spiders.base import ArgumentError, NewsSpider, json_or_none, positive_int, split_list

SITE = "https://news.sina.com.cn/"
REFERER = "https://news.sina.com.cn/roll/"


class SinaSpider(NewsSpider):
    """Arguments: ``lids`` (comma list of roll channel ids, default NEWSBOT_SINA_LIDS),
    ``pages`` per channel (default 1), ``url`` (comma list of article URLs; skips
    discovery)."""

    name = "sina"
    parser = sina
    source = sina.SOURCE
    lang = sina.LANG
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
        url = sina.list_url(
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
            response, lambda: sina.parse_list(json_or_none(response)), f"lid {lid} page {page}"
        )
        if not isinstance(listing, ListPage):
            if listing is not None:
                yield listing
            return
        for request in self.entry_requests(listing):
            yield request
