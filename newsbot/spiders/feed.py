"""``scrapy crawl feed -a source=NAME``: the older way to run one declared source.

Every declared source is a spider by its own name now (``scrapy crawl NAME``);
this spider stays for schedules written before, and runs that source's spider.
"""

from __future__ import annotations

from typing import Any

from newsbot.spiderloader import declared_sources
from newsbot.spiders.declared import DeclaredSpider, spider_class


class FeedSpider(DeclaredSpider):
    """Arguments: ``source`` (a declared source's name, required), then that
    source's own arguments."""

    name = "feed"
    discovery = "any declared source: -a source=NAME (compatibility; use scrapy crawl NAME)"

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, source: str | None = None,
                     **kwargs: Any) -> DeclaredSpider:  # fmt: skip
        sources = declared_sources(crawler.settings)
        if source in sources:
            return spider_class(sources[source]).from_crawler(crawler, *args, **kwargs)
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.argument_error = (
            f"-a source must name a declared source: {', '.join(sorted(sources))}; got {source!r}"
        )
        return spider

    def parse_arguments(self, **kwargs: Any) -> None:
        self.lists, self.entries = [], []
