"""People's Daily Online: channel list pages (GB/<node>/index.html) → article pages.

The list pages, not the RSS feeds (www.people.com.cn/rss/*.xml), are the discovery:
they are the site's own channel navigation, so they are as fresh as the site (a 2026
report had the politics feed's newest item from June 2025), and they have pages
(index2.html ...) for ``-a pages``. Their templates differ per channel; the parser
takes every article link inside the known list containers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from scrapy.http import Request, Response

from newsbot.parsers import people
from newsbot.spiders.base import ArgumentError, NewsSpider, positive_int, split_list


class PeopleSpider(NewsSpider):
    """Arguments: ``lists`` (comma list of list page URLs, default
    NEWSBOT_PEOPLE_LIST_PAGES), ``pages`` per list (default 1; page n+1 is read only
    when page n links to it), ``url`` (comma list of article URLs; skips discovery)."""

    name = "people"
    source = people.SOURCE
    lang = people.LANG
    allowed_domains = ["people.com.cn", "people.cn"]
    site_url = "http://www.people.com.cn/"
    discovery = "channel list pages GB/1024/index.html … (GBK HTML)"

    def parse_arguments(
        self, lists: str | None = None, pages: str | int = 1, url: str | None = None, **_: Any
    ) -> None:
        self.seen: set[str] = set()
        self.lists = split_list(lists)
        for list_url in self.lists:
            if not people.is_list_url(list_url):
                raise ArgumentError(
                    f"-a lists: {list_url!r} is not a people.com.cn list page URL "
                    "(expected http://<channel>.people.com.cn/GB/<node>/index.html)"
                )
        self.pages = positive_int("pages", pages)
        self.entries: list[people.ListEntry] = []
        for article_url in split_list(url):
            entry = people.entry_from_url(article_url)
            if entry is None:
                raise ArgumentError(
                    f"-a url: {article_url!r} is not a people.com.cn article URL "
                    "(expected http://<channel>.people.com.cn/n1/YYYY/MMDD/c<node>-<id>.html)"
                )
            self.entries.append(entry)

    async def start(self) -> AsyncIterator[Request]:
        if not self.arguments_ok():
            return
        if self.entries:
            for entry in self.entries:
                if self.discovered(entry.id, self.seen):
                    yield self.entry_request(entry)
            return
        lists = self.lists or self.settings.getlist("NEWSBOT_PEOPLE_LIST_PAGES")
        for list_url in lists:
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
        try:
            listing = people.parse_list(getattr(response, "text", ""), response.url)
        except people.ListPageError as exc:
            retry = await self.retry_later(response, f"list page answered {exc}")
            if retry is not None:
                yield retry
                return
            self.count("errors/list_api")
            self.logger.error("List page failed: %s (page %d): %s", response.url, page, exc)
            return
        for kind, number in listing.skipped.items():
            self.count(f"skipped/{kind}", number)
        for entry in listing.entries:
            if self.discovered(entry.id, self.seen):
                yield self.entry_request(entry, referer=response.url)
        # The next page only when this one links to it: no 404 past a list's last page.
        if page < self.pages:
            if people.list_page_url(list_url, page + 1) in listing.pages:
                yield self.list_request(list_url, page + 1)
            else:
                self.logger.info("List %s has no page %d", list_url, page + 1)

    def entry_request(self, entry: people.ListEntry, referer: str = "") -> Request:
        return self.article_request(
            entry.url,
            entry.url,
            self.parse_article,
            headers={"Referer": referer or self.site_url},
            cb_kwargs={"entry": entry.to_dict()},
        )

    def parse_article(self, response: Response, entry: dict[str, str]) -> Any:
        yield people.parse_article(response.text, response.url, people.ListEntry(**entry))
