"""Configured feed sources' fixture sites: each tests/fixtures/feed/<entry>/routes.json
lists the URLs it serves ({"url", "file", "content_type"})."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from tests.support.server import FIXTURES, FixtureSite, Reply

FEEDS = FIXTURES / "feed"


def local_path(url: str) -> str:
    parts = urlsplit(url)
    return f"/{parts.netloc}{parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")


def add(site: FixtureSite) -> None:
    for routes in sorted(FEEDS.glob("*/routes.json")):
        for route in json.loads(routes.read_text(encoding="utf-8")):
            body = (routes.parent / route["file"]).read_bytes()
            reply = Reply(200, body, route["content_type"])
            # The server matches paths without the query string.
            path = local_path(route["url"]).split("?", 1)[0]
            site.add("GET", re.escape(path), lambda s, m, h, reply=reply: reply)
