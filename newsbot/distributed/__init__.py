"""Distributed crawling on Redis: scrapy-redis's scheduler, dupefilter and item
pipeline, made reliable and keyed per source. Switched on by NEWSBOT_REDIS_URL
through :class:`newsbot.distributed.addon.RedisAddon`; see the README, "Distributed crawling
on Redis".

Keys (``P`` is NEWSBOT_REDIS_PREFIX, ``newsbot`` by default; one prefix, or one
Redis database, per site)::

    P:<source>:requests         zset   the shared request queue (scrapy-redis PriorityQueue)
    P:<source>:dupefilter       set    request fingerprints of the current run
    P:<source>:processing       hash   "<worker>#<n>" -> "<score>|<request>": popped, not finished
    P:<source>:worker:<worker>  string a worker's heartbeat (expires after NEWSBOT_REDIS_HEARTBEAT)
    P:<source>:run, :lastrun           articles discovered by all workers of the run
    P:items, P:items:processing list   items for the writer (scrapy drain), and the ones it holds
    P:items:bad                 list   entries the writer could not read
    P:writer                    string the writer's lock (one drain at a time)
    P:store ...                        the store of exported articles (newsbot.distributed.store)

Why not plain scrapy-redis: its queue pops a request with no acknowledgement (a
worker killed mid-crawl loses what it held), its dupefilter is keyed per spider
name (the ``feed`` spider runs many sources) and outlives the run with
``SCHEDULER_PERSIST`` (the next run would never request the list pages again),
and "seen" and "queued" are two commands (a worker killed in between loses the
request). Here enqueueing is one atomic script, a pop moves the request into the
processing hash, a request is acknowledged when the engine is done with it, and
the entries of workers whose heartbeat expired go back to the queue.
"""

from __future__ import annotations

import importlib
import logging
import os
import re
import secrets
import socket
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from redis.exceptions import RedisError
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from scrapy.utils.misc import load_object
from scrapy_redis import defaults as redis_defaults
from scrapy_redis.connection import get_redis
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.pipelines import RedisPipeline
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task
from twisted.internet.threads import deferToThread

from newsbot.extensions.state import ExportState
from newsbot.store import QUEUED, Record

if TYPE_CHECKING:
    from redis import Redis
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Request
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

PREFIX_RE = re.compile(r"^[A-Za-z0-9_.:-]+$")
# How long the number of articles a finished run discovered is kept for late workers.
LAST_RUN_TTL = 24 * 3600
# Seconds between two looks at the shared queue of a worker with nothing to do (the
# engine itself looks every 5 s): work other workers queue is shared out sooner.
POLL_INTERVAL = 1.0


class RedisUnavailable(RuntimeError):
    """Redis (NEWSBOT_REDIS_URL) cannot be reached or used."""


