"""pharmexec hooks: what the declared entry cannot say."""

from __future__ import annotations


def entry(entry: dict, raw: object) -> dict | None:
    """Feed links sometimes carry the sister site's host (www.onclive.com/view/<slug>);
    the article lives at the same path on www.pharmexec.com (pharmexec.py's rewrite)."""
    url = entry.get("url") or ""
    if "onclive" in url:
        entry["url"] = url.replace("onclive", "pharmexec")
    return entry
