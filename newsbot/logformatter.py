"""Log lines for dropped and failed items without the whole item (bodies are long)."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.logformatter import LogFormatter

ITEM_ERROR_MSG = "Item error: %(url)s (%(reason)s)"


def item_url(item: Any) -> str:
    """What names an item in a log line: its URL, else its id, never its body."""
    try:
        if isinstance(item, dict):
            name = item.get("url") or item.get("id")
        else:
            name = getattr(item, "url", "") or getattr(item, "id", "")
        return str(name or type(item).__name__)[:500]
    except Exception:  # an item so odd it has no readable url
        return type(item).__name__


class _NoItemTraceback(logging.Filter):
    """Scrapy logs an item error with its traceback (exc_info), whose frames hold
    the item: the one line says what failed; the traceback goes to DEBUG
    (newsbot.extensions.report)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg == ITEM_ERROR_MSG:
            record.exc_info = None
            record.exc_text = None
        return True


_FILTER = _NoItemTraceback()


class NewsbotLogFormatter(LogFormatter):
    def __init__(self) -> None:
        super().__init__()
        scraper_logger = logging.getLogger("scrapy.core.scraper")
        if _FILTER not in scraper_logger.filters:
            scraper_logger.addFilter(_FILTER)

    def dropped(self, item: Any, exception: BaseException, response: Any, spider: Any = None):
        return {
            "level": logging.WARNING,
            "msg": "Dropped: %(exception)s",
            "args": {"exception": exception},
        }

    def scraped(self, item: Any, response: Any, spider: Any = None):
        """DEBUG: the item's URL, not the item (whose body Scrapy's line holds)."""
        result = super().scraped(item, response, spider)
        return {**result, "msg": "Scraped from %(src)s: %(url)s",
                "args": {"src": result["args"]["src"], "url": item_url(item)}}  # fmt: skip

    def item_error(self, item: Any, exception: BaseException, response: Any, spider: Any = None):
        reason = f"{type(exception).__name__}: {exception}".splitlines()[0][:300]
        return {
            "level": logging.ERROR,
            "msg": ITEM_ERROR_MSG,
            "args": {"url": item_url(item), "reason": reason},
        }
