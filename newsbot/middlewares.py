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
CHECKED = "checked"  # set in ARTICLE_META once the store was asked


def article_meta(source: str, url: str, update_time: str = "") -> dict[str, Any]:
    """The meta an article request carries so the store can be consulted."""
    return {ARTICLE_META: {"source": source, "url": url, "update_time": update_time}}


class SkipExportedMiddleware(BaseSpiderMiddleware):
    """Drops article requests whose article is in the store (see :func:`wanted`);
    list requests (every other request of a spider) are never filtered as duplicates.

    The spiders ask :func:`wanted` themselves before yielding the requests of a
    list (``NewsSpider.entry_requests``), which spares the known articles of a
    scheduled run the whole middleware chain; this catches every other article
    request."""

    def get_processed_request(self, request: Request, response: Response | None) -> Request | None:
        article = request.meta.get(ARTICLE_META)
        if not article:
            # A list request: fetched every run, also with a JOBDIR whose fingerprints
            # hold it from an earlier run (articles are deduplicated by the store).
            return request if request.dont_filter else request.replace(dont_filter=True)
        if article.get(CHECKED):
            return request
        return request if wanted(self.crawler, article) else None


def wanted(crawler: Crawler, article: dict[str, Any]) -> bool:
    """Whether to request an article (``request.meta[ARTICLE_META]``): not when the
    store has it, unless NEWSBOT_UPDATE is on and the list says it changed after it
    was exported, or it was gone or unusable longer than NEWSBOT_RETRY_REJECTED_AFTER
    ago. Counts why not; marks the article as checked."""
    article[CHECKED] = True
    record = ExportState.of(crawler).store.get(article["source"], article["url"])
    if record is None:
        return True
    settings, stats = crawler.settings, crawler.stats
    if record.status == REJECTED:
        if time.time() - record.checked_at >= settings.getfloat("NEWSBOT_RETRY_REJECTED_AFTER"):
            return True
        stats.inc_value("newsbot/skipped/rejected_before")
        return False
    if settings.getbool("NEWSBOT_UPDATE") and article.get("update_time", "") > record.update_time:
        stats.inc_value("newsbot/list/updated")
        return True
    stats.inc_value("newsbot/skipped/already_exported")
    return False
