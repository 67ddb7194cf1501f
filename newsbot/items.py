"""The one item type every source produces: the output contract."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

# Fields an article must carry; the rest have defaults. Without an id the file is named
# by the MD5 of title and date (the site's rule).
REQUIRED_FIELDS = ("url", "title", "date", "body")


@dataclass
class Article:
    """One news article, as every source yields it and every output reads it.

    ``date`` is ``YYYY-MM-DD HH:MM:SS`` in the source's local time; ``body_html`` is
    the cleaned article HTML and ``body`` its Markdown (filled by the pipeline when
    empty). ``images`` lists the absolute image URLs of the body, in order.
    """

    id: str = ""
    url: str = ""
    source: str = ""
    # The text of categories, tags and the source line (the incumbent's "source" value,
    # e.g. a tradingview story's provider); empty: the source name.
    label: str = ""
    lang: str = ""
    title: str = ""
    date: str = ""
    author: str = ""
    thumbnail: str = ""
    summary: str = ""
    body_html: str = ""
    body: str = ""
    images: list[str] = field(default_factory=list)
    update_time: str = ""

    @classmethod
    def from_dict(cls, data: dict) -> Article:
        """Build an article from a feed record, ignoring keys it does not know."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})
