"""What every newsbot spider shares: argument parsing, failure accounting, backoff."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from types import ModuleType
from typing import Any

import scrapy
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from newsbot.downloadermiddlewares import is_utf8
from newsbot.extensions.state import ExportState
from newsbot.middlewares import ARTICLE_META, article_meta, wanted
from newsbot.parsers.common import ListAPIError, ListEntry, ListPage
from newsbot.store import REJECTED, Record

# Answers that mean the article is not there (not "try again").
GONE = frozenset({"http_404", "http_410"})


def split_list(value: str | list[str] | None) -> list[str]:
    """A comma-separated spider argument (``-a channels=a,b``) as a list."""
    if value is None:
        return []
    parts = value if isinstance(value, list) else str(value).split(",")
    return [part.strip() for part in parts if part.strip()]


def positive_int(name: str, value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        raise ArgumentError(f"-a {name} must be a whole number >= 1, got {value!r}")
    return number


def utf8_body(response: Response) -> bytes:
    """The response's bytes if its text is their UTF-8 decoding, else ``b""``."""
    return response.body if is_utf8(getattr(response, "encoding", None)) else b""


def json_or_none(response: Response) -> Any:
    """The decoded JSON answer (a UTF-8 BOM allowed), or None when it is not JSON text."""
    try:
        return response.json()
    except (ValueError, AttributeError):
        pass
    try:
        return json.loads(response.text.lstrip("\ufeff"))
    except (ValueError, AttributeError):
        return None


class ArgumentError(ValueError):
    """A spider argument (``-a name=value``) that cannot be used."""


