"""Hook for the now source: what its declaration cannot say.

news.now.com's list API puts a "瀏覽MOBILE網頁" ("view the mobile page") line into
some summaries; the incumbent (genkin-he/News news/scripts/now.py) removed that text
from the body, and so do we.
"""

from __future__ import annotations

from typing import Any

MOBILE_LINK_TEXT = "瀏覽MOBILE網頁"


def entry(fields: dict[str, str], raw: Any) -> dict[str, str] | None:
    """Drop the mobile-page line from a list-carried body."""
    body = fields.get("body")
    if body and MOBILE_LINK_TEXT in body:
        fields["body"] = body.replace(MOBILE_LINK_TEXT, "")
    return fields
