"""lieyun hook: the article link is inside the share QR-code image's URL."""

from __future__ import annotations

from urllib.parse import unquote

QR_MARKER = "qrcode?url="


def article_link(src: str) -> str:
    """"https://www.lieyunpro.com/qrcode?url=https://www.lieyunpro.com/news/1" -> ".../news/1"."""
    _, sep, link = (src or "").partition(QR_MARKER)
    if not sep:
        return ""
    link = link.strip()
    return unquote(link) if link.startswith("http%3A") or link.startswith("https%3A") else link


def entry(entry: dict, raw) -> dict | None:
    link = article_link(entry.get("url") or "")
    if not link:
        return None  # a promotion item: no article behind it
    entry["url"] = link
    return entry
