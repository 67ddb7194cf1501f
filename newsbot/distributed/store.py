"""The store of exported articles in Redis, shared by the workers and the writer
of a distributed crawl (``NEWSBOT_STORE = "newsbot.distributed.store.RedisStore"``, set
by :class:`newsbot.distributed.addon.RedisAddon` when NEWSBOT_REDIS_URL is set).

Same interface and records as :class:`newsbot.store.SQLiteStore`. Keys::

    P:store                hash    "<source>\\n<url>" -> the record (JSON)
    P:store:queued:<hash>  string  an article a worker pushed for the writer (expires)
    P:store:rebuilt        string  set once the store was rebuilt from an export folder

One store per site, like the SQLite store is one per export folder; but the key is
the prefix (NEWSBOT_REDIS_PREFIX, and the Redis database), not the export folder's
path: the workers and the writer run on different machines, where the site's
folder has other paths or does not exist, and must all see the same store.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import astuple
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from newsbot.distributed.connection import connect, prefix_of
from newsbot.store import REJECTED, Record, scan_export_dir

if TYPE_CHECKING:
    from collections.abc import Iterable

    from redis import Redis
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)


class RedisStore:
    """Records in one Redis hash per site. When the store was never rebuilt and the
    export folder holds files (the writer's machine, with the site's files), the
    records are rebuilt from them, as for the SQLite store, without replacing
    records already there.

    Articles a worker queued for the writer are remembered apart, for
    ``queued_ttl`` seconds or until the writer records them: ``get`` returns them
    (status ``queued``) when nothing better is known, so that no worker fetches an
    article again while it waits in Redis.
    """

    queued_ttl = 24 * 3600

    def __init__(self, server: Redis, prefix: str, export_dir: Path | None = None) -> None:
        self.server = server
        self.key = f"{prefix}:store"
        self.queued_prefix = f"{prefix}:store:queued:"
        self.rebuilt_key = f"{prefix}:store:rebuilt"
        if export_dir is not None:
            self.rebuild(export_dir)

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> RedisStore:
        export_dir = settings.get("NEWSBOT_EXPORT_DIR")
        return cls(connect(settings), prefix_of(settings), Path(export_dir) if export_dir else None)

    def rebuild(self, export_dir: Path) -> int:
        if self.server.exists(self.rebuilt_key) or not _has_files(export_dir):
            return 0
        count = self.add_many(scan_export_dir(export_dir), replace=False)
        self.server.set(self.rebuilt_key, str(export_dir.resolve()))
        if count:
            logger.info("Rebuilt the store of exported articles from %s: %d", export_dir, count)
        return count

    def get(self, source: str, url: str) -> Record | None:
        field = _field(source, url)
        pipe = self.server.pipeline(transaction=False)
        pipe.hget(self.key, field).get(self.queued_prefix + _digest(field))
        stored, queued = pipe.execute()
        record = _decode(stored) if stored else None
        if queued and (record is None or record.status == REJECTED):
            return _decode(queued)
        return record

    def add(self, record: Record) -> None:
        self.add_many([record])

    def add_many(self, records: Iterable[Record], replace: bool = True) -> int:
        count = 0
        iterator = iter(records)
        while chunk := list(islice(iterator, 500)):
            pipe = self.server.pipeline()
            for record in chunk:
                field = _field(record.source, record.url)
                if replace:
                    pipe.hset(self.key, field, _encode(record))
                else:
                    pipe.hsetnx(self.key, field, _encode(record))
                pipe.delete(self.queued_prefix + _digest(field))
            pipe.execute()
            count += len(chunk)
        return count

    def mark_queued(self, record: Record) -> None:
        """Remember an article pushed to Redis for the writer (``record.status``: queued)."""
        field = _field(record.source, record.url)
        self.server.set(self.queued_prefix + _digest(field), _encode(record), ex=self.queued_ttl)

    def __len__(self) -> int:
        return int(self.server.hlen(self.key))

    def close(self) -> None:
        self.server.close()


def _has_files(export_dir: Path) -> bool:
    return export_dir.is_dir() and next(export_dir.rglob("*.md"), None) is not None


def _field(source: str, url: str) -> str:
    return f"{source}\n{url}"


def _digest(field: str) -> str:
    return hashlib.sha1(field.encode()).hexdigest()


def _encode(record: Record) -> str:
    return json.dumps(astuple(record), ensure_ascii=False)


def _decode(data: bytes | str) -> Record:
    return Record(*json.loads(data))
