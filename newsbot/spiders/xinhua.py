"""Xinhua (www.news.cn): channel list data (ds_<id>.json) → article pages.

A channel page fills its lists from ``ds_<32 hex>.json`` files next to it (hundreds
of rows, shown a screen at a time); ``-a pages`` takes that many screens of
NEWSBOT_XINHUA_PAGE_SIZE rows from the top of each file.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urljoin

from scrapy.http import Request, Response

from newsbot.parsers import xinhua
from newsbot.spiders.base import ArgumentError, NewsSpider, positive_int, split_list


class XinhuaSpider(NewsSpider):
    """Arguments: ``lists`` (comma list of ds file URLs, default
    NEWSBOT_XINHUA_DS_FILES), ``pages`` of rows per file (default 1), ``url`` (comma
    list of article URLs; skips discovery)."""

    name = "xinhua"
    source = xinhua.SOURCE
    lang = xinhua.LANG
    allowed_domains = ["news.cn"]
    site_url = "https://www.news.cn/"
    discovery = "channel list data files politics/ds_….json … (JSON)"

    def parse_arguments(
        self, lists: str | None = None, pages: str | int = 1, url: str | None = None, **_: Any
    ) -> None:
        self.seen: set[str] = set()
        self.lists = split_list(lists)
        for ds_url in self.lists:
            if not xinhua.is_list_url(ds_url):
                raise ArgumentError(
                    f"-a lists: {ds_url!r} is not a news.cn list data URL "
                    "(expected https://www.news.cn/<channel>/ds_<32 hex digits>.json)"
                )
        self.pages = positive_int("pages", pages)
        self.entries: list[xinhua.ListEntry] = []
        for article_url in split_list(url):
            entry = xinhua.entry_from_url(article_url)
            if entry is None:
                raise ArgumentError(
                    f"-a url: {article_url!r} is not a news.cn article URL "
                    "(expected https://www.news.cn/<channel>/YYYYMMDD/<hex>/c.html)"
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
        for ds_url in self.lists or self.settings.getlist("NEWSBOT_XINHUA_DS_FILES"):
            yield Request(
                ds_url,
                headers={"Referer": urljoin(ds_url, "./"), "Accept": "application/json, */*"},
                callback=self.parse_list,
                errback=self.request_failed,
            )

    async def parse_list(self, response: Response) -> AsyncIterator[Request]:
        limit = self.pages * self.settings.getint("NEWSBOT_XINHUA_PAGE_SIZE")
        try:
            listing = xinhua.parse_list(_json_or_none(response), response.url, limit)
        except xinhua.ListAPIError as exc:
            retry = await self.retry_later(response, f"list data answered {exc}")
            if retry is not None:
                yield retry
                return
            self.count("errors/list_api")
            self.logger.error("List data failed: %s: %s", response.url, exc)
            return
        for kind, number in listing.skipped.items():
            self.count(f"skipped/{kind}", number)
        for entry in listing.entries:
            if self.discovered(entry.id, self.seen):
                yield self.entry_request(entry, referer=urljoin(response.url, "./"))

    def entry_request(self, entry: xinhua.ListEntry, referer: str = "") -> Request:
        return self.article_request(
            entry.url,
            entry.url,
            self.parse_article,
            headers={"Referer": referer or self.site_url},
            cb_kwargs={"entry": entry.to_dict()},
        )

    def parse_article(self, response: Response, entry: dict[str, str]) -> Any:
        yield xinhua.parse_article(response.text, response.url, xinhua.ListEntry(**entry))


def _json_or_none(response: Response) -> Any:
    """The decoded answer (a UTF-8 BOM allowed), or None when it is not JSON text."""
    try:
        return json.loads(response.text.lstrip("\ufeff"))
    except (ValueError, AttributeError):
        return None
