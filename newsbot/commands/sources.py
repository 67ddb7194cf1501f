"""``scrapy sources``: the table of every source (spiders and configured feeds)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.spiderloader import get_spider_loader

from newsbot.registry import all_sources, markdown_table
from newsbot.sourceconfig import SourceConfigError

if TYPE_CHECKING:
    import argparse


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def short_desc(self) -> str:
        return "Print the sources (spiders and feed entries) as a Markdown table"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        try:
            sources = all_sources(get_spider_loader(self.settings), self.settings)
        except SourceConfigError as exc:
            raise UsageError(str(exc)) from None
        print(markdown_table(sources))
