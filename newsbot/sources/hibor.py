"""hibor hooks: what the declared entry cannot say.

- the list's title attribute is "<broker>-<title>-YYMMDD": the site's title is the middle part;
- the body ends with a "来源: <broker>" line, as the incumbent appends (the broker is the
  answer's "研报出处" link).
"""

from __future__ import annotations

import re
from html import escape

_DATE_TAIL_RE = re.compile(r"-\d{6}$")


def split_title(title: str) -> tuple[str, str]:
    """("<broker>", "<title>") from "<broker>-<title>-YYMMDD" (broker "" when absent)."""
    title = _DATE_TAIL_RE.sub("", title.strip())
    broker, sep, rest = title.partition("-")
    if not sep or not rest:
        return "", title
    return broker, rest


def entry(entry: dict, raw) -> dict | None:
    _, entry["title"] = split_title(entry.get("title") or "")
    return entry


def article(item, page):
    broker = ""
    selector = getattr(page, "selector", None)
    if selector is not None:
        broker = (selector.css(".doc-info a::text").get() or "").strip()
    if broker and item.body_html:
        item.body_html = f"{item.body_html}<p>来源: {escape(broker)}</p>"
    return item
