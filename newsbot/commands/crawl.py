"""``scrapy crawl``, with the export-folder lock, the optional site-repo commit and
exit statuses: 2 for unusable spider arguments, 75 when another run holds the lock."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from newsbot.runner import run_crawlers
from newsbot.validation import report_problems

if TYPE_CHECKING:
    import argparse


class Command(ScrapyCrawlCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            super().run(args, opts)  # Scrapy's own usage errors
            return
        if report_problems(self):  # bad NEWSBOT_* settings: exit 2, nothing started
            return
        assert self.crawler_process
        try:
            crawler = self._create_crawler(args[0])
        except KeyError:
            raise UsageError(f"no spider named {args[0]!r} (`scrapy list` shows them)") from None
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.exitcode = run_crawlers(self.crawler_process, [crawler])
