"""Keep the log readable when a site is unreachable.

Scrapy logs a failed robots.txt download as an ERROR with a full traceback. For
a news crawl that is not an error of its own (the article requests that follow
fail and are reported once each), so it becomes one WARNING line.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy import signals

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

QUIET_LOGGERS = ("scrapy.downloadermiddlewares.robotstxt",)


class TracebackToWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.levelno >= logging.ERROR:
            record.exc_info = None
            record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


class QuietNetworkErrors:
    def __init__(self) -> None:
        self.filter = TracebackToWarning()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> QuietNetworkErrors:
        extension = cls()
        for name in QUIET_LOGGERS:
            logging.getLogger(name).addFilter(extension.filter)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def engine_stopped(self) -> None:
        for name in QUIET_LOGGERS:
            logging.getLogger(name).removeFilter(self.filter)


# --- crawlall: one start and one report line per source ---------------------------

# Scrapy's per-crawler dumps: (logger, start of the message); logged once per process.
ONCE = (
    ("scrapy.crawler", "Overridden settings"),
    ("scrapy.middleware", "Enabled "),
    ("scrapy.addons", "Enabled addons"),
    ("scrapy.utils.log", ""),
)
# Per-crawler lines the report and start lines of newsbot.extensions.report replace.
TO_DEBUG = (
    ("scrapy.statscollectors", "Dumping Scrapy stats"),
    ("scrapy.core.engine", "Spider opened"),
    ("scrapy.core.engine", "Closing spider"),
    ("scrapy.core.engine", "Spider closed"),
    ("scrapy.extensions.telnet", ""),
)


def _demote(record: logging.LogRecord) -> None:
    record.levelno, record.levelname = logging.DEBUG, "DEBUG"


class FleetLogFilter(logging.Filter):
    """Demotes Scrapy's per-crawler dumps to DEBUG (after the first of each kind) and
    names the source in progress lines (``qq: Crawled 3 pages ...``)."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        for name, start in TO_DEBUG:
            if record.name == name and message.startswith(start):
                _demote(record)
        for name, start in ONCE:
            if record.name == name and message.startswith(start):
                key = f"{name}:{message}:{record.args if name == 'scrapy.middleware' else ''}"
                if key in self.seen:
                    _demote(record)
                self.seen.add(key)
        spider = getattr(record, "spider", None)
        if record.name == "scrapy.extensions.logstats" and spider is not None:
            name = getattr(spider, "name", str(spider))
            if f"logstats:{name}" not in self.seen:
                _demote(record)  # the first, at the start: "Crawled 0 pages"
            self.seen.add(f"logstats:{name}")
            record.msg = f"{name}: {message}"
        return True


FLEET_LOGGERS = sorted({name for name, _ in ONCE + TO_DEBUG} | {"scrapy.extensions.logstats"})


def quiet_fleet_log() -> FleetLogFilter:
    """Install the FleetLogFilter on Scrapy's loggers (crawlall, for the process)."""
    fleet = FleetLogFilter()
    for name in FLEET_LOGGERS:
        logging.getLogger(name).addFilter(fleet)
    return fleet
