"""morningstar hooks: no cover image from the site's generic share image.

Republished releases and stories carry Morningstar's generic ``og:image`` (the
share card); the incumbent wrote no image, so that card is not a thumbnail.
"""

from __future__ import annotations

GENERIC_IMAGES = ("morningstar.com/assets/img/morningstar-social-share",)


def article(item, page):
    if any(part in item.thumbnail for part in GENERIC_IMAGES):
        item.thumbnail = ""
    return item
