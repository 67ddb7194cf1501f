"""Log lines for dropped items without the whole item (bodies are long)."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.logformatter import LogFormatter


class NewsbotLogFormatter(LogFormatter):
    def dropped(self, item: Any, exception: BaseException, response: Any, spider: Any = None):
        return {
            "level": logging.WARNING,
            "msg": "Dropped: %(exception)s",
            "args": {"exception": exception},
        }
