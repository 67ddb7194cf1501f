"""The one place that reads Scrapy's private engine state.

:class:`~newsbot.distributed.scheduler.SourceScheduler` needs two things Scrapy has
no public interface for: the set of requests the engine is still working on (a
request popped from Redis is acknowledged once it left that set) and a way to have
the engine ask for the next request now. Both live on ``ExecutionEngine._slot``
(``inprogress``, ``nextcall``, ``closing``), the same from Scrapy 2.13 to 2.19, the
versions pyproject.toml allows. :func:`check` refuses anything else with one clear
message, so that a Scrapy upgrade fails at the first distributed crawl, not silently.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import scrapy

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request

# Scrapy versions (major, minor) whose engine this module knows, both included.
KNOWN = ((2, 13), (2, 19))


def scrapy_version() -> tuple[int, int]:
    major, minor = scrapy.__version__.split(".")[:2]
    return int(major), int(minor)


def _slot(crawler: Crawler | None) -> Any:
    engine = crawler.engine if crawler else None
    return getattr(engine, "_slot", None)


def check(crawler: Crawler | None) -> None:
    """Raise RuntimeError unless the engine has what the scheduler reads."""
    version = scrapy_version()
    if not KNOWN[0] <= version <= KNOWN[1] or not hasattr(_slot(crawler), "inprogress"):
        raise RuntimeError(
            "newsbot.distributed.SourceScheduler needs the engine's set of requests in "
            "progress (ExecutionEngine._slot.inprogress, Scrapy 2.13 to 2.19); this is "
            f"Scrapy {scrapy.__version__}"
        )


def in_progress(crawler: Crawler | None) -> set[Request]:
    """The requests the engine is working on (downloading, or in their callbacks)."""
    slot = _slot(crawler)
    return slot.inprogress if slot is not None else set()


def wake(crawler: Crawler | None) -> None:
    """Have the engine ask the scheduler for the next request now (as its own 5 s
    heartbeat does), unless the spider is closing."""
    slot = _slot(crawler)
    if slot is not None and slot.closing is None:
        slot.nextcall.schedule()
