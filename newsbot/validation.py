"""Every NEWSBOT_* setting checked before a command starts a crawl.

A bad value (``-s NEWSBOT_LOCK_WAIT=abc``) is one line naming the setting and what
it allows, and exit status 2 before any request, file or lock: not a traceback
from deep inside a component, and not a run that silently ignores it.

One check per setting in :data:`CHECKS`; a NEWSBOT_* setting without its own check
gets one by the type of its default in ``newsbot.settings`` (bool, int, float,
list), so a new setting is covered as soon as it has a default; :func:`register`
gives one a check of its own. Other checks made before a run (the spider
arguments, issue #18) report through :func:`usage_failed` (or ``more=``) to get the
same one-line form and exit status.

Use, in a command's ``run`` before anything starts::

    if report_problems(self):                  # one line each, self.exitcode = 2
        return
    check_settings(settings)                   # ["NEWSBOT_X='abc': must be ...", ...]
    validate_settings(settings)                # raises SettingsError(problems)
    usage_failed(self, ["bad argument -a pages='x': must be ..."])   # other checks
"""

from __future__ import annotations

import difflib
import logging
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scrapy.utils.misc import load_object

from newsbot import settings as defaults

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

PREFIX = "NEWSBOT_"
EXIT_USAGE = 2

# A check gets the settings and the name; it returns None when the value is fine,
# else what is allowed ("must be ..."), without the name (added by check_settings).
Check = Callable[["BaseSettings", str], "str | None"]
CHECKS: dict[str, Check] = {}
# Settings every component reads but nobody sets on the command line by hand.
INTERNAL = frozenset({"NEWSBOT_REDIS_ROLE", "NEWSBOT_TEST_SITE", "NEWSBOT_TEST_STATS_FILE",
                      "NEWSBOT_TEST_HUGO"})  # fmt: skip


class SettingsError(ValueError):
    """Unusable settings; ``problems`` holds one line per bad setting."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def register(*names: str) -> Callable[[Check], Check]:
    """Decorator: ``check`` validates each of ``names``."""

    def add(check: Check) -> Check:
        for name in names:
            CHECKS[name] = check
        return check

    return add


# --- the generic checks, by type --------------------------------------------------


def _number(settings: BaseSettings, name: str, kind: type, minimum: float | None) -> str | None:
    what = "a whole number" if kind is int else "a number"
    try:
        value = settings.getint(name) if kind is int else settings.getfloat(name)
    except (TypeError, ValueError):
        return f"must be {what}" + (f" >= {minimum:g}" if minimum is not None else "")
    if value != value or value in (float("inf"), float("-inf")):  # nan, inf
        return f"must be a finite {what[2:]}"
    if minimum is not None and value < minimum:
        return f"must be {what} >= {minimum:g}"
    return None


def non_negative_int(settings: BaseSettings, name: str) -> str | None:
    return _number(settings, name, int, 0)


def positive_int(settings: BaseSettings, name: str) -> str | None:
    return _number(settings, name, int, 1)


def non_negative_float(settings: BaseSettings, name: str) -> str | None:
    return _number(settings, name, float, 0)


def positive_float(settings: BaseSettings, name: str) -> str | None:
    problem = _number(settings, name, float, 0)
    if problem is None and settings.getfloat(name) <= 0:
        return "must be a number > 0"
    return problem


def boolean(settings: BaseSettings, name: str) -> str | None:
    try:
        settings.getbool(name)
    except ValueError:
        return "must be True or False (or 1/0, true/false)"
    return None


def string_list(settings: BaseSettings, name: str) -> str | None:
    try:
        values = settings.getlist(name)
    except (TypeError, ValueError):
        return "must be a comma-separated list (or a JSON list)"
    if not all(isinstance(v, str) for v in values):
        return "must be a list of strings"
    return None


def text(settings: BaseSettings, name: str) -> str | None:
    value = settings.get(name)
    if value is not None and not isinstance(value, str):
        return "must be a string"
    return None


def non_empty(settings: BaseSettings, name: str) -> str | None:
    value = settings.get(name)
    if not isinstance(value, str) or not value.strip():
        return "must not be empty"
    return None


def http_url(settings: BaseSettings, name: str) -> str | None:
    value = settings.get(name)
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        return "must be an http:// or https:// URL"
    return None


def by_default_type(name: str) -> Check | None:
    """The check a setting gets from its default's type in newsbot.settings."""
    default = getattr(defaults, name, None)
    if isinstance(default, bool):
        return boolean
    if isinstance(default, int):
        return non_negative_int
    if isinstance(default, float):
        return non_negative_float
    if isinstance(default, list | tuple):
        return string_list
    if isinstance(default, str):
        return text
    return None


# --- the settings that need more than their type ------------------------------------


register("NEWSBOT_REDIS_PREFIX")(non_empty)


