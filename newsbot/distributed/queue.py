"""The shared request queue of one source's run: Lua scripts that run atomically
in Redis, the run's keys, the reliable queue and the per-source dupefilter."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue

from newsbot.distributed.connection import connect, prefix_of, source_of, worker_id

if TYPE_CHECKING:
    from redis import Redis
    from scrapy import Spider
    from scrapy.http import Request

# How long the number of articles a finished run discovered is kept for late workers.
LAST_RUN_TTL = 24 * 3600

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
