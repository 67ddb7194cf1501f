"""ValidatePipeline (100): an article without a required field goes no further."""

from __future__ import annotations

from typing import Any

from newsbot.html import strip_surrogates
from newsbot.items import REQUIRED_FIELDS, Article
from newsbot.pipelines.base import _Step, as_article


class ValidatePipeline(_Step):
    """Drops an article that lacks a required field."""

    def process_item(self, item: Any) -> Article:
        item = as_article(item)
        strip_surrogates(item)  # a half emoji: nothing to show, and no UTF-8 for it
        for name in REQUIRED_FIELDS:
            value = item.body_html or item.body if name == "body" else getattr(item, name)
            if not isinstance(value, str) or not value.strip():
                raise self.drop(item, f"missing_{name}")
        return item