@register("NEWSBOT_EXPORT_DIR")
def export_folder(settings: BaseSettings, name: str) -> str | None:
    """Not a file. (A folder that cannot be written is each article's write error.)"""
    problem = non_empty(settings, name)
    if problem:
        return problem
    if Path(settings.get(name)).expanduser().is_file():
        return "must be a folder (that path is a file)"
    return None


@register("NEWSBOT_STATE_DIR")
def state_folder(settings: BaseSettings, name: str) -> str | None:
    """A folder that is there, or can be made, and can be written: the lock, the
    store and the run reports live there."""
    problem = non_empty(settings, name)
    if problem:
        return problem
    path = Path(settings.get(name)).expanduser().absolute()
    if path.exists() and not path.is_dir():
        return "must be a folder (that path is a file)"
    existing = next((p for p in (path, *path.parents) if p.exists()), None)
    if existing is None or not existing.is_dir():
        return f"must be a folder that can be made ({existing} is not a folder)"
    if not os.access(existing, os.W_OK | os.X_OK):
        return f"must be a folder newsbot can write ({existing} is not writable)"
    return None
register("NEWSBOT_REDIS_HEARTBEAT")(positive_float)
# Seconds, read with getfloat, whose defaults happen to be whole numbers.
register("NEWSBOT_LOCK_WAIT", "NEWSBOT_RETRY_REJECTED_AFTER")(non_negative_float)
register(*(n for n in dir(defaults) if n.startswith(PREFIX)
           and n.endswith(("_ITEM_COUNT", "_PAGE_SIZE"))))(positive_int)  # fmt: skip
register(*(n for n in dir(defaults) if n.startswith(PREFIX)
           and n.endswith(("_LIST_API", "_LIST_URL", "_MORE_API"))))(http_url)  # fmt: skip


@register("NEWSBOT_MAX_PAGES", "NEWSBOT_ARTICLE_MAX_PAGES")
def max_pages(settings: BaseSettings, name: str) -> str | None:
    return positive_int(settings, name)


@register("NEWSBOT_TIMEZONE")
def time_zone(settings: BaseSettings, name: str) -> str | None:
    value = settings.get(name)
    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return "must be an IANA time zone name, like Asia/Shanghai or UTC"
    return None


@register("NEWSBOT_STORE")
def store_class(settings: BaseSettings, name: str) -> str | None:
    value = settings.get(name)
    try:
        cls = load_object(value)
    except (ImportError, AttributeError, NameError, ValueError, TypeError):
        return "must be the import path of a store class, like newsbot.store.SQLiteStore"
    if not callable(getattr(cls, "from_settings", None)):
        return "must be a store class with from_settings() (like newsbot.store.SQLiteStore)"
    return None


@register("NEWSBOT_IMAGES")
def images_mode(settings: BaseSettings, name: str) -> str | None:
    from newsbot.images import MODES

    value = settings.get(name)
    if str(value if value is not None else "").strip().lower() not in (*MODES, ""):
        return f"must be one of {', '.join(MODES)}"
    return None


@register("NEWSBOT_IMAGES_CONVERT")
def images_convert(settings: BaseSettings, name: str) -> str | None:
    from newsbot.images import convert_formats

    problem = string_list(settings, name)
    if problem:
        return problem
    try:
        convert_formats(settings)
    except ValueError as exc:
        return str(exc).removeprefix(f"{name}: ").removeprefix(f"{name}=")
    return None


@register("NEWSBOT_PATH_TEMPLATE")
def path_template(settings: BaseSettings, name: str) -> str | None:
    from newsbot.exporter import ExportPathError, check_path_template
    from newsbot.exporter import path_template as export_path_template
    from newsbot.images import images_mode

    if settings.get(name) is not None and not isinstance(settings.get(name), str):
        return "must be a string"
    try:
        images_mode(settings)
    except ValueError:
        return None  # NEWSBOT_IMAGES's own line says what is wrong
    try:
        check_path_template(export_path_template(settings))
    except (ExportPathError, ValueError) as exc:
        return str(exc).removeprefix(f"{name} ")
    return None


@register("NEWSBOT_REDIS_URL")
def redis_url(settings: BaseSettings, name: str) -> str | None:
    value = settings.get(name) or ""
    if not isinstance(value, str):
        return "must be a redis:// URL"
    if value and not value.startswith(("redis://", "rediss://", "unix://")):
        return "must be empty or a redis://, rediss:// or unix:// URL"
    return None


@register("NEWSBOT_NOW")
def now(settings: BaseSettings, name: str) -> str | None:
    from datetime import datetime

    value = settings.get(name) or ""
    try:
        if not value or datetime.fromisoformat(str(value)).tzinfo is not None:
            return None
    except ValueError:
        pass
    return "must be empty or an ISO 8601 time with an offset, like 2026-11-20T09:00:00+08:00"


