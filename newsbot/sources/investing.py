"""investing hooks: the homepage API gives each body as plain text.

The incumbent scripts wrapped it as ``<div>text with <br> for each newline</div>``;
the same is done here, with the text's ``&``/``<`` escaped first so that it stays
text.
"""

from __future__ import annotations

import html


def entry(entry: dict, raw) -> dict | None:
    """The plain-text body as HTML (line breaks kept); no body: skipped by the list rule."""
    body = entry.get("body")
    if isinstance(body, str) and body.strip():
        text = html.escape(body.strip(), quote=False)
        entry["body"] = "<div>" + text.replace("\n", "<br>") + "</div>"
    return entry
