"""``scrapy crawlall``: every source (or ``--sources a,b``) in one process, for cron.

Sources are the spiders: hand-written ones and one per declared source.

Exit statuses as ``scrapy crawl`` (newsbot.runner): 1 when a source failed, with a
line saying why; 2 for a usage error, before any request; 75 when another run holds
the export folder. The log is one start and one report line per source (Scrapy's
settings and component dumps once, stats dumps at DEBUG); ``--quiet`` for cron.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from newsbot.commands.crawl import add_quiet_option, apply_quiet
from newsbot.extensions.quietlog import quiet_fleet_log
from newsbot.registry import all_sources
from newsbot.runner import apply_deadline, report_usage_problems, run_sources, usage_problems
from newsbot.sourceconfig import SourceConfigError
from newsbot.spiders.base import split_list

if TYPE_CHECKING:
    import argparse

    from scrapy.crawler import Crawler


class Command(ScrapyCommand):
    requires_project = True

    def syntax(self) -> str:
        return "[options]"

    def short_desc(self) -> str:
        return "Run every source (or --sources) in one process; non-zero exit if one failed"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--sources", metavar="A,B", help="comma list of sources (default: all; see scrapy list)"
        )
        parser.add_argument(
            "--max-time",
            type=float,
            metavar="SECONDS",
            help="stop each source after this many seconds (default NEWSBOT_MAX_TIME)",
        )
        add_quiet_option(parser)

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        if opts.max_time is not None:
            if opts.max_time <= 0:
                raise UsageError("--max-time must be a positive number of seconds")
            self.settings.set("CLOSESPIDER_TIMEOUT", opts.max_time, priority="cmdline")
        apply_quiet(self.settings, opts)
        apply_deadline(self.settings)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if args:
            raise UsageError("crawlall takes no arguments; use --sources")
        assert self.crawler_process
        try:
            available = all_sources(self.crawler_process.spider_loader, self.settings)
        except SourceConfigError as exc:
            raise UsageError(str(exc)) from None
        # A disabled source runs only when named.
        names = split_list(opts.sources) or [n for n, i in available.items() if i.enabled]
        unknown = sorted(set(names) - set(available))
        if unknown:
            self.exitcode = report_usage_problems(
                [f"unknown sources: {', '.join(unknown)} (available: {', '.join(available)})"]
            )
            return
        loader = self.crawler_process.spider_loader
        problems = usage_problems(
            self.settings,
            [(loader.load(available[n].spider), available[n].spider_kwargs) for n in names],
        )
        if problems:
            self.exitcode = report_usage_problems(problems)
            return
        quiet_fleet_log()
        crawlers: list[Crawler] = []
        for name in names:
            info = available[name]
            crawler = self.crawler_process.create_crawler(info.spider)
            self.crawler_process.crawl(crawler, **info.spider_kwargs)
            crawlers.append(crawler)
        self.exitcode = run_sources(self.crawler_process, crawlers)
