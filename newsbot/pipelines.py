"""The one item pipeline: validate, normalise, images, convert, export (one class
per step).

Every drop is counted as ``newsbot/dropped/<reason>`` and every write as
``newsbot/exported/<result>``; images (NEWSBOT_IMAGES) as ``newsbot/images/<what>``.
"""

from __future__ import annotations

import logging
import os
from io import BytesIO
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scrapy import Request
from scrapy.exceptions import DropItem, IgnoreRequest, NotConfigured
from scrapy.http.request import NO_CALLBACK
from scrapy.pipelines import media as scrapy_media
from scrapy.pipelines.files import FilesPipeline

from newsbot import images
from newsbot.dates import DateError, normalize_date
from newsbot.exporter import (
    TEMP_PREFIX,
    MarkdownExporter,
    WriteResult,
    remove_stale_temp_files,
    write_atomic,
)
from newsbot.extensions.state import ExportState
from newsbot.html import (
    IMAGE_SCHEMES,
    ParseTruncated,
    clean_body,
    clean_title,
    is_mojibake,
    one_line,
    safe_url,
    strip_surrogates,
)
from newsbot.items import REQUIRED_FIELDS, Article
from newsbot.markdown import summarize, to_markdown
from newsbot.store import EXPORTED, REJECTED, Record, read_record

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.settings import BaseSettings
    from scrapy.statscollectors import StatsCollector
    from twisted.python.failure import Failure


REPLACEMENT_CHAR = "\ufffd"

# Drops that say nothing about the article: it is tried again next run.
TRANSIENT_DROPS = frozenset({"write_failed", "path_taken"})


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
        strip_surrogates(item)  # a half emoji: nothing to show, and no UTF-8 for it
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
        item.title = clean_title(item.title)
        item.author = one_line(item.author)
        try:
            item.date = normalize_date(item.date, self.zone)
        except DateError as exc:
            raise self.drop(item, "bad_date", str(exc)) from None
        item.thumbnail = safe_url(item.thumbnail, item.url, IMAGE_SCHEMES)
        if item.body_html:
            try:
                cleaned = clean_body(item.body_html, item.url)
            except ParseTruncated as exc:
                raise self.drop(item, "truncated", f"body not fully readable: {exc}") from None
            # A photo story (a title and images, little or no text) is an article.
            if not cleaned.text and not cleaned.images:
                raise self.drop(item, "empty_body", "no text left after cleaning")
            item.body_html, item.images, text = cleaned.html, cleaned.images, cleaned.text
        else:
            text = " ".join(item.body.split())
        if len(text) < self.min_body_chars and not item.images:
            raise self.drop(item, "too_short", f"{len(text)} characters: not an article")
        if is_mojibake(item.title + text):
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
    The file links the local copies of the images the images step kept.
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
            path_template=images.export_path_template(settings),
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


# Failures Scrapy's media pipeline logs without a traceback (Scrapy 2.14+); each image
# failure is logged once here, as one WARNING line.
_QuietFailure: type[Exception] = getattr(scrapy_media, "_MediaRequestFiltered", Exception)


class ImageNotKept(images.ImageFailed, _QuietFailure):
    pass


class ImageStore:
    """Files below ``basedir``, written atomically and never replaced: a name is the
    hash of the content, so an existing file already holds these bytes. (Scrapy's
    FSFilesStore writes in place and creates its folder on start.)"""

    def __init__(self, basedir: str | os.PathLike[str]) -> None:
        self.basedir = Path(basedir)

    def path_of(self, path: str) -> Path:
        return self.basedir.joinpath(*PurePosixPath(path).parts)

    def persist_file(self, path: str, buf: BytesIO, info: Any, meta: Any = None,
                     headers: Any = None) -> bool:  # fmt: skip
        """Store the bytes; False when the file was there already."""
        target = self.path_of(path)
        if target.exists():
            return False
        return write_atomic(target, buf.getvalue(), replace=False)

    def stat_file(self, path: str, info: Any) -> dict[str, Any]:
        target = self.path_of(path)
        try:
            return {"last_modified": target.stat().st_mtime}
        except OSError:
            return {}


