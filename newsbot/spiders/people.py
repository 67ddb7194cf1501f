"""People's Daily Online: channel list pages (GB/<node>/index.html) → article pages.

The list pages, not the RSS feeds (www.people.com.cn/rss/*.xml), are the discovery:
they are the site's own channel navigation, so they are as fresh as the site (a 2026
report had the politics feed's newest item from June 2025), and they have pages
(index2.html ...) for ``-a pages``. Their templates differ per channel; the parser
takes every article link inside the known list containers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy.http import Request, Response

from newsbot.sources import people
from newsbot.spiders.base import ArgumentError, NewsSpider, positive_int, split_list


class PeopleSpider(NewsSpider):
    """Arguments: ``lists`` (comma list of list page URLs, default
    NEWSBOT_PEOPLE_LIST_PAGES), ``pages`` per list (default 1; page n+1 is read only
    when page n links to it), ``url`` (comma list of article URLs; skips discovery)."""

    name = "people"
    parser = people
    source = people.SOURCE
    lang = people.LANG
    allowed_domains = ["people.com.cn", "people.cn"]
    site_url = "http://www.people.com.cn/"
    discovery = "channel list pages GB/1024/index.html … (GBK HTML)"
    list_failed = "List page failed: {url} ({where}): {error}"

    def parse_arguments(
        self, lists: str | None = None, pages: str | int = 1, url: str | None = None, **_: Any
    ) -> None:
        self.lists = split_list(lists)
        for list_url in self.lists:
            if not people.is_list_url(list_url):
                raise ArgumentError(
                    f"-a lists: {list_url!r} is not a people.com.cn list page URL "
                    "(expected http://<channel>.people.com.cn/GB/<node>/index.html)"
                )
        self.pages = positive_int("pages", pages)
        self.entries = self.url_entries(
            url,
            "a people.com.cn article URL "
            "(expected http://<channel>.people.com.cn/n1/YYYY/MMDD/c<node>-<id>.html)",
        )

    def list_requests(self) -> Iterator[Request]:
        for list_url in self.lists or self.settings.getlist("NEWSBOT_PEOPLE_LIST_PAGES"):
            yield self.list_request(list_url, 1)

    def list_request(self, list_url: str, page: int) -> Request:
        return Request(
            people.list_page_url(list_url, page),
            callback=self.parse_list,
            errback=self.request_failed,
            cb_kwargs={"list_url": list_url, "page": page},
        )

    async def parse_list(
        self, response: Response, list_url: str, page: int
    ) -> AsyncIterator[Request]:
        listing = await self.read_list(
            response,
            lambda: people.parse_list(getattr(response, "text", ""), response.url),
            f"page {page}",
        )
        if not isinstance(listing, people.ListPage):
            if listing is not None:
                yield listing
            return
        for request in self.entry_requests(listing, referer=response.url):
            yield request
        # The next page only when this one links to it: no 404 past a list's last page.
        if page < self.pages:
            if people.list_page_url(list_url, page + 1) in listing.pages:
                yield self.list_request(list_url, page + 1)
            else:
                self.logger.info("List %s has no page %d", list_url, page + 1)
