"""Every source the project can crawl: hand-written spiders and configured feeds.

One name space for ``scrapy crawlall --sources``, run reports and the README's
table of sources (``scrapy sources``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from newsbot.feedconfig import SourceConfigError, load_sources

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings
    from scrapy.spiderloader import SpiderLoader

FEED_SPIDER = "feed"


@dataclass(frozen=True)
class SourceInfo:
    name: str
    spider: str
    lang: str
    site: str
    discovery: str
    spider_kwargs: dict[str, Any] = field(default_factory=dict)


def all_sources(loader: SpiderLoader, settings: BaseSettings) -> dict[str, SourceInfo]:
    """Sources by name: each spider but ``feed``, then each entry of the sources file."""
    sources: dict[str, SourceInfo] = {}
    for name in loader.list():
        if name == FEED_SPIDER:
            continue
        cls = loader.load(name)
        sources[name] = SourceInfo(
            name, name, getattr(cls, "lang", ""), getattr(cls, "site_url", ""),
            getattr(cls, "discovery", ""),
        )  # fmt: skip
    for entry in load_sources(settings.get("NEWSBOT_SOURCES_FILE") or None).values():
        if entry.name in sources:
            raise SourceConfigError(f"feed source {entry.name!r} has the name of a spider")
        site = entry.site or f"https://{urlsplit(entry.feeds[0]).hostname}/"
        discovery = "feed: " + ", ".join(entry.feeds)
        if entry.selectors:
            discovery += " (selectors)"
        sources[entry.name] = SourceInfo(
            entry.name, FEED_SPIDER, entry.lang, site, discovery, {"source": entry.name}
        )
    return sources


def markdown_table(sources: dict[str, SourceInfo]) -> str:
    lines = ["| source | language | site | discovery |", "| --- | --- | --- | --- |"]
    for info in sources.values():
        lines.append(f"| `{info.name}` | {info.lang} | {info.site} | {info.discovery} |")
    return "\n".join(lines)
