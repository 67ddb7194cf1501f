"""Publish dates as the site writes them: ``YYYY-MM-DD HH:MM:SS`` in the source's zone."""

from __future__ import annotations

import re
from datetime import UTC, datetime
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