class LocalImagesPipeline(FilesPipeline):
    """Downloads an article's images (NEWSBOT_IMAGES ``bundle`` or ``static``) with
    Scrapy's FilesPipeline: the engine's downloader, so per-host concurrency,
    AutoThrottle, the retries and the size limit apply, and each request carries the
    article as ``Referer`` (image hosts refuse hotlinks without it). Like a browser
    showing the article, it does not read the image host's robots.txt (Scrapy's
    offsite filter drops that request: the host is not one of the spider's domains).

    A kept image is stored under the hash of its bytes (:mod:`newsbot.images`) and
    the article's file links it (ExportPipeline writes with the links swapped; the
    item itself keeps the sources' URLs, so a feed of it can be rendered again). An
    image that fails keeps its remote link and is counted; the article is written.
    Images of an article whose file will not be written are not fetched.
    """

    STORE_SCHEMES = {"": ImageStore, "file": ImageStore}  # type: ignore[dict-item]
    MEDIA_NAME = "image"

    def __init__(self, store_uri: str, *, crawler: Crawler, mode: str) -> None:
        super().__init__(store_uri, crawler=crawler)
        self.mode = mode
        settings = crawler.settings
        self.stats: StatsCollector = crawler.stats
        self.logger = logging.getLogger(f"{__name__}.{type(self).__name__}")
        self.max_bytes = settings.getint("NEWSBOT_IMAGES_MAX_BYTES")
        self.max_per_article = settings.getint("NEWSBOT_IMAGES_MAX_PER_ARTICLE")
        self.convert_formats = images.convert_formats(settings)
        self.export = ExportPipeline(crawler)
        self.export_root = self.export.exporter.export_dir
        self.static_root = images.static_dir(settings)  # covers (newsbot.images)
        # Images may redirect to a CDN; Scrapy's RedirectMiddleware follows them then.
        self.allow_redirects = True
        self._handle_statuses(True)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LocalImagesPipeline:
        settings = crawler.settings
        mode = images.images_mode(settings)
        if mode == images.REMOTE:
            raise NotConfigured  # the default: nothing to do, nothing logged
        if settings.get("NEWSBOT_REDIS_URL") and settings.get("NEWSBOT_REDIS_ROLE") != "writer":
            # The files are written by `scrapy drain`, elsewhere: copies made here
            # would not be beside them. The articles link the sources' images.
            logging.getLogger(__name__).warning(
                "NEWSBOT_IMAGES=%s is not supported in a distributed crawl yet: "
                "images are linked remotely",
                mode,
            )
            raise NotConfigured
        if mode == images.BUNDLE:
            root = Path(settings.get("NEWSBOT_EXPORT_DIR") or "exports").resolve()
        else:
            root = images.static_dir(settings)
        return cls(str(root), crawler=crawler, mode=mode)

    def open_spider(self, spider: Any = None) -> None:
        if spider is None:
            super().open_spider()
        else:  # Scrapy before 2.14 passes the spider
            super().open_spider(spider)
        if self.mode != images.STATIC:
            return  # bundle: in the export folder, which ExportPipeline cleans
        removed = remove_stale_temp_files(self.store.basedir)
        if removed:
            self.logger.info("Removed %d temporary image files of an interrupted run", removed)

    # --- requests -----------------------------------------------------------------

    def get_media_requests(self, item: Article, info: Any) -> list[Request]:
        urls = images.wanted_images(item)
        if urls and not self.export.will_write(item):
            urls = []  # exported already (render of a saved feed): nothing to fetch
        if self.max_per_article > 0 and len(urls) > self.max_per_article:
            self.stats.inc_value("newsbot/images/over_limit", len(urls) - self.max_per_article)
            urls = urls[: self.max_per_article]
        setattr(item, "_newsbot_image_urls", urls)  # noqa: B010 (not a field)
        return [self.image_request(url, item) for url in urls]

    def image_request(self, url: str, item: Article) -> Request:
        meta: dict[str, Any] = {"allow_offsite": True}  # image hosts are not the spider's
        if self.max_bytes > 0:  # else DOWNLOAD_MAXSIZE
            meta.update(download_maxsize=self.max_bytes, download_warnsize=0)
        return Request(
            url,
            headers={"Referer": item.url, "Accept": images.ACCEPT},
            meta=meta,
            dont_filter=True,
            callback=NO_CALLBACK,
        )

    def media_to_download(self, request: Request, info: Any, *, item: Any = None) -> None:
        """Always download: the file's name is the hash of bytes not yet seen."""
        return None

    def media_failed(self, failure: Failure, request: Request, info: Any) -> Any:
        value = failure.value
        if isinstance(value, images.ImageFailed):
            raise value  # refused in media_downloaded, logged there
        if isinstance(value, IgnoreRequest):
            reason = "filtered"  # by a downloader middleware
        elif "max size" in str(value):  # NEWSBOT_IMAGES_MAX_BYTES: download cancelled
            reason = "too_large"
        else:
            reason = type(value).__name__
        self.warn(request, reason, str(value))
        raise ImageNotKept(reason, str(value))

    def media_downloaded(self, response: Response, request: Request, info: Any, *,
                         item: Any = None) -> Any:  # fmt: skip
        if response.status != 200:
            raise self.failed(request, f"http_{response.status}", f"HTTP {response.status}")
        if not response.body:
            raise self.failed(request, "empty", "no content")
        kind = images.sniff(response.body)
        if kind is None:
            content_type = response.headers.get("Content-Type", b"").decode("latin-1")
            raise self.failed(request, "not_image", f"not an image ({content_type or '?'})")
        try:
            data, ext = images.convert(response.body, kind, self.convert_formats)
        except images.ImageFailed as exc:
            raise self.failed(request, exc.reason, str(exc)) from None
        request.meta["_newsbot_image"] = (data, ext)
        self.stats.inc_value("newsbot/images/downloaded")
        return super().media_downloaded(response, request, info, item=item)

    def failed(self, request: Request, reason: str, detail: str) -> ImageNotKept:
        self.warn(request, reason, detail)
        return ImageNotKept(reason, detail)

    def warn(self, request: Request, reason: str, detail: str) -> None:
        self.logger.warning(
            "Image not downloaded, remote link kept: %s (%s) in %s",
            request.url, detail or reason, request.headers.get("Referer", b"").decode("latin-1"),
        )  # fmt: skip

    # --- files --------------------------------------------------------------------

    def file_path(self, request: Request, response: Response | None = None, info: Any = None,
                  *, item: Any = None) -> str:  # fmt: skip
        payload = request.meta.get("_newsbot_image")
        if payload is None:  # only asked before a download, which media_to_download skips
            return super().file_path(request, response, info, item=item)
        name = images.content_name(*payload)
        return images.store_path(self.mode, name, item, self.bundle_dir(item))

    def bundle_dir(self, item: Article) -> PurePosixPath:
        folder = self.export.exporter.file_path(item).parent
        return PurePosixPath(folder.relative_to(self.export_root).as_posix())

    def file_downloaded(self, response: Response, request: Request, info: Any, *,
                        item: Any = None) -> str:  # fmt: skip
        path = self.file_path(request, response=response, info=info, item=item)
        data, _ = request.meta.pop("_newsbot_image")
        try:
            if self.store.persist_file(path, BytesIO(data), info):
                self.stored(item, path)
        except OSError as exc:
            self.stats.inc_value("newsbot/errors/write")
            self.logger.error("Could not write image %s: %s", self.store.path_of(path), exc)
            raise ImageNotKept("write_failed", str(exc)) from None
        return path.rsplit("/", 1)[-1].split(".")[0]

    def stored(self, item: Article, path: str) -> None:
        self.stats.inc_value("newsbot/images/stored")
        ExportState.of(self.crawler).wrote(item.source, self.store.path_of(path))

    # --- the article ----------------------------------------------------------------

    def item_completed(self, results: list[Any], item: Article, info: Any) -> Article:
        urls: list[str] = getattr(item, "_newsbot_image_urls", [])
        links: dict[str, str] = {}
        for url, (ok, value) in zip(urls, results, strict=True):
            if ok:
                path = self.place(value["path"], item)
                if path:
                    links[url] = images.link_of(self.mode, path)
                    continue
                reason = "missing"
            else:
                reason = getattr(value.value, "reason", type(value.value).__name__)
            self.stats.inc_value("newsbot/images/failed")
            self.stats.inc_value(f"newsbot/images/errors/{reason}")
        self.stats.inc_value("newsbot/images/local", len(links))
        images.set_local_images(item, links)
        cover = links.get(item.thumbnail) if item.thumbnail else None
        if cover:
            images.set_local_cover(item, self.cover(cover, item))
        return item

    def cover(self, link: str, item: Article) -> str:
        """The cover's front matter value: its static path (newsbot.images), in bundle
        mode a copy of the bundle's file there; "" (the remote URL stays) if that fails."""
        name = PurePosixPath(link).name.removeprefix(images.BUNDLE_PREFIX)
        path = images.cover_path(name, item)
        if self.mode == images.STATIC:
            return path
        target = self.static_root.joinpath(*PurePosixPath(path).parts)
        try:
            if not target.exists():
                source = self.store.path_of(str(self.bundle_dir(item) / PurePosixPath(link).name))
                if write_atomic(target, source.read_bytes(), replace=False):
                    ExportState.of(self.crawler).wrote(item.source, target)
        except OSError as exc:
            self.logger.warning("Could not copy cover %s to %s: %s", link, target, exc)
            return ""
        return path

    def place(self, path: str, item: Article) -> str | None:
        """The image's path for this article: where it was stored, or (an image shared
        with an article of another bundle or source in this run) a copy of it there."""
        wanted = images.store_path(self.mode, PurePosixPath(path).name.removeprefix(
            images.BUNDLE_PREFIX), item, self.bundle_dir(item))  # fmt: skip
        target = self.store.path_of(wanted)
        if wanted == path or target.exists():
            return wanted
        try:
            data = self.store.path_of(path).read_bytes()
            if self.store.persist_file(wanted, BytesIO(data), None):
                self.stored(item, wanted)
        except OSError as exc:
            self.logger.warning("Could not copy image %s to %s: %s", path, target, exc)
            return None
        return wanted
