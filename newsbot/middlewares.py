"""Spider middleware: article requests for already exported articles are not made,
nor, for a while, those of articles that were gone or unusable last time."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from scrapy.spidermiddlewares.base import BaseSpiderMiddleware

from newsbot.extensions.state import ExportState
from newsbot.store import REJECTED

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response

# Request meta key the spiders set on article requests: {"source", "url", "update_time"}.
ARTICLE_META = "newsbot_article"


def article_meta(source: str, url: str, update_time: str = "") -> dict[str, Any]:
    """The meta an article request carries so the store can be consulted."""
    return {ARTICLE_META: {"source": source, "url": url, "update_time": update_time}}


class SkipExportedMiddleware(BaseSpiderMiddleware):
    """Drops article requests whose article is in the store, unless NEWSBOT_UPDATE
    is on and the list says the article changed after it was exported."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.update = crawler.settings.getbool("NEWSBOT_UPDATE")
        self.retry_rejected_after = crawler.settings.getfloat("NEWSBOT_RETRY_REJECTED_AFTER")

    def get_processed_request(self, request: Request, response: Response | None) -> Request | None:
        article = request.meta.get(ARTICLE_META)
        if not article:
            return request
        record = ExportState.of(self.crawler).store.get(article["source"], article["url"])
        if record is None:
            return request
        if record.status == REJECTED:
            if time.time() - record.checked_at >= self.retry_rejected_after:
                return request
            self.crawler.stats.inc_value("newsbot/skipped/rejected_before")
            return None
        if self.update and article.get("update_time", "") > record.update_time:
            self.crawler.stats.inc_value("newsbot/list/updated")
            return request
        self.crawler.stats.inc_value("newsbot/skipped/already_exported")
        return None
