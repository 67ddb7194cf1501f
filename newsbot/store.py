"""The store of articles already exported, so that a run requests only new ones.

One small interface (:class:`ExportedStore`); SQLite is the default
implementation, selected by ``NEWSBOT_STORE`` (a class path) so that another
backend (Redis) can replace it. Articles are keyed by source and canonical URL,
which the spiders know before requesting a page and every file's last line holds.
"""

from __future__ import annotations

import hashlib
import logging
import re
import sqlite3
import time
from dataclasses import astuple, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import frontmatter
from scrapy.utils.misc import load_object

if TYPE_CHECKING:
    from collections.abc import Iterator

    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

# The last line of every exported file: [source](url)
SOURCE_LINE_RE = re.compile(r"^\[(?P<source>[^\]\n]+)\]\((?P<url>[^)\s]+)\)$")


EXPORTED = "exported"
REJECTED = "rejected"  # gone (404/410) or dropped for a reason the page will keep
QUEUED = "queued"  # with Redis: fetched and queued for the writer, file not written yet


@dataclass(frozen=True)
class Record:
    source: str
    url: str
    path: str = ""
    update_time: str = ""
    status: str = EXPORTED
    reason: str = ""
    checked_at: float = field(default_factory=time.time)


_COLUMNS = ", ".join(f.name for f in fields(Record))


class ExportedStore(Protocol):
    def get(self, source: str, url: str) -> Record | None: ...

    def add(self, record: Record) -> None: ...

    def __len__(self) -> int: ...

    def close(self) -> None: ...


def state_key(export_dir: str | Path) -> str:
    """A short name for an export folder: one store (and lock) per site folder."""
    return hashlib.sha1(str(Path(export_dir).resolve()).encode()).hexdigest()[:12]


def open_store(settings: BaseSettings) -> ExportedStore:
    """The store configured by NEWSBOT_STORE for NEWSBOT_EXPORT_DIR."""
    cls = load_object(settings.get("NEWSBOT_STORE"))
    return cls.from_settings(settings)


class SQLiteStore:
    """``{NEWSBOT_STATE_DIR}/exported-<folder key>.sqlite3``, rebuilt from the export
    folder's files when it does not exist."""

    def __init__(self, path: Path, export_dir: Path) -> None:
        self.path = path
        fresh = not path.exists()
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS articles (source TEXT NOT NULL, url TEXT NOT NULL,"
            " path TEXT NOT NULL, update_time TEXT NOT NULL, status TEXT NOT NULL,"
            " reason TEXT NOT NULL, checked_at REAL NOT NULL, PRIMARY KEY (source, url))"
        )
        if fresh:
            count = self.add_many(scan_export_dir(export_dir))
            if count:
                logger.info("Rebuilt the store of exported articles from %s: %d", export_dir, count)

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> SQLiteStore:
        export_dir = Path(settings.get("NEWSBOT_EXPORT_DIR"))
        state_dir = Path(settings.get("NEWSBOT_STATE_DIR"))
        return cls(state_dir / f"exported-{state_key(export_dir)}.sqlite3", export_dir)

    def get(self, source: str, url: str) -> Record | None:
        row = self.db.execute(
            f"SELECT {_COLUMNS} FROM articles WHERE source=? AND url=?", (source, url)
        ).fetchone()
        return Record(*row) if row else None

    def add(self, record: Record) -> None:
        # One statement commits itself (isolation_level=None): no BEGIN/COMMIT round.
        self.db.execute(_INSERT, astuple(record))

    def add_many(self, records: Iterator[Record] | list[Record]) -> int:
        rows = [astuple(r) for r in records]
        self.db.execute("BEGIN")
        try:
            self.db.executemany(_INSERT, rows)
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")
        return len(rows)

    def __len__(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    def close(self) -> None:
        self.db.close()


_INSERT = f"INSERT OR REPLACE INTO articles ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)"


def read_record(path: Path) -> Record | None:
    """The article an exported file holds, from its source line and front matter."""
    try:
        text = path.read_text(encoding="utf-8")
        post = frontmatter.loads(text)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        logger.warning("Not an exported article, ignored: %s (%s)", path, exc)
        return None
    match = SOURCE_LINE_RE.match(text.rstrip("\n").rsplit("\n", 1)[-1])
    if not match:
        return None
    # The rebuilt update time is the publish date: an update newer than that is
    # fetched once more when NEWSBOT_UPDATE is on.
    return Record(match["source"], match["url"], str(path), str(post.get("date") or ""))


def scan_export_dir(export_dir: Path) -> Iterator[Record]:
    if not export_dir.is_dir():
        return
    for path in sorted(export_dir.rglob("*.md")):
        record = read_record(path)
        if record:
            yield record
