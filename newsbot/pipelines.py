"""The one item pipeline: validate, normalise, convert, export (one class per step).

Every drop is counted as ``newsbot/dropped/<reason>`` and every write as
``newsbot/exported/<result>``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scrapy.exceptions import DropItem

from newsbot.dates import DateError, normalize_date
from newsbot.exporter import MarkdownExporter, WriteResult, remove_stale_temp_files
from newsbot.extensions.state import ExportState
from newsbot.html import IMAGE_SCHEMES, clean_body, one_line, safe_url
from newsbot.items import REQUIRED_FIELDS, Article
from newsbot.markdown import summarize, to_markdown
from newsbot.store import EXPORTED, REJECTED, Record

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings
    from scrapy.statscollectors import StatsCollector


REPLACEMENT_CHAR = "\ufffd"

# Drops that say nothing about the article: it is tried again next run.
TRANSIENT_DROPS = frozenset({"write_failed"})


class ArticleDropped(DropItem):
    """An article left out for a named reason (the stats key's last part)."""

    def __init__(self, reason: str, item: Article, detail: str = "") -> None:
        self.reason = reason
        super().__init__(f"{reason}{': ' + detail if detail else ''} <{item.url or item.id}>")


class _Step:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.settings: BaseSettings = crawler.settings
        self.stats: StatsCollector = crawler.stats
        self.logger = logging.getLogger(type(self).__module__ + "." + type(self).__name__)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        return cls(crawler)

    def drop(self, item: Article, reason: str, detail: str = "") -> ArticleDropped:
        """Count the drop; remember the article as rejected unless the fault was ours."""
        self.stats.inc_value(f"newsbot/dropped/{reason}")
        if reason not in TRANSIENT_DROPS and item.source and item.url:
            record = Record(item.source, item.url, status=REJECTED, reason=reason)
            ExportState.of(self.crawler).store.add(record)
        return ArticleDropped(reason, item, detail)


def as_article(item: Any) -> Article:
    return item if isinstance(item, Article) else Article.from_dict(dict(item))


class ValidatePipeline(_Step):
    """Drops an article that lacks a required field."""

    def process_item(self, item: Any) -> Article:
        item = as_article(item)
        for name in REQUIRED_FIELDS:
            value = item.body_html or item.body if name == "body" else getattr(item, name)
            if not isinstance(value, str) or not value.strip():
                raise self.drop(item, f"missing_{name}")
        return item


class NormalisePipeline(_Step):
    """Cleans the body, fixes whitespace and the date format, writes the summary."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        name = self.settings.get("NEWSBOT_TIMEZONE", "Asia/Shanghai")
        try:
            self.zone = ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"NEWSBOT_TIMEZONE {name!r} is not a known time zone") from exc
        self.min_body_chars = self.settings.getint("NEWSBOT_MIN_BODY_CHARS")

    def process_item(self, item: Article) -> Article:
        item.id = item.id.strip()
        item.title = one_line(item.title)
        item.author = one_line(item.author)
        try:
            item.date = normalize_date(item.date, self.zone)
        except DateError as exc:
            raise self.drop(item, "bad_date", str(exc)) from None
        item.thumbnail = safe_url(item.thumbnail, item.url, IMAGE_SCHEMES)
        if item.body_html:
            cleaned = clean_body(item.body_html, item.url)
            if not cleaned.text:
                raise self.drop(item, "empty_body", "no text left after cleaning")
            item.body_html, item.images, text = cleaned.html, cleaned.images, cleaned.text
        else:
            text = " ".join(item.body.split())
        if len(text) < self.min_body_chars:
            raise self.drop(item, "too_short", f"{len(text)} characters: not an article")
        if REPLACEMENT_CHAR in item.title + text:
            # Bytes that did not decode: never publish mojibake.
            raise self.drop(item, "mojibake", "undecodable bytes in title or body")
        item.summary = summarize(text, item.lang)
        return item


class ConvertPipeline(_Step):
    """Markdown from the cleaned HTML, unless the item already carries it."""

    def process_item(self, item: Article) -> Article:
        if not item.body.strip():
            item.body = to_markdown(item.body_html)
        if not item.body:
            raise self.drop(item, "empty_body", "Markdown is empty")
        return item


class ExportPipeline(_Step):
    """Writes the Markdown file (see :class:`~newsbot.exporter.MarkdownExporter`) and
    records it in the store of exported articles.

    An article the store knows is rewritten only with NEWSBOT_UPDATE when its
    update time is newer than the exported one's (or with NEWSBOT_OVERWRITE).
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        settings = self.settings
        self.update = settings.getbool("NEWSBOT_UPDATE")
        export_dir = settings.get("NEWSBOT_EXPORT_DIR")
        if not export_dir:
            raise ValueError("NEWSBOT_EXPORT_DIR setting must be set (the folder to write to)")
        self.exporter = MarkdownExporter(
            export_dir,
            path_template=settings.get("NEWSBOT_PATH_TEMPLATE"),
            overwrite=settings.getbool("NEWSBOT_OVERWRITE"),
        )
        # A broken template must stop the run before the first request, not per item.
        self.exporter.file_path(Article(id="probe", lang="und", source="probe"))

    def open_spider(self) -> None:
        removed = remove_stale_temp_files(self.exporter.export_dir)
        if removed:
            self.logger.info("Removed %d temporary files left by an interrupted run", removed)

    def process_item(self, item: Article) -> Article:
        state = ExportState.of(self.crawler)
        known = state.store.get(item.source, item.url)
        update = (
            self.update
            and known is not None
            and known.status == EXPORTED
            and item.update_time > known.update_time
        )
        try:
            result, path = self.exporter.export(item, overwrite=update or None)
        except OSError as exc:
            self.stats.inc_value("newsbot/errors/write")
            self.logger.error("Could not write %s: %s", item.url, exc)
            raise self.drop(item, "write_failed", str(exc)) from None
        self.stats.inc_value(f"newsbot/exported/{result.value}")
        if result is not WriteResult.SKIPPED_EXISTING:
            state.written.append((item.source, path))
        state.store.add(Record(item.source, item.url, str(path), item.update_time or item.date))
        self.logger.debug("%s %s", result.value, path)
        return item
