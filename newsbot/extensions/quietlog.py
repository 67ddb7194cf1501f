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
