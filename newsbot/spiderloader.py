"""Scrapy's spider loader, plus one spider per declared source.

``SPIDER_LOADER_CLASS``: the hand-written spiders of SPIDER_MODULES as usual, and a
spider named after each declared source (``newsbot/sources/<name>.toml``,
NEWSBOT_SOURCES_DIRS, NEWSBOT_SOURCES_FILE), so that ``scrapy list``, ``scrapy
crawl <name>``, ``crawlall`` and Scrapyd see every source the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.spiderloader import SpiderLoader

from newsbot.sourceconfig import SourceConfigError, load_all
from newsbot.spiders.declared import spider_class

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

    from newsbot.sourceconfig import SourceConfig


def declared_sources(settings: BaseSettings) -> dict[str, SourceConfig]:
    """The declared sources the settings give (packaged, NEWSBOT_SOURCES_DIRS, the old
    NEWSBOT_SOURCES_FILE)."""
    return load_all(
        settings.getlist("NEWSBOT_SOURCES_DIRS"), settings.get("NEWSBOT_SOURCES_FILE") or ""
    )


class NewsbotSpiderLoader(SpiderLoader):
    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        for name, config in declared_sources(settings).items():
            if name in self._spiders:
                raise SourceConfigError(
                    f"{config.path}: the declared source {name!r} has the name of the spider "
                    f"{self._spiders[name].__module__}.{self._spiders[name].__name__}"
                )
            self._spiders[name] = spider_class(config)