def redacted(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[-1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


def prefix_of(settings: BaseSettings) -> str:
    prefix = settings.get("NEWSBOT_REDIS_PREFIX") or "newsbot"
    if not PREFIX_RE.match(prefix):
        raise RedisUnavailable(
            f"NEWSBOT_REDIS_PREFIX {prefix!r} may only hold letters, digits and _ . : -"
        )
    return prefix


def connect(settings: BaseSettings) -> Redis:
    """A client for NEWSBOT_REDIS_URL with scrapy-redis's connection defaults
    (and REDIS_PARAMS)."""
    url = settings.get("NEWSBOT_REDIS_URL")
    if not url:
        raise RedisUnavailable("NEWSBOT_REDIS_URL is not set")
    params = {**redis_defaults.REDIS_PARAMS, **settings.getdict("REDIS_PARAMS")}
    try:
        return get_redis(url=url, **params)
    except ValueError as exc:  # not a redis:// URL
        raise RedisUnavailable(
            f"NEWSBOT_REDIS_URL={redacted(url)!r} is not usable: {exc}"
        ) from None


def check_redis(settings: BaseSettings) -> None:
    """Raise RedisUnavailable, with one clear message, if NEWSBOT_REDIS_URL does not answer."""
    url = settings.get("NEWSBOT_REDIS_URL")
    prefix_of(settings)
    client = connect(settings)
    try:
        client.ping()
    except (RedisError, OSError) as exc:
        raise RedisUnavailable(
            f"Redis at NEWSBOT_REDIS_URL={redacted(url)} is unreachable: {str(exc).rstrip('.')}. "
            "Nothing was crawled or written; start Redis or fix NEWSBOT_REDIS_URL "
            "(unset it to crawl without Redis)."
        ) from None
    finally:
        client.close()


def source_of(spider: Spider) -> str:
    """The key part of a spider's run: its source (the feed spider runs many), else its name."""
    return getattr(spider, "source", "") or spider.name


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


# --- scripts: each runs atomically in Redis -----------------------------------

# Fingerprint and queue in one step: "seen" never without "queued".
# KEYS: dupefilter, queue. ARGV: fingerprint ('' for dont_filter), score, request.
ENQUEUE = """
if ARGV[1] ~= '' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""

# Pop the first request into the processing hash. KEYS: queue, processing. ARGV: field.
POP = """
local r = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #r == 0 then return false end
redis.call('ZREM', KEYS[1], r[1])
redis.call('HSET', KEYS[2], ARGV[1], r[2] .. '|' .. r[1])
return r[1]
"""

# Requeue the processing entries of workers whose heartbeat expired.
# KEYS: processing, queue. ARGV: heartbeat key prefix, this worker's id.
RECLAIM = """
local entries = redis.call('HGETALL', KEYS[1])
local n = 0
for i = 1, #entries, 2 do
  local field = entries[i]
  local worker = string.match(field, '^(.*)#[^#]*$')
  if worker and worker ~= ARGV[2] and redis.call('EXISTS', ARGV[1] .. worker) == 0 then
    local value = entries[i + 1]
    local bar = string.find(value, '|', 1, true)
    redis.call('ZADD', KEYS[2], string.sub(value, 1, bar - 1), string.sub(value, bar + 1))
    redis.call('HDEL', KEYS[1], field)
    n = n + 1
  end
end
return n
"""

# End the run if nothing is queued or held anywhere: forget its fingerprints.
# KEYS: queue, processing, dupefilter, run, lastrun. ARGV: lastrun ttl.
# Returns -1 (still running) or the articles the run discovered.
FINISH = """
if redis.call('ZCARD', KEYS[1]) > 0 or redis.call('HLEN', KEYS[2]) > 0 then return -1 end
redis.call('DEL', KEYS[3])
local total = redis.call('HGET', KEYS[4], 'discovered')
if total then
  redis.call('SET', KEYS[5], total, 'EX', ARGV[1])
  redis.call('DEL', KEYS[4])
  return tonumber(total)
end
return tonumber(redis.call('GET', KEYS[5]) or '0')
"""


class SourceKeys:
    def __init__(self, prefix: str, source: str) -> None:
        base = f"{prefix}:{source}"
        self.queue = f"{base}:requests"
        self.dupefilter = f"{base}:dupefilter"
        self.processing = f"{base}:processing"
        self.heartbeat_prefix = f"{base}:worker:"
        self.run = f"{base}:run"
        self.lastrun = f"{base}:lastrun"


class SourceDupeFilter(RFPDupeFilter):
    """scrapy-redis's dupefilter keyed per source (``P:<source>:dupefilter``)."""

    @classmethod
    def from_spider(cls, spider: Spider) -> SourceDupeFilter:
        settings = spider.settings
        keys = SourceKeys(prefix_of(settings), source_of(spider))
        return cls(
            connect(settings), key=keys.dupefilter, debug=settings.getbool("DUPEFILTER_DEBUG")
        )

    def close(self, reason: str = "") -> None:
        """Fingerprints are shared by the workers: the scheduler forgets them when
        the run ends, never one worker on its way out."""


class ReliableQueue(PriorityQueue):
    """scrapy-redis's priority queue whose pop keeps the request in the processing
    hash until :meth:`ack`. Keyed per source (the scheduler passes the key)."""

    def __init__(self, server: Redis, spider: Spider, key: str, serializer: Any = None) -> None:
        super().__init__(server, spider, key, serializer)
        self.keys = SourceKeys(prefix_of(spider.settings), source_of(spider))
        self.worker = worker_id()
        self.popped = 0
        self._enqueue = server.register_script(ENQUEUE)
        self._pop = server.register_script(POP)
        self._reclaim = server.register_script(RECLAIM)
        self._finish = server.register_script(FINISH)

    def push_unseen(self, request: Request, fingerprint: str) -> bool:
        """Queue the request unless its fingerprint was seen this run (empty: no check)."""
        data = self._encode_request(request)
        keys = [self.keys.dupefilter, self.key]
        return bool(self._enqueue(keys=keys, args=[fingerprint, -request.priority, data]))

    def pop(self, timeout: int = 0) -> tuple[Request, str] | None:  # type: ignore[override]
        self.popped += 1
        field = f"{self.worker}#{self.popped}"
        data = self._pop(keys=[self.key, self.keys.processing], args=[field])
        if data is None:
            return None
        return self._decode_request(data), field

    def ack(self, fields: list[str], discovered: int = 0) -> None:
        pipe = self.server.pipeline()
        if fields:
            pipe.hdel(self.keys.processing, *fields)
        if discovered:
            pipe.hincrby(self.keys.run, "discovered", discovered)
        pipe.execute()

    def heartbeat(self, ttl: float) -> None:
        self.server.set(
            self.keys.heartbeat_prefix + self.worker, str(os.getpid()), px=int(ttl * 1000)
        )

    def stop_heartbeat(self) -> None:
        self.server.delete(self.keys.heartbeat_prefix + self.worker)

    def reclaim(self) -> int:
        """Requeue what workers whose heartbeat expired held; how many requests."""
        keys = [self.keys.processing, self.key]
        return int(self._reclaim(keys=keys, args=[self.keys.heartbeat_prefix, self.worker]))

    def busy(self) -> bool:
        """Requests queued, or held by a worker (live or not yet reclaimed)."""
        pipe = self.server.pipeline(transaction=False)
        pipe.zcard(self.key).hlen(self.keys.processing)
        queued, held = pipe.execute()
        return bool(queued or held)

    def finish(self) -> int:
        """-1 while the run goes on; else end it and return what it discovered."""
        k = self.keys
        keys = [self.key, k.processing, k.dupefilter, k.run, k.lastrun]
        return int(self._finish(keys=keys, args=[LAST_RUN_TTL]))


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
    of requests in progress is exactly that moment (``ExecutionEngine._slot
    .inprogress``, not public: checked when the spider opens); requests that left it are
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
            "heartbeat": settings.getfloat("NEWSBOT_REDIS_HEARTBEAT", 30.0),
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
        engine = self.crawler.engine if self.crawler else None
        if not hasattr(getattr(engine, "_slot", None), "inprogress"):
            raise RuntimeError(
                "newsbot.distributed.SourceScheduler needs the engine's set of requests in "
                "progress (ExecutionEngine._slot.inprogress, Scrapy 2.13 to 2.19)"
            )
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
        engine = self.crawler.engine if self.crawler else None
        slot = getattr(engine, "_slot", None)
        inprogress = slot.inprogress if slot is not None and not closing else set()
        done = [request for request in self.held if request not in inprogress]
        fields = [self.held.pop(request) for request in done]
        discovered = int(self.stats.get_value("newsbot/discovered", 0)) if self.stats else 0
        delta = discovered - self.flushed_discovered
        if fields or delta:
            self.queue.ack(fields, delta)
            self.flushed_discovered = discovered

    def _look_again(self) -> None:
        """Have the engine ask for the next request now (as its own 5 s heartbeat does)."""
        slot = getattr(self.crawler.engine, "_slot", None) if self.crawler else None
        if slot is not None and slot.closing is None and not self.broken:
            slot.nextcall.schedule()

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
