"""The article-request protocol: the meta an article request carries, and whether
to make it at all (the store of exported articles is asked first).

Spiders build article requests with :func:`article_meta` and ask :func:`wanted`
before yielding them; :class:`newsbot.spidermiddlewares.SkipExportedMiddleware`
asks it for every other article request.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from newsbot.extensions.state import ExportState
from newsbot.store import REJECTED

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

# Request meta key the spiders set on article requests: {"source", "url", "update_time"}.
ARTICLE_META = "newsbot_article"
CHECKED = "checked"  # set in ARTICLE_META once the store was asked
# Request meta key of an article's page 2, 3 …: the URL of the article it continues.
ARTICLE_PAGE_META = "newsbot_article_page"


def article_meta(source: str, url: str, update_time: str = "") -> dict[str, Any]:
    """The meta an article request carries so the store can be consulted."""
    return {ARTICLE_META: {"source": source, "url": url, "update_time": update_time}}


def wanted(crawler: Crawler, article: dict[str, Any]) -> bool:
    """Whether to request an article (``request.meta[ARTICLE_META]``): not when the
    store has it, unless NEWSBOT_UPDATE is on and the list says it changed after it
    was exported, or it was gone or unusable longer than NEWSBOT_RETRY_REJECTED_AFTER
    ago. Counts why not; marks the article as checked."""
    article[CHECKED] = True
    record = ExportState.of(crawler).store.get(article["source"], article["url"])
    if record is None:
        return True
    settings, stats = crawler.settings, crawler.stats
    if record.status == REJECTED:
        if time.time() - record.checked_at >= settings.getfloat("NEWSBOT_RETRY_REJECTED_AFTER"):
            return True
        stats.inc_value("newsbot/skipped/rejected_before")
        return False
    if settings.getbool("NEWSBOT_UPDATE") and article.get("update_time", "") > record.update_time:
        stats.inc_value("newsbot/list/updated")
        return True
    stats.inc_value("newsbot/skipped/already_exported")
    return False
