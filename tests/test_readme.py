"""The README's table of sources is generated from the code and config: never stale."""

from __future__ import annotations

import re
from pathlib import Path

from scrapy.spiderloader import get_spider_loader
from scrapy.utils.project import get_project_settings

from newsbot.registry import all_sources, markdown_table

README = Path(__file__).resolve().parent.parent / "README.md"


def test_sources_table_matches_the_code():
    text = README.read_text(encoding="utf-8")
    match = re.search(r"<!-- sources:start[^>]*-->\n(.*?)\n<!-- sources:end -->", text, re.S)
    assert match, "README lost its sources:start/sources:end markers"
    settings = get_project_settings()
    expected = markdown_table(all_sources(get_spider_loader(settings), settings))
    assert match.group(1) == expected, "run `scrapy sources` and paste its table into README.md"
