"""One INFO line per source at the end of a crawl: what was found, written, lost."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy import signals

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


def summarize_stats(stats: dict[str, Any]) -> dict[str, Any]:
    """The report's numbers, from a crawl's stats."""

    def group(prefix: str) -> dict[str, int]:
        return {k[len(prefix) :]: v for k, v in sorted(stats.items()) if k.startswith(prefix)}

    errors = group("newsbot/errors/")
    exceptions = group("spider_exceptions/")
    exceptions.pop("count", None)  # a total of the others
    errors.update({f"spider_exception/{k}": v for k, v in exceptions.items()})
    return {
        "discovered": stats.get("newsbot/discovered", 0),
        "exported": stats.get("newsbot/exported/written", 0)
        + stats.get("newsbot/exported/overwritten", 0),
        "skipped_existing": stats.get("newsbot/exported/skipped_existing", 0),
        "skipped": group("newsbot/skipped/"),
        "dropped": group("newsbot/dropped/"),
        "errors": sum(errors.values()),
        "error_kinds": errors,
    }


class CrawlReport:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlReport:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_closed(self, spider: Spider, reason: str) -> None:
        report = summarize_stats(self.crawler.stats.get_stats())
        source = getattr(spider, "source", "") or spider.name
        logger.info(
            "Report %s: discovered=%d exported=%d skipped_existing=%d skipped=%s "
            "dropped=%s errors=%d %s (finish reason: %s)",
            source,
            report["discovered"],
            report["exported"],
            report["skipped_existing"],
            report["skipped"],
            report["dropped"],
            report["errors"],
            report["error_kinds"],
            reason,
        )
