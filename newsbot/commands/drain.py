"""``scrapy drain``: the one writer of a distributed crawl (NEWSBOT_REDIS_URL); the
work is :class:`newsbot.distributed.writer.DrainSpider`'s."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from newsbot.runner import EXIT_FAILED, run_crawlers
from newsbot.validation import report_problems

if TYPE_CHECKING:
    import argparse


class Command(ScrapyCommand):
    requires_project = True

    def syntax(self) -> str:
        return "[options]"

    def short_desc(self) -> str:
        return "Write the items workers queued in Redis (NEWSBOT_REDIS_URL) into NEWSBOT_EXPORT_DIR"

    def long_desc(self) -> str:
        return (
            "The one writer of a distributed crawl: takes the items `scrapy crawl` workers "
            "pushed to Redis and writes their files like a crawl would. Stops when the "
            "queue is empty, or when it stayed empty for --wait seconds."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--wait",
            type=float,
            default=0.0,
            metavar="SECONDS",
            help="keep polling; stop once the queue stayed empty this long (default 0)",
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if args:
            raise UsageError("drain takes no arguments")
        if opts.wait < 0:
            raise UsageError("--wait must be 0 or more seconds")
        if not self.settings.get("NEWSBOT_REDIS_URL"):
            raise UsageError("drain reads the items from Redis: set NEWSBOT_REDIS_URL")
        if report_problems(self):  # bad NEWSBOT_* settings: exit 2, nothing started
            return
        from newsbot.distributed.writer import (
            DrainSpider,  # imports redis: not at every scrapy start
        )

        assert self.crawler_process
        crawler = self.crawler_process.create_crawler(DrainSpider)
        self.crawler_process.crawl(crawler, wait=opts.wait)
        status = run_crawlers(self.crawler_process, [crawler])
        failed = status == 0 and any(
            crawler.stats.get_value(key)
            for key in ("newsbot/errors/bad_item", "newsbot/errors/item")
        )
        self.exitcode = status or (EXIT_FAILED if failed else 0)
