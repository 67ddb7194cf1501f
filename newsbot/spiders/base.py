"""What every newsbot spider shares: argument parsing, failure accounting, backoff."""

from __future__ import annotations

import asyncio
from typing import Any

import scrapy
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from newsbot.extensions.state import ExportState
from newsbot.middlewares import ARTICLE_META, article_meta
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


class ArgumentError(ValueError):
    """A spider argument (``-a name=value``) that cannot be used."""


class NewsSpider(scrapy.Spider):
    """Base of the source spiders. Subclasses set ``name``, ``source`` and ``lang``.

    A subclass parses its arguments in ``parse_arguments``; an ArgumentError there
    becomes one clear log line and a run that requests nothing (and ``scrapy
    crawl`` exits with status 2), not a traceback.
    """

    source: str = ""
    lang: str = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.argument_error = ""
        try:
            self.parse_arguments(**kwargs)
        except ArgumentError as exc:
            self.argument_error = str(exc)

    def parse_arguments(self, **kwargs: Any) -> None:
        """Read the spider's ``-a`` arguments; raise ArgumentError when one is unusable."""

    def arguments_ok(self) -> bool:
        """False (after logging why) when the arguments were unusable."""
        if self.argument_error:
            self.count("errors/bad_argument")
            self.logger.error("Bad spider argument: %s", self.argument_error)
        return not self.argument_error

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
        meta = {**kwargs.pop("meta", {}), **article_meta(self.source, canonical_url, update_time)}
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
