"""What every step of the item pipeline shares: the drop (counted, remembered in
the store) and the step base."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem

from newsbot.extensions.state import ExportState
from newsbot.items import Article
from newsbot.store import REJECTED, Record

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings
    from scrapy.statscollectors import StatsCollector


# Drops that say nothing about the article: it is tried again next run.
TRANSIENT_DROPS = frozenset({"write_failed", "path_taken"})


class ArticleDropped(DropItem):
    """An article left out for a named reason (the stats key's last part)."""

    def __init__(self, reason: str, item: Article, detail: str = "") -> None:
        self.reason = reason
        super().__init__(f"{reason}{': ' + detail if detail else ''} <{item.url or item.id}>")


class _Step:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.settings: BaseSettings = crawler.settings
        self.stats: StatsCollector = crawler.stats
        self.logger = logging.getLogger(type(self).__module__ + "." + type(self).__name__)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        return cls(crawler)

    def drop(self, item: Article, reason: str, detail: str = "") -> ArticleDropped:
        """Count the drop; remember the article as rejected unless the fault was ours."""
        self.stats.inc_value(f"newsbot/dropped/{reason}")
        if reason not in TRANSIENT_DROPS and item.source and item.url:
            record = Record(item.source, item.url, status=REJECTED, reason=reason)
            ExportState.of(self.crawler).store.add(record)
        return ArticleDropped(reason, item, detail)


def as_article(item: Any) -> Article:
    return item if isinstance(item, Article) else Article.from_dict(dict(item))
