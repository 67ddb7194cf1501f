"""ifeng (凤凰网): list pages' embedded newsstream (then getColumnInfo) → article pages."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy.http import Request, Response

from newsbot.sources import ifeng
from newsbot.spiders.base import ArgumentError, NewsSpider, positive_int, split_list

SITE = "https://www.ifeng.com/"
COLUMN_URL = "https://news.ifeng.com/shanklist/{column}/"
_COLUMN_RE = re.compile(r"\d+-\d+-(?:\d+-)*")
_LIST_URL_RE = re.compile(r"^https?://(?:[a-z0-9-]+\.)*ifeng\.com(?:/|$)")


class IfengSpider(NewsSpider):
    """Arguments: ``lists`` (comma list of list-page URLs or shanklist columns such as
    ``3-35197-``, default NEWSBOT_IFENG_LISTS), ``pages`` per list (default 1; later pages
    through getColumnInfo), ``url`` (comma list of article URLs; skips discovery)."""

    name = "ifeng"
    parser = ifeng
    source = ifeng.SOURCE
    lang = ifeng.LANG
    allowed_domains = ["ifeng.com"]
    site_url = SITE
    list_failed = "List failed for {where} ({url}): {error}"
    discovery = "shanklist pages' embedded newsstream, then getColumnInfo JSONP"

    def parse_arguments(
        self, lists: str | None = None, pages: str | int = 1, url: str | None = None, **_: Any
    ) -> None:
        self.lists = [_list_url(value) for value in split_list(lists)]
        for list_url in self.lists:
            if not _LIST_URL_RE.match(list_url):
                raise ArgumentError(
                    f"-a lists: {list_url!r} is neither an ifeng list-page URL nor a column "
                    "(expected https://news.ifeng.com/shanklist/3-35197-/ or 3-35197-)"
                )
        self.pages = positive_int("pages", pages)
        self.entries = self.url_entries(
            url, "an ifeng article URL (expected https://news.ifeng.com/c/<11-character id>)"
        )

    def list_requests(self) -> Iterator[Request]:
        lists = self.lists or [
            _list_url(value) for value in self.settings.getlist("NEWSBOT_IFENG_LISTS")
        ]
        for list_url in lists:
            if _LIST_URL_RE.match(list_url):
                yield self.list_request(list_url, list_url, 1)
            else:
                self.count("errors/bad_argument")
                self.logger.error("Not an ifeng list-page URL, skipped: %r", list_url)

    def list_request(self, url: str, list_url: str, page: int) -> Request:
        return Request(
            url,
            headers={"Referer": list_url if page > 1 else SITE},
            callback=self.parse_list,
            errback=self.request_failed,
            cb_kwargs={"list_url": list_url, "page": page},
        )

    async def parse_list(
        self, response: Response, list_url: str, page: int
    ) -> AsyncIterator[Request]:
        listing = await self.read_list(
            response,
            lambda: ifeng.parse_list(getattr(response, "text", "")),
            f"{list_url} page {page}",
        )
        if not isinstance(listing, ifeng.ListPage):
            if listing is not None:
                yield listing
            return
        for request in self.entry_requests(listing):
            yield request
        column = ifeng.column_id(list_url)
        if page < self.pages and column and listing.last_id and not listing.is_end:
            template = self.settings.get("NEWSBOT_IFENG_MORE_API")
            count = self.settings.getint("NEWSBOT_IFENG_PAGE_SIZE")
            more = template.format(
                last_id=listing.last_id, last_time=listing.last_time, count=count, column=column
            )
            yield self.list_request(more, list_url, page + 1)


def _list_url(value: str) -> str:
    """A list-page URL as given, or the news.ifeng.com page of a bare column id."""
    return COLUMN_URL.format(column=value) if _COLUMN_RE.fullmatch(value) else value
