"""SourceScheduler: scrapy-redis's scheduler on the reliable per-source queue."""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

from redis.exceptions import RedisError
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.misc import load_object
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from newsbot.distributed import engine
from newsbot.distributed.connection import RedisUnavailable, connect, prefix_of, redacted, source_of
from newsbot.distributed.queue import ReliableQueue, SourceDupeFilter, SourceKeys

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Request

logger = logging.getLogger(__name__)

# Seconds between two looks at the shared queue of a worker with nothing to do (the
# engine itself looks every 5 s): work other workers queue is shared out sooner.
POLL_INTERVAL = 1.0


class SourceScheduler(Scheduler):
    """scrapy-redis's scheduler with the :class:`ReliableQueue`, per source.

    A popped request is acknowledged when the engine is done with it: its
    callback or errback ran and what it produced was handled (requests queued in
    Redis, items through the pipelines, i.e. pushed to Redis). Scrapy has no
    signal for that moment: ``response_received`` comes before the callback (a
    worker killed then loses the requests and items it would have produced),
    ``request_dropped`` is about new requests the scheduler refused, and a
    callback does not see its items through the pipelines nor the requests a
    downloader middleware returns instead (redirects, retries). The engine's set
    of requests in progress is exactly that moment (not public: read through
    :mod:`newsbot.distributed.engine`, checked when the spider opens); requests that left it are
    acknowledged whenever the scheduler is asked for the next request, when the
    spider is idle and when it closes.

    A worker does not close while requests are queued or held by other workers
    (theirs may produce more work, or die and come back); it requeues the
    requests of dead workers (expired heartbeat) at start and while idle. When the
    run ends (nothing queued, nothing held) its fingerprints are deleted, so the
    next run requests the list pages again.
    """

    queue: ReliableQueue

    def __init__(self, *args: Any, heartbeat: float = 30.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.heartbeat_ttl = heartbeat
        self.crawler: Crawler | None = None
        self.held: dict[Request, str] = {}
        self.flushed_discovered = 0
        self.broken = False
        self._beat: task.LoopingCall | None = None
        self._poll: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SourceScheduler:
        settings = crawler.settings
        kwargs = {
            "persist": True,
            "queue_cls": settings.get("SCHEDULER_QUEUE_CLASS") or ReliableQueue,
            "dupefilter_cls": settings.get("DUPEFILTER_CLASS") or SourceDupeFilter,
            "serializer": settings.get("SCHEDULER_SERIALIZER") or None,
            "heartbeat": settings.getfloat("NEWSBOT_REDIS_HEARTBEAT"),
        }
        if isinstance(kwargs["serializer"], str):
            kwargs["serializer"] = importlib.import_module(kwargs["serializer"])
        server = connect(settings)
        try:
            server.ping()
        except (RedisError, OSError) as exc:
            raise RedisUnavailable(
                f"Redis at NEWSBOT_REDIS_URL={redacted(settings.get('NEWSBOT_REDIS_URL'))} "
                f"is unreachable: {exc}"
            ) from None
        scheduler = cls(server=server, **kwargs)
        scheduler.crawler = crawler
        scheduler.stats = crawler.stats
        crawler.signals.connect(scheduler.spider_idle, signal=signals.spider_idle)
        return scheduler

    # -- the engine's side -------------------------------------------------------

    def open(self, spider: Spider) -> None:
        engine.check(self.crawler)
        self.spider = spider
        keys = SourceKeys(prefix_of(spider.settings), source_of(spider))
        self.queue = load_object(self.queue_cls)(
            server=self.server, spider=spider, key=keys.queue, serializer=self.serializer
        )
        if not self.df:
            self.df = load_object(self.dupefilter_cls).from_spider(spider)
        self.queue.heartbeat(self.heartbeat_ttl)
        self._beat = task.LoopingCall(self._heartbeat)
        self._beat.start(max(self.heartbeat_ttl / 3, 0.1), now=False)
        self._poll = task.LoopingCall(self._look_again)
        self._poll.start(POLL_INTERVAL, now=False)
        reclaimed = self.queue.reclaim()
        if reclaimed:
            self._count("newsbot/redis/reclaimed", reclaimed)
            spider.logger.info("Requeued %d requests of stopped workers", reclaimed)
        if len(self.queue):
            spider.logger.info("Joining a running crawl (%d requests queued)", len(self.queue))

    def close(self, reason: str) -> None:
        for call in (self._beat, self._poll):
            if call is not None and call.running:
                call.stop()
        if self.broken:
            return  # what this worker held comes back once its heartbeat expires
        try:
            self.acknowledge(closing=True)
            self.queue.stop_heartbeat()
            discovered = self.queue.finish()
        except RedisError as exc:
            self._redis_failed(exc)
            return
        if discovered >= 0:
            self._count("newsbot/redis/run_discovered", discovered)
            self.spider.logger.info(
                "Run of %s finished by all workers: %d articles discovered",
                source_of(self.spider), discovered,
            )  # fmt: skip

    def has_pending_requests(self) -> bool:
        if self.broken:
            return False
        try:
            return len(self.queue) > 0
        except RedisError as exc:
            self._redis_failed(exc)
            return False

    def enqueue_request(self, request: Request) -> bool:
        if self.broken:
            return False
        fingerprint = "" if request.dont_filter else self.df.request_fingerprint(request)
        try:
            queued = self.queue.push_unseen(request, fingerprint)
        except RedisError as exc:
            self._redis_failed(exc)
            return False
        if not queued:
            self.df.log(request, self.spider)
            self._count("dupefilter/filtered")
            return False
        self._count("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        if self.broken:
            return None
        try:
            self.acknowledge()
            popped = self.queue.pop()
        except RedisError as exc:
            self._redis_failed(exc)
            return None
        if popped is None:
            return None
        request, field = popped
        self.held[request] = field
        self._count("scheduler/dequeued/redis")
        return request

    def spider_idle(self, spider: Spider) -> None:
        if self.broken or getattr(spider, "argument_error", ""):
            return
        try:
            self.acknowledge()
            reclaimed = self.queue.reclaim()
            busy = self.queue.busy()
        except RedisError as exc:
            self._redis_failed(exc)
            return
        if reclaimed:
            self._count("newsbot/redis/reclaimed", reclaimed)
            spider.logger.info("Requeued %d requests of stopped workers", reclaimed)
        if reclaimed or busy:
            raise DontCloseSpider("other workers hold requests of this run")

    # -- bookkeeping -------------------------------------------------------------

    def acknowledge(self, closing: bool = False) -> None:
        """Acknowledge the requests the engine is done with, and pass on the
        articles discovered since the last time (for the run's total)."""
        inprogress = engine.in_progress(self.crawler) if not closing else set()
        done = [request for request in self.held if request not in inprogress]
        fields = [self.held.pop(request) for request in done]
        discovered = int(self.stats.get_value("newsbot/discovered", 0)) if self.stats else 0
        delta = discovered - self.flushed_discovered
        if fields or delta:
            self.queue.ack(fields, delta)
            self.flushed_discovered = discovered

    def _look_again(self) -> None:
        """Have the engine ask for the next request now (as its own 5 s heartbeat does)."""
        if not self.broken:
            engine.wake(self.crawler)

    def _heartbeat(self) -> None:
        if self.broken:
            return
        try:
            self.queue.heartbeat(self.heartbeat_ttl)
        except RedisError as exc:
            self._redis_failed(exc)

    def _count(self, key: str, n: int = 1) -> None:
        if self.stats:
            self.stats.inc_value(key, n)

    def _redis_failed(self, exc: Exception) -> None:
        """Stop using Redis and close: what this worker holds stays in the processing
        hash and comes back to another worker once the heartbeat expired."""
        if self.broken:
            return
        self.broken = True
        self._count("newsbot/errors/redis")
        url = redacted(self.crawler.settings.get("NEWSBOT_REDIS_URL")) if self.crawler else ""
        logger.error(
            "Redis at NEWSBOT_REDIS_URL=%s failed (%s): stopping this worker; the requests "
            "it held go back to the queue when its heartbeat expires", url, exc,
        )  # fmt: skip
        if self.crawler and self.crawler.engine and self.crawler.engine.spider:
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="redis_unavailable"))