class NewsSpider(scrapy.Spider):
    """Base of the source spiders. Subclasses set ``name``, ``source`` and ``lang``.

    A subclass parses its arguments in ``parse_arguments``; an ArgumentError there
    becomes one clear log line and a run that requests nothing (and ``scrapy
    crawl`` exits with status 2), not a traceback.

    A list-based source also sets ``parser`` (its newsbot.parsers module) and
    ``site_url``, yields its first list requests from ``list_requests`` and reads
    each list answer with ``read_list`` and ``new_entries``; ``-a url`` entries
    (``self.entries``) skip the lists.
    """

    source: str = ""
    lang: str = ""
    site_url: str = ""
    parser: ModuleType
    # The ERROR line of a list answer that stays unusable; fields where, url, error.
    list_failed = "List API failed for {where} ({url}): {error}"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.argument_error = ""
        self.seen: set[str] = set()  # ids of the articles requested in this run
        self.entries: list[ListEntry] = []  # articles given with -a url
        try:
            self.parse_arguments(**kwargs)
        except ArgumentError as exc:
            self.argument_error = str(exc)

    def parse_arguments(self, **kwargs: Any) -> None:
        """Read the spider's ``-a`` arguments; raise ArgumentError when one is unusable."""

    def url_entries(self, urls: str | None, expected: str) -> list[ListEntry]:
        """The entries of ``-a url`` (``parser.entry_from_url``); an ArgumentError for a
        URL that is not ``expected`` ("a ... article URL (expected ...)")."""
        entries = []
        for url in split_list(urls):
            entry = self.parser.entry_from_url(url)
            if entry is None:
                raise ArgumentError(f"-a url: {url!r} is not {expected}")
            entries.append(entry)
        return entries

    def arguments_ok(self) -> bool:
        """False (after logging why) when the arguments were unusable."""
        if self.argument_error:
            self.count("errors/bad_argument")
            self.logger.error("Bad spider argument: %s", self.argument_error)
        return not self.argument_error

    async def start(self) -> AsyncIterator[Request]:
        if not self.arguments_ok():
            return
        if self.entries:
            for request in self.entry_requests(ListPage(self.entries)):
                yield request
            return
        for request in self.list_requests():
            yield request

    def list_requests(self) -> Iterable[Request]:
        """The first list requests of a run that discovers its articles."""
        return ()

    def count(self, key: str, n: int = 1) -> None:
        self.crawler.stats.inc_value(f"newsbot/{key}", n)

    def discovered(self, article_id: str, seen: set[str]) -> bool:
        """Record a listed article; False when this run already requested it."""
        if article_id in seen:
            self.count("list/duplicate")
            return False
        seen.add(article_id)
        self.count("discovered")
        return True

    async def read_list(
        self, response: Response, parse: Callable[[], ListPage], where: str
    ) -> ListPage | Request | None:
        """``parse()`` of a list answer; when it raises ListAPIError, a retry after a
        backoff, else (retries spent) one ERROR line (``list_failed``) and None."""
        try:
            return parse()
        except ListAPIError as exc:
            retry = await self.retry_later(response, f"list answered {exc}")
            if retry is not None:
                return retry
            self.count("errors/list_api")
            self.logger.error(self.list_failed.format(where=where, url=response.url, error=exc))
            return None

    def new_entries(self, listing: ListPage) -> Iterator[ListEntry]:
        """The entries of a listing not yet requested in this run; what it skipped counted."""
        for kind, number in listing.skipped.items():
            self.count(f"skipped/{kind}", number)
        for entry in listing.entries:
            if self.discovered(entry.id or entry.url, self.seen):
                yield entry

    def entry_requests(self, listing: ListPage, referer: str = "") -> Iterator[Request]:
        """Requests for a listing's articles that are new in this run and not exported
        already. The store is asked before a request is built: a scheduled run mostly
        finds articles it has, and they then cost no request, nor Scrapy's middlewares."""
        for entry in self.new_entries(listing):
            url, canonical = self.entry_urls(entry)
            article = article_meta(self.source, canonical, entry.update_time)
            if wanted(self.crawler, article[ARTICLE_META]):
                yield self.article_request(
                    url,
                    canonical,
                    self.parse_article,
                    headers={"Referer": referer or self.site_url},
                    cb_kwargs={"entry": entry.to_dict()},
                    meta=article,  # checked already
                )

    def entry_urls(self, entry: ListEntry) -> tuple[str, str]:
        """The URL to fetch a listed article at, and the one it is exported as (the
        store's key); sources whose lists give no URL override it."""
        return entry.url, entry.url

    def parse_article(self, response: Response, entry: dict[str, str]) -> Any:
        yield self.parser.parse_article(
            response.text, response.url, ListEntry(**entry), body=utf8_body(response)
        )

    def request_failed(self, failure: Failure) -> None:
        """Errback: one error line with the URL and reason, and a counter."""
        request: Request = failure.request  # type: ignore[attr-defined]
        if failure.check(HttpError):
            status = failure.value.response.status
            kind, reason = f"http_{status}", f"HTTP {status}"
        else:
            kind = failure.type.__name__ if failure.type else "unknown"
            reason = f"{kind}: {failure.getErrorMessage()}"
        self.count(f"errors/{kind}")
        self.logger.error("Request failed: %s (%s)", request.url, reason)
        article = request.meta.get(ARTICLE_META)
        if article and kind in GONE:
            record = Record(article["source"], article["url"], status=REJECTED, reason=kind)
            ExportState.of(self.crawler).store.add(record)

    def article_request(
        self,
        url: str,
        canonical_url: str,
        callback: Any,
        update_time: str = "",
        **kwargs: Any,
    ) -> Request:
        """The request of an article page, marked so that an article already exported
        is not requested again (see newsbot.middlewares)."""
        meta = {**article_meta(self.source, canonical_url, update_time), **kwargs.pop("meta", {})}
        return Request(url, callback=callback, errback=self.request_failed, meta=meta, **kwargs)

    async def retry_later(self, response: Response, reason: str) -> Request | None:
        """A retry of ``response.request`` after an exponential backoff, or None when
        Scrapy's retry budget (RETRY_TIMES) is spent."""
        retry = get_retry_request(
            response.request, spider=self, reason=reason, give_up_log_level="DEBUG"
        )
        if retry is None:
            return None
        settings = self.crawler.settings
        tries = retry.meta.get("retry_times", 1)
        delay = min(
            settings.getfloat("NEWSBOT_RETRY_BACKOFF") * 2 ** (tries - 1),
            settings.getfloat("NEWSBOT_RETRY_BACKOFF_MAX"),
        )
        self.logger.info("Retrying %s in %.1fs: %s", response.url, delay, reason)
        await asyncio.sleep(delay)
        return retry
