"""benzinga hooks: titles come HTML-escaped in the API (``Foods&#39; Stock``).

The incumbent wrote them raw (the site's files show ``&#39;``); the title is the
text, so the entities are decoded.
"""

from __future__ import annotations

import html


def entry(fields: dict, raw) -> dict | None:
    if "&" in fields.get("title", ""):
        fields["title"] = html.unescape(fields["title"])
    return fields
