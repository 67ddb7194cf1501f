"""``scrapy crawlall``: every source (or ``--sources a,b``) in one process, for cron.

Sources are the spiders: hand-written ones and one per declared source.

Exits 1 when a source failed (errors, or nothing discovered: the usual sign of a
changed site) and prints why; 75 when another run holds the export folder.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from newsbot.registry import all_sources
from newsbot.runs import EXIT_FAILED, EXIT_LOCKED, run_crawlers, source_failures
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
            help="stop each source after this many seconds (CLOSESPIDER_TIMEOUT)",
        )

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        if opts.max_time is not None:
            if opts.max_time <= 0:
                raise UsageError("--max-time must be a positive number of seconds")
            self.settings.set("CLOSESPIDER_TIMEOUT", opts.max_time, priority="cmdline")

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
            raise UsageError(
                f"unknown sources: {', '.join(unknown)} (available: {', '.join(available)})"
            )
        crawlers: list[Crawler] = []
        for name in names:
            info = available[name]
            crawler = self.crawler_process.create_crawler(info.spider)
            self.crawler_process.crawl(crawler, **info.spider_kwargs)
            crawlers.append(crawler)
        status = run_crawlers(self.crawler_process, crawlers)
        failures = source_failures(crawlers) if status != EXIT_LOCKED else {}
        for source, reasons in failures.items():
            print(f"newsbot: source {source} FAILED: {'; '.join(reasons)}", flush=True)
        if failures and not status:
            status = EXIT_FAILED
        self.exitcode = status
