"""Sina News: the roll API (feed.mix.sina.com.cn) → PC article pages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from scrapy.http import Request, Response

from newsbot.parsers import sina
from newsbot.spiders.base import ArgumentError, NewsSpider, positive_int, split_list

SITE = "https://news.sina.com.cn/"
REFERER = "https://news.sina.com.cn/roll/"


class SinaSpider(NewsSpider):
    """Arguments: ``lids`` (comma list of roll channel ids, default NEWSBOT_SINA_LIDS),
    ``pages`` per channel (default 1), ``url`` (comma list of article URLs; skips
    discovery)."""

    name = "sina"
    source = sina.SOURCE
    lang = sina.LANG
    allowed_domains = ["sina.com.cn"]
    site_url = SITE
    discovery = "roll API feed.mix.sina.com.cn/api/roll/get (pageid 153, per lid)"

    def parse_arguments(
        self, lids: str | None = None, pages: str | int = 1, url: str | None = None, **_: Any
    ) -> None:
        self.seen: set[str] = set()
        self.lids = split_list(lids)
        for lid in self.lids:
            if not lid.isdigit():
                raise ArgumentError(
                    f"-a lids: {lid!r} is not a roll channel id (digits, e.g. 2509)"
                )
        self.pages = positive_int("pages", pages)
        self.article_urls: list[str] = []
        for article_url in split_list(url):
            canonical = sina.canonical_url(article_url)
            if not canonical:
                raise ArgumentError(
                    f"-a url: {article_url!r} is not a Sina article URL "
                    "(expected https://<channel>.sina.com.cn/.../doc-i<id>.shtml)"
                )
            self.article_urls.append(canonical)

    async def start(self) -> AsyncIterator[Request]:
        if not self.arguments_ok():
            return
        if self.article_urls:
            for article_url in self.article_urls:
                entry = sina.ListEntry(
                    id=sina.article_id_from_url(article_url) or "", url=article_url
                )
                if self.discovered(entry.id, self.seen):
                    yield self.entry_request(entry)
            return
        lids = self.lids or self.settings.getlist("NEWSBOT_SINA_LIDS")
        for lid in lids:
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
        try:
            listing = sina.parse_list(_json_or_none(response))
        except sina.ListAPIError as exc:
            retry = await self.retry_later(response, f"roll API answered {exc}")
            if retry is not None:
                yield retry
                return
            self.count("errors/list_api")
            self.logger.error(
                "List API failed for lid %s page %d (%s): %s", lid, page, response.url, exc
            )
            return
        for kind, number in listing.skipped.items():
            self.count(f"skipped/{kind}", number)
        for entry in listing.entries:
            if self.discovered(entry.id, self.seen):
                yield self.entry_request(entry)

    def entry_request(self, entry: sina.ListEntry) -> Request:
        return self.article_request(
            entry.url,
            entry.url,
            self.parse_article,
            update_time=entry.update_time,
            headers={"Referer": SITE},
            cb_kwargs={"entry": entry.to_dict()},
        )

    def parse_article(self, response: Response, entry: dict[str, str]) -> Any:
        yield sina.parse_article(response.text, response.url, sina.ListEntry(**entry))


def _json_or_none(response: Response) -> Any:
    try:
        return response.json()
    except (ValueError, AttributeError):
        return None
