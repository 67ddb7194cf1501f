"""Per-crawl state shared by components: the exported-articles store and what
this run wrote."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from scrapy import signals

from newsbot.extensions import Required
from newsbot.store import ExportedStore, open_store

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class ExportState(Required):
    """Opens the store on first use (whichever component asks first) and closes
    it when the spider closes. ``written`` lists (source, path) of files this run
    created or changed, for the site-repo commit: only with NEWSBOT_GIT_COMMIT
    (a long crawl keeps nothing per article in memory otherwise)."""

    def __init__(self, crawler: Crawler) -> None:
        self.settings = crawler.settings
        self._store: ExportedStore | None = None
        self.written: list[tuple[str, Path]] = []
        self._track_written = crawler.settings.getbool("NEWSBOT_GIT_COMMIT")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExportState:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    @property
    def store(self) -> ExportedStore:
        if self._store is None:
            self._store = open_store(self.settings)
        return self._store

    def wrote(self, source: str, path: Path) -> None:
        """Record a file this run created or changed (for the commit)."""
        if self._track_written:
            self.written.append((source, path))

    def spider_closed(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
