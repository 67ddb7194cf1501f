"""Checks of NEWSBOT_* setting values before a run starts (a bad value: one line,
exit status 2, nothing requested or recorded).

Minimal: the run's time limits and failure threshold. ``check_settings`` is the
one entry point the commands call (newsbot.runner.usage_problems).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

# name: (smallest value, largest value or None, what is allowed)
NUMBERS: dict[str, tuple[float, float | None, str]] = {
    "NEWSBOT_LIST_TIMEOUT": (0, None, "seconds >= 0 (0: DOWNLOAD_TIMEOUT)"),
    "NEWSBOT_ARTICLE_TIMEOUT": (0, None, "seconds >= 0 (0: DOWNLOAD_TIMEOUT)"),
    "NEWSBOT_ROBOTSTXT_TIMEOUT": (0, None, "seconds >= 0 (0: DOWNLOAD_TIMEOUT)"),
    "NEWSBOT_LIST_RETRIES": (-1, None, "a whole number >= -1 (-1: RETRY_TIMES)"),
    "NEWSBOT_ARTICLE_RETRIES": (-1, None, "a whole number >= -1 (-1: RETRY_TIMES)"),
    "NEWSBOT_ROBOTSTXT_RETRIES": (-1, None, "a whole number >= -1 (-1: RETRY_TIMES)"),
    "NEWSBOT_MAX_TIME": (0, None, "seconds >= 0 (0: no deadline)"),
    "NEWSBOT_MAX_ERROR_RATE": (0, 1, "a share from 0 to 1"),
}
WHOLE = {name for name, (_, _, allowed) in NUMBERS.items() if "whole" in allowed}


def check_settings(settings: BaseSettings) -> list[str]:
    """One line per unusable setting value: its name, the value and what is allowed."""
    problems = []
    for name, (least, most, allowed) in NUMBERS.items():
        value = settings.get(name)
        try:
            number = float(value)
            if name in WHOLE and number != int(number):
                raise ValueError
        except (TypeError, ValueError):
            problems.append(f"{name}={value!r}: must be {allowed}")
            continue
        if number < least or (most is not None and number > most):
            problems.append(f"{name}={value!r}: must be {allowed}")
    return problems
