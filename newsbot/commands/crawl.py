"""``scrapy crawl``, exiting with status 2 when the spider's arguments were unusable."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

if TYPE_CHECKING:
    import argparse


class Command(ScrapyCrawlCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            super().run(args, opts)  # Scrapy's own usage errors
            return
        assert self.crawler_process
        try:
            crawler = self._create_crawler(args[0])
        except KeyError:
            raise UsageError(f"no spider named {args[0]!r} (`scrapy list` shows them)") from None
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1
        elif crawler.stats and crawler.stats.get_value("newsbot/errors/bad_argument"):
            self.exitcode = 2
