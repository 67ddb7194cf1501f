"""Spider middleware: article requests for already exported articles are not made,
nor, for a while, those of articles that were gone or unusable last time."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.spidermiddlewares.base import BaseSpiderMiddleware

from newsbot.articlemeta import ARTICLE_META, CHECKED, wanted

if TYPE_CHECKING:
    from scrapy.http import Request, Response


class SkipExportedMiddleware(BaseSpiderMiddleware):
    """Drops article requests whose article is in the store (see :func:`wanted`).

    The spiders ask :func:`wanted` themselves before yielding the requests of a
    list (``NewsSpider.entry_requests``), which spares the known articles of a
    scheduled run the whole middleware chain; this catches every other article
    request."""

    def get_processed_request(self, request: Request, response: Response | None) -> Request | None:
        article = request.meta.get(ARTICLE_META)
        if not article or article.get(CHECKED):
            return request
        return request if wanted(self.crawler, article) else None
