"""``scrapy render FEED.jsonl``: write the Markdown files of a saved feed, no network.

The feed's items go through the same pipeline as a crawl (validate, normalise,
convert, export), yielded by a spider that makes no request.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import Spider
from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from newsbot.items import Article
from newsbot.runs import EXIT_FAILED, run_crawlers
from newsbot.validation import report_problems

if TYPE_CHECKING:
    import argparse


def read_feed(path: Path) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """(line number, record) per non-empty line; a string instead of a record
    says why that line is unusable."""
    with path.open(encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, f"not JSON ({exc.msg})"
                continue
            yield number, record if isinstance(record, dict) else "not a JSON object"


class FeedRenderSpider(Spider):
    """Yields the articles of a JSON-lines feed as items."""

    name = "render"

    def __init__(self, feed: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.feed = Path(feed)

    async def start(self) -> AsyncIterator[Article]:
        stats = self.crawler.stats
        for number, record in read_feed(self.feed):
            if isinstance(record, str):
                stats.inc_value("newsbot/errors/bad_feed_line")
                self.logger.error("%s line %d skipped: %s", self.feed, number, record)
                continue
            stats.inc_value("newsbot/discovered")
            yield Article.from_dict(record)


class Command(ScrapyCommand):
    requires_project = True

    def syntax(self) -> str:
        return "[options] <feed.jsonl> [<feed.jsonl> ...]"

    def short_desc(self) -> str:
        return "Write the Markdown files of saved JSON-lines feeds (no network)"

    def long_desc(self) -> str:
        return (
            "Render items saved with `scrapy crawl SOURCE -O items.jsonl` into "
            "NEWSBOT_EXPORT_DIR through the same pipeline a crawl uses. Lines "
            "without `body` get it from `body_html`."
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args:
            raise UsageError("give at least one feed file")
        missing = [name for name in args if not Path(name).is_file()]
        if missing:
            raise UsageError(f"no such feed file: {', '.join(missing)}")
        if report_problems(self):  # bad NEWSBOT_* settings: exit 2, nothing started
            return
        assert self.crawler_process
        crawlers = []
        for name in args:
            crawler = self.crawler_process.create_crawler(FeedRenderSpider)
            crawlers.append(crawler)
            self.crawler_process.crawl(crawler, feed=name)
        status = run_crawlers(self.crawler_process, crawlers)
        # Write failures already make the status 1 (run_crawlers); bad lines do here.
        # A run that never started (Redis unreachable, locked) has no stats.
        bad_lines = not status and any(
            c.stats.get_value("newsbot/errors/bad_feed_line") for c in crawlers
        )
        self.exitcode = status or (EXIT_FAILED if bad_lines else 0)
