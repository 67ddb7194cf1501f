"""Spider middleware: article requests for already exported articles are not made,
nor, for a while, those of articles that were gone or unusable last time; list
requests are never filtered as duplicates and are taken when the downloader has room."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from scrapy import Request
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware

from newsbot.articlemeta import ARTICLE_META, CHECKED, wanted

if TYPE_CHECKING:
    from scrapy.http import Response

BACKOUT_POLL = 0.05  # seconds between looks at a busy downloader


class SkipExportedMiddleware(BaseSpiderMiddleware):
    """Drops article requests whose article is in the store (see :func:`wanted`);
    list requests (every other request of a spider) are never filtered as duplicates.

    The spiders ask :func:`wanted` themselves before yielding the requests of a
    list (``NewsSpider.entry_requests``), which spares the known articles of a
    scheduled run the whole middleware chain; this catches every other article
    request."""

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        """The spider's first requests (its list pages), taken one at a time when the
        downloader has room: Scrapy takes start requests as fast as they come while
        it is busy, so ``-a pages=N`` would queue every list page at once."""
        async for request_or_item in start:
            if isinstance(request_or_item, Request):
                await self.room_to_send()
            processed = self._get_processed(request_or_item, None)
            if processed is not None:
                yield processed

    async def room_to_send(self) -> None:
        engine = self.crawler.engine
        while engine is not None and engine.running and engine.needs_backout():
            await asyncio.sleep(BACKOUT_POLL)

    def get_processed_request(self, request: Request, response: Response | None) -> Request | None:
        article = request.meta.get(ARTICLE_META)
        if not article:
            # A list request: fetched every run, also with a JOBDIR whose fingerprints
            # hold it from an earlier run (articles are deduplicated by the store).
            return request if request.dont_filter else request.replace(dont_filter=True)
        if article.get(CHECKED):
            return request
        return request if wanted(self.crawler, article) else None
