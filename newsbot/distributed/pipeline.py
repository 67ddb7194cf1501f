"""RedisItemPipeline: on workers, items go to Redis for the writer instead of files."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.utils.defer import maybe_deferred_to_future
from scrapy_redis.pipelines import RedisPipeline
from twisted.internet.threads import deferToThread

from newsbot.distributed.connection import connect, prefix_of
from newsbot.extensions.state import ExportState
from newsbot.store import QUEUED, Record

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler


class RedisItemPipeline(RedisPipeline):
    """scrapy-redis's item pipeline, in place of the ExportPipeline on workers: the
    item goes to ``P:items`` (JSON) for the writer, and the store notes it as
    queued so that no worker fetches it again before the writer wrote it.

    Only ``process_item`` is new: scrapy-redis's ``process_item(item, spider)``
    signature is deprecated in Scrapy 2.19 (a warning per run).
    """

    crawler: Crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisItemPipeline:
        settings = crawler.settings
        pipeline = cls(connect(settings), key=f"{prefix_of(settings)}:items")
        pipeline.crawler = crawler
        return pipeline

    async def process_item(self, item: Any) -> Any:  # type: ignore[override]
        store = ExportState.of(self.crawler).store
        await maybe_deferred_to_future(deferToThread(self._push, item, store))
        self.crawler.stats.inc_value("newsbot/queued")
        return item

    def _push(self, item: Any, store: Any) -> None:
        self._process_item(item, self.crawler.spider)
        mark = getattr(store, "mark_queued", None)
        if mark is not None and getattr(item, "source", "") and getattr(item, "url", ""):
            update_time = getattr(item, "update_time", "") or getattr(item, "date", "")
            mark(Record(item.source, item.url, "", update_time, status=QUEUED))

    def item_key(self, item: Any, spider: Spider) -> str:
        return self.key
