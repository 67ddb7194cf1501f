"""Field coverage: which of title, date, body and thumbnail each article lacks.

Counted on every article a parser gives, before the validate step drops those
without a title, date or body (an exported article always has them, so a parser
that loses dates would show full coverage there and nothing written). Stats:
``newsbot/fields/items`` (articles counted) and ``newsbot/fields/<field>/missing``;
the run report (runs.jsonl) and the field-coverage monitor read them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

FIELDS = ("title", "date", "body", "thumbnail")


def _value(item: Any, name: str) -> Any:
    if isinstance(item, dict):
        return item.get(name)
    return getattr(item, name, None)


def missing_fields(item: Any) -> list[str]:
    missing = []
    for name in FIELDS:
        if name == "body":
            value = _value(item, "body_html") or _value(item, "body")
        else:
            value = _value(item, name)
        if not isinstance(value, str) or not value.strip():
            missing.append(name)
    return missing


class FieldCoveragePipeline:
    """Counts the fields each article lacks; changes and drops nothing."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FieldCoveragePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        self.stats.inc_value("newsbot/fields/items")
        for name in missing_fields(item):
            self.stats.inc_value(f"newsbot/fields/{name}/missing")
        return item
