"""Tencent News: channel feeds (getPCList) → article pages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from scrapy.http import JsonRequest, Request, Response

from newsbot.parsers import qq
from newsbot.spiders.base import ArgumentError, NewsSpider, positive_int, split_list

SITE = "https://news.qq.com/"


class QQSpider(NewsSpider):
    """Arguments: ``channels`` (comma list of channel ids, default
    NEWSBOT_QQ_CHANNELS), ``pages`` per channel (default 1), ``url`` (comma list
    of article URLs; skips discovery)."""

    name = "qq"
    source = qq.SOURCE
    lang = qq.LANG
    allowed_domains = ["qq.com"]
    site_url = SITE
    discovery = "channel feed API i.news.qq.com/web_feed/getPCList (POST JSON)"

    def parse_arguments(
        self, channels: str | None = None, pages: str | int = 1, url: str | None = None, **_: Any
    ) -> None:
        self.seen: set[str] = set()
        self.channels = split_list(channels)
        self.pages = positive_int("pages", pages)
        self.article_ids = []
        for article_url in split_list(url):
            article_id = qq.article_id_from_url(article_url)
            if not article_id:
                raise ArgumentError(
                    f"-a url: {article_url!r} is not a Tencent News article URL "
                    "(expected https://news.qq.com/rain/a/<16-character id>)"
                )
            self.article_ids.append(article_id)

    async def start(self) -> AsyncIterator[Request]:
        if not self.arguments_ok():
            return
        if self.article_ids:
            for article_id in self.article_ids:
                if self.discovered(article_id, self.seen):
                    yield self.entry_request(qq.ListEntry(id=article_id))
            return
        channels = self.channels or self.settings.getlist("NEWSBOT_QQ_CHANNELS")
        for channel in channels:
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
        try:
            listing = qq.parse_list(_json_or_none(response))
        except qq.ListAPIError as exc:
            retry = await self.retry_later(response, f"list API answered {exc}")
            if retry is not None:
                yield retry
                return
            self.count("errors/list_api")
            self.logger.error(
                "List API failed for channel %s page %d (%s): %s", channel, page, response.url, exc
            )
            return
        for kind, number in listing.skipped.items():
            self.count(f"skipped/{kind}", number)
        for entry in listing.entries:
            if self.discovered(entry.id, self.seen):
                yield self.entry_request(entry)

    def entry_request(self, entry: qq.ListEntry) -> Request:
        return self.article_request(
            qq.PAGE_URL.format(id=entry.id),
            qq.ARTICLE_URL.format(id=entry.id),
            self.parse_article,
            update_time=entry.update_time,
            headers={"Referer": SITE},
            cb_kwargs={"entry": entry.to_dict()},
        )

    def parse_article(self, response: Response, entry: dict[str, str]) -> Any:
        yield qq.parse_article(response.text, response.url, qq.ListEntry(**entry))


def _json_or_none(response: Response) -> Any:
    try:
        return response.json()
    except (ValueError, AttributeError):
        return None
