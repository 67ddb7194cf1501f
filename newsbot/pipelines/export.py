"""ExportPipeline (900): the Markdown file and its record in the store."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from newsbot import images
from newsbot.exporter import (
    TEMP_PREFIX,
    MarkdownExporter,
    WriteResult,
    path_template,
    remove_stale_temp_files,
)
from newsbot.extensions.state import ExportState
from newsbot.items import Article
from newsbot.pipelines.base import ArticleDropped, _Step
from newsbot.store import EXPORTED, Record, read_record

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
        overwrite = update or self.exporter.overwrite
        if overwrite and self.taken(self.exporter.file_path(item), item):
            raise self.path_taken(item, self.exporter.file_path(item))  # never clobber another
        try:
            result, path = self.exporter.export(
                images.with_local_images(item), overwrite=update or None
            )
        except OSError as exc:
            self.stats.inc_value("newsbot/errors/write")
            self.logger.error("Could not write %s: %s", item.url, exc)
            self.remove_orphan_bundle(item)
            raise self.drop(item, "write_failed", str(exc)) from None
        if result is WriteResult.SKIPPED_EXISTING and self.taken(path, item):
            raise self.path_taken(item, path)
        self.stats.inc_value(f"newsbot/exported/{result.value}")
        if result is not WriteResult.SKIPPED_EXISTING:
            state.wrote(item.source, path)
        state.store.add(Record(item.source, item.url, str(path), item.update_time or item.date))
        self.logger.debug("%s %s", result.value, path)
        return item

    @staticmethod
    def taken(path: Path, item: Article) -> bool:
        """Whether ``path`` exists and holds another article (its source line's URL)."""
        if not path.exists():
            return False
        record = read_record(path)
        return record is None or record.url != item.url

    def path_taken(self, item: Article, path: Path) -> ArticleDropped:
        """Another article's file (ids that clash after sanitising, or a file that is
        not an article): this one is not written, so it is not recorded as exported
        (tried again next run) and the run fails."""
        self.stats.inc_value("newsbot/errors/path_taken")
        self.logger.error("Not written: %s would be %s, which holds another article",
                          item.url, path)  # fmt: skip
        return self.drop(item, "path_taken", str(path))

    def remove_orphan_bundle(self, item: Article) -> None:
        """Bundle mode: the images of an article whose index file could not be written
        (disk full) would make Hugo publish a folder of images; they go too."""
        if images.images_mode(self.settings) != images.BUNDLE:
            return
        try:
            index = self.exporter.file_path(item)
            if index.exists() or not index.parent.is_dir():
                return
            for path in index.parent.iterdir():
                if path.name.startswith((images.BUNDLE_PREFIX, TEMP_PREFIX)) and path.is_file():
                    path.unlink()
            index.parent.rmdir()
        except OSError as exc:
            self.logger.warning("Could not remove the images of unwritten %s: %s", item.url, exc)


_BY_CRAWLER: WeakKeyDictionary[Crawler, ExportPipeline] = WeakKeyDictionary()
