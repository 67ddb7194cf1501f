"""The image host of the qq pages, inews.gtimg.com, for NEWSBOT_IMAGES tests.

Like the real host it refuses hotlinks: a request without a Referer on a qq.com
page gets 403. Every other path is an image made here from the path (so each URL
has its own bytes): body images (``om_bt/…``) are small PNGs, covers (``om_ls/…``)
small JPEGs. ``BROKEN_IMAGE`` (an image of 20261121A0DTFB00) always answers 500.

Tests change the host through ``site.state``: ``image_replies`` maps a path to the
Reply to give instead (other formats, huge bodies ...), and ``broken_images`` is the
set of paths that fail (clear it for a crawl without failures).
"""

from __future__ import annotations

import base64
import hashlib
import struct
import zlib
from urllib.parse import urlsplit

from tests.support.server import FixtureSite, Hit, Reply

HOST = "inews.gtimg.com"
BROKEN_IMAGE = "/inews.gtimg.com/om_bt/OmRuuGw7477I5ikMPYNMyd1wp59aN7lGqGXbszuzQiSmqAA/641"
BROKEN_URL = "https://" + BROKEN_IMAGE.lstrip("/")

# An 8x8 JPEG (632 bytes); each path gets its own copy with the path as a comment.
_JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxO"
    "QERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2Nj"
    "Y2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAAIAAgDASIAAhEBAxEB/8QAHwAAAQUBAQEB"
    "AQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKB"
    "kaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1"
    "dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl"
    "5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcF"
    "BAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5"
    "OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0"
    "tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwCSiiivGPWP/9k="
)


def png(seed: str, size: int = 4) -> bytes:
    """A ``size`` x ``size`` PNG of one colour taken from ``seed``."""
    color = hashlib.sha1(seed.encode()).digest()[:3]
    rows = b"".join(b"\x00" + color * size for _ in range(size))

    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(tag + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def jpeg(seed: str) -> bytes:
    """The 8x8 JPEG with ``seed`` in a comment segment (COM) after its start marker."""
    comment = seed.encode()
    return _JPEG[:2] + b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + _JPEG[2:]


def image_for(path: str) -> Reply:
    if "/om_ls/" in path:
        return Reply(200, jpeg(path), "image/jpeg")
    return Reply(200, png(path), "image/png")


def referred_by_qq(hit: Hit) -> bool:
    host = urlsplit(hit.headers.get("referer", "")).hostname or ""
    return host == "qq.com" or host.endswith(".qq.com")


def gtimg(site: FixtureSite, match, hit: Hit) -> Reply:
    path = hit.path.split("?", 1)[0]
    if path in site.state.get("broken_images", ()):
        return Reply(500, b"<h1>500 Internal Server Error</h1>")
    if not referred_by_qq(hit):
        return Reply(403, b"<h1>403 Forbidden</h1>")
    return site.state.get("image_replies", {}).get(path) or image_for(path)


def add(site: FixtureSite) -> None:
    site.state["broken_images"] = {BROKEN_IMAGE}
    site.add("GET", rf"/{HOST}/.+", gtimg)
