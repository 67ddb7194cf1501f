"""Scrapy add-ons (``ADDONS`` in newsbot/settings.py).

:class:`RedisAddon`: with NEWSBOT_REDIS_URL set, a crawl becomes a worker of a
distributed crawl and ``scrapy drain`` its one writer, through settings only.
Without it nothing changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured
from scrapy.settings import SETTINGS_PRIORITIES

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

SQLITE_STORE = "newsbot.store.SQLiteStore"
REDIS_STORE = "newsbot.distributed.store.RedisStore"
WRITER = "writer"  # NEWSBOT_REDIS_ROLE of scrapy drain; anything else is a worker


class RedisAddon:
    """Every process with NEWSBOT_REDIS_URL: the Redis store of exported articles
    (unless NEWSBOT_STORE names another store than the default).

    Workers (``scrapy crawl``, ``crawlall``, ``render``): scrapy-redis's scheduler
    and dupefilter, reliable and keyed per source (:mod:`newsbot.distributed`),
    persistent queue, and the item path of scrapy-redis: Validate, Normalise and
    Convert as usual, then the items go to a Redis list instead of files.

    The writer (``scrapy drain``, NEWSBOT_REDIS_ROLE=writer) keeps Scrapy's own
    scheduler and the ExportPipeline.
    """

    def update_settings(self, settings: BaseSettings) -> None:
        if not settings.get("NEWSBOT_REDIS_URL"):
            raise NotConfigured  # no message: nothing to say
        from newsbot.distributed.connection import prefix_of  # imports redis: only when used

        prefix_of(settings)  # a bad prefix stops the run here, with its message
        priority = settings.getpriority("NEWSBOT_STORE") or 0
        if (
            settings.get("NEWSBOT_STORE") == SQLITE_STORE
            and priority <= SETTINGS_PRIORITIES["project"]
        ):
            # The project's default is replaced; a store the user chose is kept.
            settings.set("NEWSBOT_STORE", REDIS_STORE, priority=priority)
        if settings.get("NEWSBOT_REDIS_ROLE") == WRITER:
            return
        settings.set("SCHEDULER", "newsbot.distributed.SourceScheduler", priority="addon")
        settings.set("DUPEFILTER_CLASS", "newsbot.distributed.SourceDupeFilter", priority="addon")
        settings.set("SCHEDULER_QUEUE_CLASS", "newsbot.distributed.ReliableQueue", priority="addon")
        settings.set("SCHEDULER_PERSIST", True, priority="addon")
        from newsbot.distributed.pipeline import RedisItemPipeline
        from newsbot.pipelines import ExportPipeline

        try:
            settings.replace_in_component_priority_dict(
                "ITEM_PIPELINES", ExportPipeline, RedisItemPipeline
            )
        except KeyError:
            pass  # a run without the ExportPipeline writes nothing: nothing to redirect
