"""ConvertPipeline (300): the Markdown body from the cleaned HTML."""

from __future__ import annotations

from newsbot.items import Article
from newsbot.markdown import to_markdown
from newsbot.pipelines.base import _Step


class ConvertPipeline(_Step):
    """Markdown from the cleaned HTML, unless the item already carries it."""

    def process_item(self, item: Article) -> Article:
        if not item.body.strip():
            item.body = to_markdown(item.body_html)
        if not item.body:
            raise self.drop(item, "empty_body", "Markdown is empty")
        return item
