"""LocalImagesPipeline (250): the images of an article kept with the site
(NEWSBOT_IMAGES bundle or static), downloaded by Scrapy's FilesPipeline."""

from __future__ import annotations

import logging
import os
from io import BytesIO
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from scrapy import Request
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http.request import NO_CALLBACK
from scrapy.pipelines import media as scrapy_media
from scrapy.pipelines.files import FilesPipeline

from newsbot import images
from newsbot.distributed.addon import WRITER
from newsbot.exporter import remove_stale_temp_files, write_atomic
from newsbot.extensions.state import ExportState
from newsbot.items import Article
from newsbot.pipelines.export import ExportPipeline

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector
    from twisted.python.failure import Failure


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
        self.export = ExportPipeline.from_crawler(crawler)
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
        if settings.get("NEWSBOT_REDIS_URL") and settings.get("NEWSBOT_REDIS_ROLE") != WRITER:
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
