"""Test-only extension: write the crawl's stats as JSON to NEWSBOT_TEST_STATS_FILE."""

from __future__ import annotations

import json

from scrapy import signals


class StatsDump:
    def __init__(self, crawler, path: str) -> None:
        self.crawler = crawler
        self.path = path

    @classmethod
    def from_crawler(cls, crawler):
        extension = cls(crawler, crawler.settings.get("NEWSBOT_TEST_STATS_FILE"))
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_closed(self, spider, reason):
        stats = {
            k: v
            for k, v in self.crawler.stats.get_stats().items()
            if isinstance(v, int | float | str)
        }
        stats["finish_reason"] = reason
        with open(self.path, "w", encoding="utf-8") as handle:
            json.dump(stats, handle, indent=1, sort_keys=True)
