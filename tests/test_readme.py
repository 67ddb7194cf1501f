"""The README's table of sources is generated from the code and config, and every
setting newsbot defines is documented: never stale."""

from __future__ import annotations

import re
from pathlib import Path

from scrapy.spiderloader import get_spider_loader
from scrapy.utils.project import get_project_settings

from newsbot import settings as defaults
from newsbot.registry import all_sources, markdown_table

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def test_sources_table_matches_the_code():
    text = README.read_text(encoding="utf-8")
    match = re.search(r"<!-- sources:start[^>]*-->\n(.*?)\n<!-- sources:end -->", text, re.S)
    assert match, "README lost its sources:start/sources:end markers"
    settings = get_project_settings()
    expected = markdown_table(all_sources(get_spider_loader(settings), settings))
    assert match.group(1) == expected, "run `scrapy sources` and paste its table into README.md"


def test_every_setting_is_documented():
    """Each NEWSBOT_* default is named in the README or docs/, or covered by a
    ``NEWSBOT_<SOURCE>_*`` row there."""
    docs = README.read_text("utf-8") + "".join(
        p.read_text("utf-8") for p in sorted((ROOT / "docs").glob("*.md"))
    )
    families = re.findall(r"`(NEWSBOT_[A-Z0-9]+_)\*`", docs)
    missing = [
        name
        for name in dir(defaults)
        if name.startswith("NEWSBOT_")
        and f"`{name}`" not in docs
        and not any(name.startswith(family) for family in families)
    ]
    assert missing == []
