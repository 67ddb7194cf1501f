"""The Paper (澎湃新闻): channel feeds (nodeCont/getByChannelId) → article pages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from scrapy.http import JsonRequest, Request, Response

from newsbot.parsers import thepaper
from newsbot.spiders.base import ArgumentError, NewsSpider, positive_int, split_list

SITE = "https://www.thepaper.cn/"


class ThePaperSpider(NewsSpider):
    """Arguments: ``channels`` (comma list of channel ids, default NEWSBOT_THEPAPER_CHANNELS),
    ``pages`` per channel (default 1), ``url`` (comma list of article URLs; skips discovery)."""

    name = "thepaper"
    source = thepaper.SOURCE
    lang = thepaper.LANG
    allowed_domains = ["thepaper.cn"]
    site_url = SITE
    discovery = "channel feed API nodeCont/getByChannelId (POST JSON)"

    def parse_arguments(
        self, channels: str | None = None, pages: str | int = 1, url: str | None = None, **_: Any
    ) -> None:
        self.seen: set[str] = set()
        self.channels = split_list(channels)
        self.pages = positive_int("pages", pages)
        self.article_ids = []
        for article_url in split_list(url):
            article_id = thepaper.article_id_from_url(article_url)
            if not article_id:
                raise ArgumentError(
                    f"-a url: {article_url!r} is not a The Paper article URL "
                    "(expected https://www.thepaper.cn/newsDetail_forward_<number>)"
                )
            self.article_ids.append(article_id)

    async def start(self) -> AsyncIterator[Request]:
        if not self.arguments_ok():
            return
        if self.article_ids:
            for article_id in self.article_ids:
                if self.discovered(article_id, self.seen):
                    yield self.entry_request(thepaper.ListEntry(id=article_id))
            return
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
        try:
            listing = thepaper.parse_list(_json_or_none(response))
        except thepaper.ListAPIError as exc:
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
        if page < self.pages and listing.has_next and listing.start_time:
            yield self.list_request(channel, page + 1, listing.start_time)

    def entry_request(self, entry: thepaper.ListEntry) -> Request:
        url = thepaper.ARTICLE_URL.format(id=entry.id)
        return self.article_request(
            url,
            url,
            self.parse_article,
            headers={"Referer": SITE},
            cb_kwargs={"entry": entry.to_dict()},
        )

    def parse_article(self, response: Response, entry: dict[str, str]) -> Any:
        yield thepaper.parse_article(response.text, response.url, thepaper.ListEntry(**entry))


def _json_or_none(response: Response) -> Any:
    try:
        return response.json()
    except (ValueError, AttributeError):
        return None
