"""Publish dates as the site writes them: ``YYYY-MM-DD HH:MM:SS``, wall time in the
site's zone.

The date rule (README, "Dates"): every date is written as wall time in
``NEWSBOT_TIMEZONE`` (default ``Asia/Shanghai``, the site's ``timeZone``, which is how
Hugo reads a date without a zone), converted from whatever the source gives: an
offset, ``Z``, RFC 822, an epoch. A date without a zone is read in the source's own
zone (a per-source setting; default the site's zone). A source's zone is never the
zone written in.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

OUTPUT_FORMAT = "%Y-%m-%d %H:%M:%S"
BEIJING = ZoneInfo("Asia/Shanghai")

_CJK_RE = re.compile(
    r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(?:(\d{1,2})\s*[:：时]\s*(\d{1,2})"
    r"(?:\s*[:：分]\s*(\d{1,2}))?)?"
)
_NUMERIC_RE = re.compile(
    r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]+(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?(?:\.\d+)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$"
)


class DateError(ValueError):
    """A date string in no format this module knows."""


def zone_of(value: str | tzinfo | None, default: tzinfo = BEIJING) -> tzinfo:
    """A zone from a name (``"Europe/London"``), a tzinfo, or None (``default``)."""
    if value is None or value == "":
        return default
    if isinstance(value, tzinfo):
        return value
    try:
        return ZoneInfo(str(value))
    except (ValueError, KeyError) as exc:  # ZoneInfoNotFoundError is a KeyError
        raise DateError(f"unknown time zone: {value!r}") from exc


def to_site_time(
    value: str | int | float | datetime | None,
    source_zone: str | tzinfo | None = None,
    site_zone: str | tzinfo | None = None,
    *,
    now: datetime | None = None,
) -> str:
    """Any date form → ``YYYY-MM-DD HH:MM:SS``, wall time in ``site_zone``.

    ``value``: epoch seconds or milliseconds (int, float or digits), ISO 8601 with or
    without ``T``/``Z``/offset, ``YYYY-MM-DD HH:MM[:SS]`` (also ``/`` or ``.``),
    RFC 822 (``Mon, 10 Feb 2025 09:29:04 +0000``), ``2025年2月10日 17:29``, a datetime,
    and Chinese relative forms (``刚刚``, ``5分钟前``, ``3小时前``, ``2天前``,
    ``今天 10:00``, ``昨天 10:00``, ``前天 10:00``, ``02-10 17:29`` of this year) read
    against ``now`` (default: the current time).
    ``source_zone``: the zone of a date that names none (name, tzinfo or None = the
    site's zone). ``site_zone``: the zone written in (None = ``Asia/Shanghai``, the
    default of NEWSBOT_TIMEZONE). Raises :class:`DateError` when unusable.
    """
    site = zone_of(site_zone)
    source = zone_of(source_zone, site)
    if isinstance(value, datetime):
        moment = value
    else:
        relative = _relative(value, source, now) if isinstance(value, str) else None
        moment = relative or parse_date(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=source)
    return moment.astimezone(site).strftime(OUTPUT_FORMAT)


_AGO_RE = re.compile(r"^(\d+)\s*(秒|分钟|分鐘|小时|小時|天|日)前$")
_DAY_WORDS = {"今天": 0, "今日": 0, "昨天": 1, "昨日": 1, "前天": 2, "前日": 2}
_DAY_RE = re.compile(r"^(今天|今日|昨天|昨日|前天|前日)\s*(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?$")
_MONTH_DAY_RE = re.compile(
    r"^(\d{1,2})(?:-|/|月)(\d{1,2})日?\s+(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?$"
)
_UNITS = {"秒": 1, "分钟": 60, "分鐘": 60, "小时": 3600, "小時": 3600, "天": 86400, "日": 86400}


def _relative(value: str, zone: tzinfo, now: datetime | None) -> datetime | None:
    text = value.strip()
    if now is None:
        current = datetime.now(zone)
    else:
        current = now.replace(tzinfo=zone) if now.tzinfo is None else now.astimezone(zone)
    if text in ("刚刚", "剛剛"):
        return current.replace(microsecond=0)
    match = _AGO_RE.match(text)
    if match:
        return (current - timedelta(seconds=int(match[1]) * _UNITS[match[2]])).replace(
            microsecond=0
        )
    match = _DAY_RE.match(text)
    if match:
        day = current - timedelta(days=_DAY_WORDS[match[1]])
        return _at(day, match[2], match[3], match[4], text)
    match = _MONTH_DAY_RE.match(text)
    if match:
        try:
            day = current.replace(month=int(match[1]), day=int(match[2]))
        except ValueError as exc:
            raise DateError(f"impossible date: {text[:60]!r}") from exc
        if day.date() > current.date():  # "12-31 10:00" read on January 1st: last year
            day = day.replace(year=day.year - 1)
        return _at(day, match[3], match[4], match[5], text)
    return None


def _at(day: datetime, hour: str, minute: str, second: str | None, text: str) -> datetime:
    try:
        return day.replace(hour=int(hour), minute=int(minute), second=int(second or 0),
                           microsecond=0)  # fmt: skip
    except ValueError as exc:
        raise DateError(f"impossible time: {text[:60]!r}") from exc


def normalize_date(value: str | int | float | None, zone: ZoneInfo | None = BEIJING) -> str:
    """Parse a publish date and format it in ``zone``.

    Accepts ``2025-02-10 17:29:04`` (taken as already local), ISO 8601 with ``T``,
    ``Z`` or an offset, RFC 822 as in RSS (``Mon, 10 Feb 2025 09:29:04 +0000``),
    ``2025年02月10日 17:29``, and epoch seconds or milliseconds. A date with a zone
    is converted to ``zone``, or kept in its own offset when ``zone`` is None.
    Raises :class:`DateError` for anything else.
    """
    return format_date(parse_date(value), zone)


def format_date(moment: datetime, zone: ZoneInfo | None = BEIJING) -> str:
    if moment.tzinfo is not None and zone is not None:
        moment = moment.astimezone(zone)
    return moment.strftime(OUTPUT_FORMAT)


def parse_date(value: str | int | float | None) -> datetime:
    """A datetime, aware when the input names its zone (or is an epoch), else naive."""
    if value is None or value == "":
        raise DateError("empty date")
    if isinstance(value, int | float) or (isinstance(value, str) and value.strip().isdigit()):
        return _from_epoch(float(value))
    text = str(value).strip()
    match = _NUMERIC_RE.match(text) or _CJK_RE.search(text)
    if not match:
        return _from_rfc822(text)
    year, month, day, hour, minute, second = (int(g or 0) for g in match.groups()[:6])
    try:
        moment = datetime(year, month, day, hour, minute, second)
    except ValueError as exc:
        raise DateError(f"impossible date: {text[:60]!r}") from exc
    offset = match.groups()[6] if len(match.groups()) > 6 else None
    if offset:
        moment = datetime.fromisoformat(moment.isoformat() + _iso_offset(offset))
    return moment


def _from_rfc822(text: str) -> datetime:
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        moment = None
    if moment is None:
        raise DateError(f"unknown date format: {text[:60]!r}")
    return moment


def _iso_offset(offset: str) -> str:
    if offset == "Z":
        return "+00:00"
    return offset if ":" in offset else f"{offset[:3]}:{offset[3:]}"


def _from_epoch(number: float) -> datetime:
    if number > 1e11:  # milliseconds: seconds would be past the year 5000
        number /= 1000
    try:
        return datetime.fromtimestamp(number, tz=UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise DateError(f"epoch out of range: {number}") from exc
