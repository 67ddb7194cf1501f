"""ExportPipeline (900): the Markdown file and its record in the store."""

from __future__ import annotations

from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from newsbot import images
from newsbot.exporter import MarkdownExporter, WriteResult, path_template, remove_stale_temp_files
from newsbot.extensions.state import ExportState
from newsbot.items import Article
from newsbot.pipelines.base import _Step
from newsbot.store import EXPORTED, Record

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class ExportPipeline(_Step):
    """Writes the Markdown file (see :class:`~newsbot.exporter.MarkdownExporter`) and
    records it in the store of exported articles.

    An article the store knows is rewritten only with NEWSBOT_UPDATE when its
    update time is newer than the exported one's (or with NEWSBOT_OVERWRITE).
    The file links the local copies of the images the images step kept.

    One per crawler (``from_crawler``): the images step asks the same one which
    files will be written and where.
    """

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExportPipeline:
        pipeline = _BY_CRAWLER.get(crawler)
        if not isinstance(pipeline, cls):
            pipeline = _BY_CRAWLER[crawler] = cls(crawler)
        return pipeline

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        settings = self.settings
        self.update = settings.getbool("NEWSBOT_UPDATE")
        export_dir = settings.get("NEWSBOT_EXPORT_DIR")
        if not export_dir:
            raise ValueError("NEWSBOT_EXPORT_DIR setting must be set (the folder to write to)")
        self.exporter = MarkdownExporter(
            export_dir,
            path_template=path_template(settings),
            overwrite=settings.getbool("NEWSBOT_OVERWRITE"),
        )
        # A broken template must stop the run before the first request, not per item.
        self.exporter.file_path(Article(id="probe", lang="und", source="probe"))

    def open_spider(self) -> None:
        removed = remove_stale_temp_files(self.exporter.export_dir)
        if removed:
            self.logger.info("Removed %d temporary files left by an interrupted run", removed)

    def is_update(self, item: Article) -> bool:
        """Whether the store's copy of the article is older than this one (NEWSBOT_UPDATE)."""
        if not self.update:
            return False
        known = ExportState.of(self.crawler).store.get(item.source, item.url)
        return (
            known is not None and known.status == EXPORTED and item.update_time > known.update_time
        )

    def will_write(self, item: Article) -> bool:
        """Whether :meth:`process_item` would write the article's file."""
        return (
            self.exporter.overwrite
            or not self.exporter.file_path(item).exists()
            or self.is_update(item)
        )

    def process_item(self, item: Article) -> Article:
        state = ExportState.of(self.crawler)
        update = self.is_update(item)
        try:
            result, path = self.exporter.export(
                images.with_local_images(item), overwrite=update or None
            )
        except OSError as exc:
            self.stats.inc_value("newsbot/errors/write")
            self.logger.error("Could not write %s: %s", item.url, exc)
            raise self.drop(item, "write_failed", str(exc)) from None
        self.stats.inc_value(f"newsbot/exported/{result.value}")
        if result is not WriteResult.SKIPPED_EXISTING:
            state.wrote(item.source, path)
        state.store.add(Record(item.source, item.url, str(path), item.update_time or item.date))
        self.logger.debug("%s %s", result.value, path)
        return item


_BY_CRAWLER: WeakKeyDictionary[Crawler, ExportPipeline] = WeakKeyDictionary()
