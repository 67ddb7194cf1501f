"""The store of articles already exported, so that a run requests only new ones.

One small interface (:class:`ExportedStore`); SQLite is the default
implementation, selected by ``NEWSBOT_STORE`` (a class path) so that another
backend (Redis) can replace it. Articles are keyed by source and canonical URL,
which the spiders know before requesting a page and every file's last line holds.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import re
import sqlite3
import stat
import string
import time
from dataclasses import astuple, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import yaml
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

    def __init__(self, path: Path, export_dir: Path, path_template: str = "") -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = self._open()
        except sqlite3.DatabaseError as exc:
            # Not a database, or a damaged one: every query would fail. The export
            # folder holds what it knew; the damaged file is kept for a look.
            aside = self._move_aside()
            logger.warning(
                "The store of exported articles %s is unreadable (%s): moved to %s and "
                "rebuilt from %s", path, exc, aside, export_dir,
            )  # fmt: skip
            self.db = self._open()
        if len(self) == 0:
            # New, emptied or just moved aside: the files say what was exported.
            count = self.add_many(scan_export_dir(export_dir, path_template))
            if count:
                logger.info("Rebuilt the store of exported articles from %s: %d", export_dir, count)

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS articles (source TEXT NOT NULL, url TEXT NOT NULL,"
                " path TEXT NOT NULL, update_time TEXT NOT NULL, status TEXT NOT NULL,"
                " reason TEXT NOT NULL, checked_at REAL NOT NULL, PRIMARY KEY (source, url))"
            )
            # Pages of the file that are damaged show here, not in the middle of a crawl.
            verdict = db.execute("PRAGMA quick_check").fetchone()
            if not verdict or verdict[0] != "ok":
                raise sqlite3.DatabaseError(f"quick_check: {verdict[0] if verdict else '?'}")
            db.execute(f"SELECT {_COLUMNS} FROM articles LIMIT 1").fetchall()
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def _move_aside(self) -> Path:
        aside = self.path.with_name(f"{self.path.name}.corrupt-{time.strftime('%Y%m%dT%H%M%S')}")
        for suffix in ("", "-wal", "-shm", "-journal"):
            part = Path(str(self.path) + suffix)
            if part.exists():
                os.replace(part, Path(str(aside) + suffix))
        return aside

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> SQLiteStore:
        export_dir = Path(settings.get("NEWSBOT_EXPORT_DIR"))
        state_dir = Path(settings.get("NEWSBOT_STATE_DIR"))
        return cls(
            state_dir / f"exported-{state_key(export_dir)}.sqlite3",
            export_dir,
            configured_template(settings),
        )

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


# An exported file is a few hundred KB; its front matter under 1 KB plus the summary.
MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_FRONT_MATTER_BYTES = 256 * 1024


class _FrontMatterLoader(yaml.SafeLoader):
    """Plain data only (SafeLoader: no ``!!python`` objects), and no aliases: the
    site's front matter has none, and a few nested ones expand to billions of nodes."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases are not allowed in front matter", event.start_mark
            )
        return super().compose_node(parent, index)


def read_regular_file(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes; an
    OSError otherwise. Never blocks on a FIFO or device, never follows a symlink
    out of a listing by accident."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        if info.st_size > limit:
            raise OSError(errno.EFBIG, f"larger than {limit} bytes", str(path))
        chunks = []
        size = 0
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise OSError(errno.EFBIG, f"larger than {limit} bytes", str(path))
        return b"".join(chunks)
    finally:
        os.close(fd)


def parse_front_matter(text: str) -> dict[str, Any]:
    """The YAML front matter of a Markdown file (``---`` ... ``---``) as a dict;
    ValueError when it is missing, too large, or not plain YAML data."""
    if not text.startswith("---"):
        raise ValueError("no front matter")
    end = text.find("\n---", 3, MAX_FRONT_MATTER_BYTES)
    if end < 0:
        raise ValueError("front matter not closed within the size limit")
    try:
        data = yaml.load(text[3:end], Loader=_FrontMatterLoader)
    except (yaml.YAMLError, RecursionError) as exc:
        raise ValueError(f"front matter is not plain YAML: {str(exc).splitlines()[0]}") from None
    if not isinstance(data, dict):
        raise ValueError("front matter is not a mapping")
    return data


def configured_template(settings: BaseSettings) -> str:
    """The exporter's path template (NEWSBOT_PATH_TEMPLATE, or bundle mode's), or ""."""
    from newsbot.exporter import path_template  # the exporter imports this module

    try:
        return path_template(settings)
    except ValueError:
        return ""  # a bad setting: the validation says so before any run


def template_regex(template: str) -> re.Pattern[str] | None:
    """A regex matching the paths ``template`` gives, with a group per field."""
    if not template:
        return None
    pattern, seen = "", set()
    try:
        for literal, name, _, _ in string.Formatter().parse(template):
            pattern += re.escape(literal)
            if name is None:
                continue
            pattern += f"(?P={name})" if name in seen else f"(?P<{name}>[^/]+)"
            seen.add(name)
        return re.compile(pattern + "$")
    except (ValueError, re.error):
        return None


def read_record(path: Path, source: str = "") -> Record | None:
    """The article an exported file holds, from its source line and front matter;
    ``source`` (from the file's path) is the store's key, which the source line
    gives only when the article's label is its source."""
    try:
        text = read_regular_file(path).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        logger.warning("Not an exported article, ignored: %s (%s)", path, exc)
        return None
    match = SOURCE_LINE_RE.match(text.rstrip("\n").rsplit("\n", 1)[-1])
    if not match:
        return None
    try:
        meta = parse_front_matter(text)
    except ValueError as exc:
        # Its source line says which article it is: recorded, without a date.
        logger.warning("Unreadable front matter in %s: %s", path, exc)
        meta = {}
    # The rebuilt update time is the publish date: an update newer than that is
    # fetched once more when NEWSBOT_UPDATE is on.
    return Record(source or match["source"], match["url"], str(path), str(meta.get("date") or ""))


def scan_export_dir(export_dir: Path, path_template: str = "") -> Iterator[Record]:
    """The articles of the files below ``export_dir``, keyed by the source the path
    template puts in their path (else the source line's text)."""
    if not export_dir.is_dir():
        return
    regex = template_regex(path_template)
    for path in sorted(export_dir.rglob("*.md")):
        if not path.is_file():  # FIFOs, devices, folders named *.md (read_record checks again)
            continue
        found = regex.match(path.relative_to(export_dir).as_posix()) if regex else None
        record = read_record(path, (found.groupdict().get("source") or "") if found else "")
        if record:
            yield record
