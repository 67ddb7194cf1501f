"""Every source the project can crawl: hand-written spiders and declared sources.

One name space for ``scrapy crawlall --sources``, run reports and the README's
table of sources (``scrapy sources``), read from the spider loader: every source
is a spider by its own name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

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
    labels: tuple[str, ...] = ()
    secrets: tuple[str, ...] = ()
    enabled: bool = True
    incumbent: tuple[str, ...] = ()


def all_sources(loader: SpiderLoader, settings: BaseSettings) -> dict[str, SourceInfo]:
    """Sources by name: each spider but ``feed`` (declared ones carry their entry)."""
    sources: dict[str, SourceInfo] = {}
    for name in sorted(loader.list()):
        if name == FEED_SPIDER:
            continue
        cls = loader.load(name)
        config = getattr(cls, "config", None)
        if config is None:
            sources[name] = SourceInfo(
                name, name, getattr(cls, "lang", ""), getattr(cls, "site_url", ""),
                getattr(cls, "discovery", ""), labels=tuple(getattr(cls, "labels", (name,))),
            )  # fmt: skip
            continue
        sources[name] = SourceInfo(
            name, name, ", ".join(config.languages()), config.site or cls.site_url,
            config.discovery(), labels=tuple(config.labels()), secrets=tuple(config.secrets()),
            enabled=config.enabled, incumbent=config.incumbent,
        )  # fmt: skip
    return sources


def markdown_table(sources: dict[str, SourceInfo]) -> str:
    lines = [
        "| source | language | label(s) | discovery | secret | incumbent script(s) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for info in sources.values():
        name = f"`{info.name}`" + ("" if info.enabled else " (disabled)")
        labels = ", ".join(f"`{label}`" for label in info.labels)
        secrets = ", ".join(f"`{s}`" for s in info.secrets) or "—"
        scripts = ", ".join(info.incumbent) or "—"
        discovery = f"{info.discovery} ({info.site})" if info.site else info.discovery
        lines.append(
            f"| {name} | {info.lang} | {labels} | {discovery} | {secrets} | {scripts} |"
        )
    return "\n".join(lines)
