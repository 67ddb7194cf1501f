"""Hook for the mingpao source: the publish time its article URLs carry.

Ming Pao's instant finance/property URLs hold the day and the article's epoch
milliseconds: ``/fin/instantf/20250213/1739437375613/<title>`` (1739437375613 is
2025-02-13 17:02:55 Hong Kong time). The list pages give no other time, so the
entry's date is that instant; a page's own ``article:published_time``, when it has
one, wins (``prefer_page``).
"""

from __future__ import annotations

import re
from typing import Any

_URL_TIME_RE = re.compile(r"/fin/instant[a-z]+/(\d{8})/(\d{13})(?:/|$)")


def entry(fields: dict[str, str], raw: Any) -> dict[str, str] | None:
    """Date an entry from the epoch milliseconds in its URL."""
    match = _URL_TIME_RE.search(fields.get("url", ""))
    if match and not fields.get("date"):
        fields["date"] = match.group(2)
    return fields
