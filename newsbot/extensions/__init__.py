"""Crawl-wide extensions: per-crawl state, reports, log hygiene."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class Required:
    """Mixin for extensions other components rely on: ``Cls.of(crawler)``."""

    @classmethod
    def of(cls, crawler: Crawler) -> Self:
        extension = crawler.get_extension(cls)
        if extension is None:
            raise RuntimeError(f"EXTENSIONS must enable {cls.__module__}.{cls.__qualname__}")
        return extension
