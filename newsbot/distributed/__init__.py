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
from typing import Any

# The names this module held before it became a package (newsbot 0.1), by the module
# that holds each now: ``newsbot.distributed.SourceScheduler`` in settings keeps working.
MOVED = {
    "RedisUnavailable": "connection",
    "redacted": "connection",
    "prefix_of": "connection",
    "connect": "connection",
    "check_redis": "connection",
    "source_of": "connection",
    "worker_id": "connection",
    "SourceKeys": "queue",
    "SourceDupeFilter": "queue",
    "ReliableQueue": "queue",
    "SourceScheduler": "scheduler",
    "RedisItemPipeline": "pipeline",
    "ItemQueue": "writer",
}


def __getattr__(name: str) -> Any:
    """Old names, imported on first use (the submodules import redis and scrapy-redis:
    not at every scrapy start, where the add-on only reads settings)."""
    module = MOVED.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
