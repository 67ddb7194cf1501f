"""``scrapy crawl``, with the checks before the run, the export-folder lock, the
optional site-repo commit and the exit statuses of ``crawlall`` (newsbot.runner):
0 fine, 1 the source failed, 2 a usage error (before any request), 75 locked."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from newsbot.runner import apply_deadline, report_usage_problems, run_sources, usage_problems

if TYPE_CHECKING:
    import argparse

    from scrapy.settings import BaseSettings


def add_quiet_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="for cron: log only warnings and errors, then the summary line",
    )


def apply_quiet(settings: BaseSettings, opts: argparse.Namespace) -> None:
    if opts.quiet:
        settings.set("LOG_LEVEL", "WARNING", priority="cmdline")


class Command(ScrapyCrawlCommand):
    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        add_quiet_option(parser)

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        apply_quiet(self.settings, opts)
        apply_deadline(self.settings)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            super().run(args, opts)  # Scrapy's own usage errors
            return
        assert self.crawler_process
        try:
            spidercls = self.crawler_process.spider_loader.load(args[0])
        except KeyError:
            raise UsageError(f"no spider named {args[0]!r} (`scrapy list` shows them)") from None
        problems = usage_problems(self.settings, [(spidercls, opts.spargs)])
        if problems:
            self.exitcode = report_usage_problems(problems)
            return
        crawler = self.crawler_process.create_crawler(spidercls)
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.exitcode = run_sources(self.crawler_process, [crawler])
