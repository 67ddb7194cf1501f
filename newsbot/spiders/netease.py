"""NetEase News: the news.163.com JSONP lists (要闻 cm_yaowen20200213 ...) → article pages."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy.http import Request, Response

from newsbot.pages.base import ListPage
from newsbot.sources import netease
from newsbot.spiders.base import ArgumentError, NewsSpider, positive_int, split_list

SITE = "https://news.163.com/"
MAX_PAGES = 10  # the lists stop at _10
_FEED_RE = re.compile(r"^\w{1,64}$")
_CHARSET_RE = re.compile(rb"charset\s*=\s*[\"']?([\w.:-]+)", re.I)


class NeteaseSpider(NewsSpider):
    """Arguments: ``feeds`` (comma list of news.163.com list names, default
    NEWSBOT_NETEASE_FEEDS), ``pages`` per feed (default 1, at most 10), ``url`` (comma
    list of article URLs; skips discovery)."""

    name = "netease"
    parser = netease
    source = netease.SOURCE
    lang = netease.LANG
    allowed_domains = ["163.com"]
    site_url = SITE
    discovery = "news.163.com JSONP lists (special/cm_yaowen20200213 要闻 …)"

    def parse_arguments(
        self, feeds: str | None = None, pages: str | int = 1, url: str | None = None, **_: Any
    ) -> None:
        self.feeds = split_list(feeds)
        for feed in self.feeds:
            if not _FEED_RE.match(feed):
                raise ArgumentError(f"-a feeds: {feed!r} is not a list name (e.g. cm_guonei)")
        self.pages = positive_int("pages", pages)
        if self.pages > MAX_PAGES:
            raise ArgumentError(f"-a pages: the lists have at most {MAX_PAGES} pages")
        self.entries = self.url_entries(
            url,
            "a NetEase article URL "
            "(expected https://www.163.com/<channel>/article/<16-character DOCID>.html)",
        )

    def list_requests(self) -> Iterator[Request]:
        for feed in self.feeds or self.settings.getlist("NEWSBOT_NETEASE_FEEDS"):
            for page in range(1, self.pages + 1):
                yield self.list_request(feed, page)

    def list_request(self, feed: str, page: int) -> Request:
        template = self.settings.get("NEWSBOT_NETEASE_LIST_URL")
        return Request(
            netease.list_url(feed, page, template),
            headers={"Referer": SITE, "Accept": "*/*"},
            callback=self.parse_list,
            errback=self.request_failed,
            cb_kwargs={"feed": feed, "page": page},
        )

    async def parse_list(self, response: Response, feed: str, page: int) -> AsyncIterator[Request]:
        listing = await self.read_list(
            response,
            lambda: netease.parse_list(netease.decode_list(response.body, _charset(response))),
            f"feed {feed} page {page}",
        )
        if not isinstance(listing, ListPage):
            if listing is not None:
                yield listing
            return
        for request in self.entry_requests(listing):
            yield request


def _charset(response: Response) -> str | None:
    """The charset the Content-Type header declares, if any."""
    match = _CHARSET_RE.search(response.headers.get("Content-Type") or b"")
    return match.group(1).decode("ascii") if match else None
