"""JOBDIR that loses nothing: a job is resumed only after a clean stop.

Scrapy keeps in JOBDIR the fingerprints of every request it saw (``requests.seen``)
and, when the crawl stops cleanly (SIGINT/SIGTERM), the queue of requests not yet
made. Two ways that loses articles:

- after SIGKILL (or a power cut) the queue's index was never written: the queued
  requests are gone, but their fingerprints (flushed before) still filter them when
  the lists find them again;
- a job that finished keeps its fingerprints: the next run with the same JOBDIR
  filters every request it made before, including articles that failed then.

So: a marker file says a crawl is running in the JOBDIR; found at start, the
previous crawl was killed, and its fingerprints and queue are dropped (the store of
exported articles says what is done; the lists are fetched again). A crawl that
finished drops its fingerprints: the next run is a new job. A crawl stopped with
SIGINT/SIGTERM keeps both, and resumes (list requests are never filtered:
``newsbot.middlewares``).
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.job import job_dir

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

MARKER = "newsbot-running"
SEEN = "requests.seen"
QUEUE = "requests.queue"


class JobDirGuard:
    def __init__(self, path: Path) -> None:
        self.path = path
        marker = path / MARKER
        holder = _pid_in(marker)
        if holder is not None and holder != os.getpid() and _alive(holder):
            return  # another crawl is using this JOBDIR (it will wait for the lock): hands off
        if holder is not None and holder != os.getpid():
            logger.warning(
                "JOBDIR %s: the crawl before was killed and its queue is lost; starting the "
                "job afresh (exported articles are not fetched again)", path,
            )  # fmt: skip
            self.forget()
        path.mkdir(parents=True, exist_ok=True)
        marker.write_text(str(os.getpid()))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JobDirGuard:
        path = job_dir(crawler.settings)
        if not path:
            raise NotConfigured
        extension = cls(Path(path))
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def forget(self) -> None:
        """Drop the job's fingerprints and queue (not spider.state)."""
        (self.path / SEEN).unlink(missing_ok=True)
        shutil.rmtree(self.path / QUEUE, ignore_errors=True)

    def spider_closed(self, reason: str) -> None:
        # The scheduler has written (and closed) its files by now.
        if _pid_in(self.path / MARKER) not in (None, os.getpid()):
            return  # not ours
        if reason == "finished":
            self.forget()
        (self.path / MARKER).unlink(missing_ok=True)


def _pid_in(marker: Path) -> int | None:
    """The pid a marker names; 0 for a marker without one (still a marker)."""
    try:
        text = marker.read_text().strip()
    except FileNotFoundError:
        return None
    except OSError:
        return 0
    return int(text) if text.isdigit() else 0


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # another user's process
    return True
