"""tradingview hooks: no cover image from the site's generic preview.

Story pages without a picture of their own carry TradingView's generic
``og:image`` (the site logo); the incumbent wrote no image, so a logo is not
taken as the story's thumbnail.
"""

from __future__ import annotations

GENERIC_IMAGES = ("static.tradingview.com/static/images/",)


def article(item, page):
    if any(part in item.thumbnail for part in GENERIC_IMAGES):
        item.thumbnail = ""
    return item
