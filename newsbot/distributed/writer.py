"""The writer of a distributed crawl (NEWSBOT_REDIS_URL), run by ``scrapy drain``.

Workers (``scrapy crawl``/``crawlall`` with NEWSBOT_REDIS_URL) push validated,
normalised and converted items to the Redis list ``P:items``; drain takes them
one by one and writes them with the ExportPipeline into NEWSBOT_EXPORT_DIR, like
a crawl would (export-folder lock, store, NEWSBOT_GIT_COMMIT, exit statuses).

Reliable: an item is moved to ``P:items:processing`` when taken and removed from
there only after its file was written (or found written: ``skipped_existing``);
one that could not be written (disk full ...) stays there, and a drain that was
killed leaves its items there: the next drain moves them back to the queue
first. A second copy of an item is a ``skipped_existing``, never a second file
(the store, and the file write that never replaces a file).
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import socket
import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from redis.exceptions import RedisError
from scrapy import Spider, signals
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task

from newsbot.distributed.addon import WRITER
from newsbot.distributed.connection import connect, prefix_of, redacted
from newsbot.extensions.state import ExportState
from newsbot.items import Article
from newsbot.pipelines import ArticleDropped

if TYPE_CHECKING:
    from redis import Redis
    from scrapy.crawler import Crawler

# Extend the writer's lock if it is still ours. KEYS: lock. ARGV: owner, ttl (ms).
REFRESH = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""

# Drop the writer's lock if it is still ours. KEYS: lock. ARGV: owner.
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class ItemQueue:
    """The writer's side of ``P:items``: an item is moved (LMOVE) to
    ``P:items:processing`` when taken and removed from there (LREM) once its file
    is written or it was dropped, so a writer killed in between loses nothing:
    the next one moves what is left there back to the queue. One writer at a time
    (``P:writer``, a lock that expires unless refreshed)."""

    def __init__(self, server: Redis, prefix: str) -> None:
        self.server = server
        self.items = f"{prefix}:items"
        self.processing = f"{prefix}:items:processing"
        self.bad = f"{prefix}:items:bad"
        self.lock = f"{prefix}:writer"
        self._refresh = server.register_script(REFRESH)
        self._release = server.register_script(RELEASE)

    def acquire(self, owner: str, ttl: float) -> bool:
        return bool(self.server.set(self.lock, owner, nx=True, px=int(ttl * 1000)))

    def refresh(self, owner: str, ttl: float) -> bool:
        return bool(self._refresh(keys=[self.lock], args=[owner, int(ttl * 1000)]))

    def release(self, owner: str) -> None:
        self._release(keys=[self.lock], args=[owner])

    def holder(self) -> str:
        value = self.server.get(self.lock)
        return value.decode() if isinstance(value, bytes) else str(value or "")

    def recover(self) -> int:
        """Move the items a stopped writer held back to the front of the queue, in order."""
        count = 0
        while self.server.lmove(self.processing, self.items, "RIGHT", "LEFT") is not None:
            count += 1
        return count

    def take(self) -> bytes | None:
        return self.server.lmove(self.items, self.processing, "LEFT", "RIGHT")

    def ack(self, raw: bytes) -> None:
        self.server.lrem(self.processing, 1, raw)

    def reject(self, raw: bytes) -> None:
        """Set an unreadable entry aside in ``P:items:bad``."""
        pipe = self.server.pipeline()
        pipe.rpush(self.bad, raw).lrem(self.processing, 1, raw)
        pipe.execute()

    def __len__(self) -> int:
        return int(self.server.llen(self.items))


# Drops after which the item stays in Redis: the fault is ours, not the article's.
KEEP_ON_DROP = frozenset({"write_failed"})


class DrainSpider(Spider):
    """Yields the items of ``P:items`` and acknowledges each once the pipeline is
    done with it (item_scraped / item_dropped signals)."""

    name = "drain"
    custom_settings = {
        "NEWSBOT_REDIS_ROLE": WRITER,
        # The workers ran Validate, Normalise and Convert: only the file is left to write.
        "ITEM_PIPELINES": {"newsbot.pipelines.ExportPipeline": 900},
    }
    max_in_flight = 100

    def __init__(self, wait: float | str = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.wait = float(wait)
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.in_flight: dict[int, bytes] = {}
        self.queue: ItemQueue | None = None
        self.holds_lock = False
        self._beat: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> DrainSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.item_done, signal=signals.item_scraped)
        crawler.signals.connect(spider.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(spider.item_error, signal=signals.item_error)
        crawler.signals.connect(spider.closed_, signal=signals.spider_closed)
        return spider

    @property
    def ttl(self) -> float:
        return self.settings.getfloat("NEWSBOT_REDIS_HEARTBEAT")

    async def start(self) -> AsyncIterator[Article]:
        stats = self.crawler.stats
        try:
            # Open (and maybe rebuild) the store before taking the lock: a long rebuild
            # must not let the lock expire.
            ExportState.of(self.crawler).store  # noqa: B018
            self.queue = queue = ItemQueue(connect(self.settings), prefix_of(self.settings))
            if not queue.acquire(self.owner, self.ttl):
                stats.set_value("newsbot/redis/writer_locked", 1)
                message = (
                    f"another scrapy drain ({queue.holder()}) writes the items of "
                    f"{queue.items}; one writer at a time"
                )
                self.logger.error("%s", message)
                print(f"newsbot: {message}", flush=True)
                return
            self.holds_lock = True
            self._beat = task.LoopingCall(self.refresh_lock)
            self._beat.start(max(self.ttl / 3, 0.1), now=False)
            recovered = queue.recover()
            if recovered:
                stats.inc_value("newsbot/redis/recovered", recovered)
                self.logger.info("Took back %d items a stopped writer held", recovered)
            self.logger.info("Draining %s (%d items queued)", queue.items, len(queue))
            idle_since = time.monotonic()
            while True:
                while len(self.in_flight) >= self.max_in_flight:
                    await asyncio.sleep(0.01)
                raw = queue.take()
                if raw is None:
                    idle = time.monotonic() - idle_since
                    if idle >= self.wait:
                        break
                    await asyncio.sleep(min(0.5, self.wait - idle))
                    continue
                idle_since = time.monotonic()
                article = self.read(raw)
                if article is None:
                    continue
                stats.inc_value("newsbot/drained")
                self.in_flight[id(article)] = raw
                yield article
        except RedisError as exc:
            self.redis_failed(exc)

    def read(self, raw: bytes) -> Article | None:
        try:
            data = json.loads(raw)
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
            return Article.from_dict(data)
        except (ValueError, TypeError) as exc:
            assert self.queue is not None
            self.queue.reject(raw)
            self.crawler.stats.inc_value("newsbot/errors/bad_item")
            self.logger.error("Unreadable item set aside in %s: %s", self.queue.bad, exc)
            return None

    # -- acknowledgements ----------------------------------------------------------

    def item_done(self, item: Any) -> None:
        self.settle(item, ack=True)

    def item_dropped(self, item: Any, exception: BaseException) -> None:
        keep = isinstance(exception, ArticleDropped) and exception.reason in KEEP_ON_DROP
        if keep:
            self.crawler.stats.inc_value("newsbot/redis/kept")
        self.settle(item, ack=not keep)

    def item_error(self, item: Any) -> None:
        # Logged and counted (newsbot/errors/item) by CrawlReport; the item stays
        # for the next drain.
        self.settle(item, ack=False)

    def settle(self, item: Any, ack: bool) -> None:
        raw = self.in_flight.pop(id(item), None)
        if raw is None or not ack or self.queue is None:
            return
        try:
            self.queue.ack(raw)
        except RedisError as exc:
            self.redis_failed(exc)

    # -- the lock ------------------------------------------------------------------

    def refresh_lock(self) -> None:
        assert self.queue is not None
        try:
            if not self.queue.refresh(self.owner, self.ttl):
                self.logger.error("Lost the writer's lock %s: stopping", self.queue.lock)
                self.crawler.stats.inc_value("newsbot/errors/redis")
                self.holds_lock = False
                self._stop()
        except RedisError as exc:
            self.redis_failed(exc)

    def redis_failed(self, exc: Exception) -> None:
        stats = self.crawler.stats
        if not stats.get_value("newsbot/errors/redis"):
            self.logger.error(
                "Redis at NEWSBOT_REDIS_URL=%s failed: %s. Items not acknowledged stay in "
                "Redis for the next drain.", redacted(self.settings.get("NEWSBOT_REDIS_URL")), exc,
            )  # fmt: skip
        stats.inc_value("newsbot/errors/redis")
        self._stop()

    def _stop(self) -> None:
        if self._beat is not None and self._beat.running:
            self._beat.stop()
        if self.crawler.engine and self.crawler.engine.spider:
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="redis_unavailable"))

    def closed_(self) -> None:
        if self._beat is not None and self._beat.running:
            self._beat.stop()
        if self.holds_lock and self.queue is not None:
            try:
                self.queue.release(self.owner)
            except RedisError:
                pass  # it expires
            self.holds_lock = False
