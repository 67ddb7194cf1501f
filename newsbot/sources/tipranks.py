"""tipranks hooks: the article body lives in the page's ``window.__STATE__``.

TipRanks pages carry the post as JSON inside ``window.__STATE__=JSON.parse("…")``
(a JS string literal holding JSON). The incumbent scripts cut the ``content`` value
out of that text with a regular expression; here the two JSON layers are decoded
properly and the post whose ``_id`` is the entry's id gives the body HTML.
"""

from __future__ import annotations

import json
import re
from typing import Any

_STATE_RE = re.compile(r"window\.__STATE__\s*=\s*JSON\.parse\(\s*(\"(?:[^\"\\]|\\.)*\")\s*\)", re.S)


def state_of(text: str) -> dict | None:
    """The decoded ``window.__STATE__`` object of a page, or None."""
    match = _STATE_RE.search(text or "")
    if not match:
        return None
    try:
        state = json.loads(json.loads(match.group(1)))
    except ValueError:
        return None
    return state if isinstance(state, dict) else None


def post_content(state: Any, post_id: str = "") -> str:
    """The ``content`` of the post with ``_id`` == post_id (else the first post found)."""
    first = ""
    stack = [state]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            content = node.get("content")
            if isinstance(content, str) and content and "date" in node:
                if post_id and str(node.get("_id", node.get("id", ""))) == str(post_id):
                    return content
                first = first or content
            stack.extend(reversed(list(node.values())))
        elif isinstance(node, list):
            stack.extend(reversed(node))
    return first


def _page_text(page: Any) -> str:
    for name in ("text", "html"):
        value = getattr(page, name, None)
        if isinstance(value, str):
            return value
    response = getattr(page, "response", None)
    if response is not None and isinstance(getattr(response, "text", None), str):
        return response.text
    return page if isinstance(page, str) else ""


# The page's og:image when the post has no picture: not a thumbnail.
GENERIC_IMAGES = ("tipranks.com/assets/img/og-default",)


def article(item, page):
    """Take the body from the page state; drop the article when the state has none."""
    content = post_content(state_of(_page_text(page)), item.id)
    if not content:
        return None
    item.body_html = content
    item.body = ""
    if any(part in item.thumbnail for part in GENERIC_IMAGES):
        item.thumbnail = ""
    return item