@register("NEWSBOT_SOURCES_FILE", "NEWSBOT_STATIC_DIR", "NEWSBOT_SINA_PAGEID")
def plain_text(settings: BaseSettings, name: str) -> str | None:
    return text(settings, name)


# --- running the checks --------------------------------------------------------------


# The run's time limits and failure threshold: name -> (least, most, what is allowed).
LIMITS: dict[str, tuple[float, float | None, str]] = {
    "NEWSBOT_LIST_TIMEOUT": (0, None, "seconds >= 0 (0: DOWNLOAD_TIMEOUT)"),
    "NEWSBOT_ARTICLE_TIMEOUT": (0, None, "seconds >= 0 (0: DOWNLOAD_TIMEOUT)"),
    "NEWSBOT_ROBOTSTXT_TIMEOUT": (0, None, "seconds >= 0 (0: DOWNLOAD_TIMEOUT)"),
    "NEWSBOT_LIST_RETRIES": (-1, None, "a whole number >= -1 (-1: RETRY_TIMES)"),
    "NEWSBOT_ARTICLE_RETRIES": (-1, None, "a whole number >= -1 (-1: RETRY_TIMES)"),
    "NEWSBOT_ROBOTSTXT_RETRIES": (-1, None, "a whole number >= -1 (-1: RETRY_TIMES)"),
    "NEWSBOT_MAX_TIME": (0, None, "seconds >= 0 (0: no deadline)"),
    "NEWSBOT_MAX_ERROR_RATE": (0, 1, "a share from 0 to 1"),
    "NEWSBOT_MONITOR_MAX_ERRORS": (-1, None, "a whole number >= -1 (-1: no fixed cap)"),
}


@register(*LIMITS)
def limit(settings: BaseSettings, name: str) -> str | None:
    least, most, allowed = LIMITS[name]
    try:
        number = float(settings.get(name))
    except (TypeError, ValueError):
        return f"must be {allowed}"
    whole = "whole" in allowed
    if (whole and number != int(number)) or number < least or (most is not None and number > most):
        return f"must be {allowed}"
    return None


def _shown(value: Any) -> str:
    shown = repr(value)
    return shown if len(shown) <= 80 else shown[:77] + "..."


def check_settings(settings: BaseSettings) -> list[str]:
    """One line per unusable NEWSBOT_* setting: ``NAME=value: must be ...``."""
    problems = []
    names = sorted({name for name, _ in settings.items() if name.startswith(PREFIX)}
                   | {n for n in dir(defaults) if n.startswith(PREFIX)})  # fmt: skip
    for name in names:
        if name in INTERNAL:
            continue
        check = CHECKS.get(name) or by_default_type(name)
        if check is None:
            continue
        try:
            problem = check(settings, name)
        except Exception as exc:  # a check must never be the traceback it prevents
            problem = f"cannot be used ({type(exc).__name__}: {exc})"
        if problem:
            problems.append(f"{name}={_shown(settings.get(name))}: {problem}")
    return problems


def unknown_settings(settings: BaseSettings) -> list[str]:
    """NEWSBOT_* settings that no default names (typos): a warning each."""
    known = {n for n in dir(defaults) if n.startswith(PREFIX)} | INTERNAL | set(CHECKS)
    lines = []
    for name, _ in settings.items():
        if name.startswith(PREFIX) and name not in known:
            close = difflib.get_close_matches(name, sorted(known), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            lines.append(f"unknown setting {name} is ignored{hint}")
    return sorted(lines)


def validate_settings(settings: BaseSettings) -> None:
    """Raise SettingsError when a NEWSBOT_* setting is unusable; warn about unknown ones."""
    for line in unknown_settings(settings):
        logger.warning("%s", line)
    problems = check_settings(settings)
    if problems:
        raise SettingsError(problems)


def usage_failed(command: Any, problems: Iterable[str]) -> bool:
    """Print each problem as one ``newsbot: <problem>`` line on stderr (also when the
    log goes to a file) and set ``command.exitcode = 2``; True when there was one.
    For any check made before a command starts (settings here; spider arguments)."""
    lines = list(problems)
    for line in lines:
        print(f"newsbot: {line}", file=sys.stderr, flush=True)
    if lines:
        command.exitcode = EXIT_USAGE
    return bool(lines)


def report_problems(
    command: Any, settings: BaseSettings | None = None, more: Iterable[str] = ()
) -> bool:
    """For a scrapy command's ``run``, before it starts anything: True (after one line
    per problem and ``command.exitcode = 2``) when a NEWSBOT_* setting is unusable or
    ``more`` (other checks' problems, e.g. spider arguments) is not empty. Unknown
    NEWSBOT_* names are a warning each."""
    settings = settings if settings is not None else command.settings
    for line in unknown_settings(settings):
        logger.warning("%s", line)
    problems = [f"bad setting {problem}" for problem in check_settings(settings)]
    return usage_failed(command, [*problems, *more])
