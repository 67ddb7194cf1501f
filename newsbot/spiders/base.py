"""What every newsbot spider shares: argument parsing, failure accounting, backoff."""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from typing import Any

import scrapy
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.http import JsonRequest, Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.url import url_is_from_any_domain
from twisted.python.failure import Failure

from newsbot.articlemeta import ARTICLE_META, ARTICLE_PAGE_META, article_meta, wanted
from newsbot.downloadermiddlewares import is_utf8
from newsbot.extensions.state import ExportState
from newsbot.items import Article
from newsbot.pages.base import ArticlePageBase, ListAPIError, ListEntry, ListPage
from newsbot.store import REJECTED, Record

# Answers that mean the article is not there (not "try again").
GONE = frozenset({"http_404", "http_410"})
# Spider arguments that are not the source's: Scrapyd's job id.
COMMON_ARGUMENTS = frozenset({"_job"})


def split_list(value: str | list[str] | None) -> list[str]:
    """A comma-separated spider argument (``-a channels=a,b``) as a list."""
    if value is None:
        return []
    parts = value if isinstance(value, list) else str(value).split(",")
    return [part.strip() for part in parts if part.strip()]


def checked_list(
    name: str, value: str | None, valid: Callable[[str], bool], expected: str
) -> list[str]:
    """A comma-separated spider argument whose every item must be ``valid``; an
    ArgumentError "-a <name>: <item> is not <expected>" for one that is not."""
    items = split_list(value)
    for item in items:
        if not valid(item):
            raise ArgumentError(f"-a {name}: {item!r} is not {expected}")
    return items


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
    """Base of the source spiders. Subclasses set ``name``, ``source``, ``lang``,
    ``site_url`` and ``article_page`` (their ArticlePageBase subclass).

    A subclass parses its arguments in ``parse_arguments``; an ArgumentError there
    becomes one clear log line and a run that requests nothing (and ``scrapy
    crawl`` exits with status 2), not a traceback.

    Lists take one path: ``list_requests`` yields the first list requests (made by
    ``list_request``); each answer goes through ``parse_list``, which reads it with
    the source's ``list_page`` (retried, then logged once, when it raises
    ListAPIError), requests the new articles (``entry_requests``) and then what
    ``next_lists`` gives. ``-a url`` entries (``self.entries``) skip the lists.
    """

    source: str = ""
    lang: str = ""
    site_url: str = ""
    article_page: type[ArticlePageBase]
    # The ERROR line of a list answer that stays unusable.
    list_failed = "List failed: {where} ({url}): {error}"

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

    @classmethod
    def argument_names(cls) -> set[str]:
        """The ``-a`` names the spider takes: the named parameters of its
        ``parse_arguments`` (and of those it overrides)."""
        names: set[str] = set()
        for klass in cls.__mro__:
            method = klass.__dict__.get("parse_arguments")
            if method is None:
                continue
            for parameter in list(inspect.signature(method).parameters.values())[1:]:
                if parameter.kind in (parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY):
                    names.add(parameter.name)
        return names

    @classmethod
    def check_arguments(cls, settings: Any, kwargs: dict[str, Any]) -> str:
        """Why the ``-a`` arguments cannot be used ('' when they can), before any
        crawl: unknown names, empty values, and what ``parse_arguments`` refuses."""
        known = cls.argument_names()
        for name, value in kwargs.items():
            if name in COMMON_ARGUMENTS:
                continue
            if name not in known:
                takes = ", ".join(sorted(known)) or "no arguments"
                return f"-a {name}: {cls.name} takes no such argument; it takes {takes}"
            if not str(value).strip():
                return f"-a {name}: empty value; give {name}=VALUE or leave it out"
        spider = cls.__new__(cls)  # parse_arguments only: no crawler, no network
        try:
            spider.parse_arguments(**kwargs)
        except ArgumentError as exc:
            return str(exc)
        return ""

    def url_entries(
        self,
        urls: str | None,
        expected: str,
        article_id_from_url: Callable[[str], str | None],
        canonical_url: Callable[[str], str | None] | None = None,
    ) -> list[ListEntry]:
        """The entries of ``-a url``: each URL's id (and canonical URL, for sources
        whose entries carry one); an ArgumentError for a URL that is not ``expected``
        ("a ... article URL (expected ...)")."""
        entries = []
        for url in split_list(urls):
            article_id = article_id_from_url(url)
            if not article_id:
                raise ArgumentError(f"-a url: {url!r} is not {expected}")
            canonical = canonical_url(url) if canonical_url else ""
            entries.append(ListEntry(id=article_id, url=canonical or ""))
        return entries

    def arguments_ok(self) -> bool:
        """False (after logging why) when the arguments were unusable."""
        pages, limit = getattr(self, "pages", None), self.settings.getint("NEWSBOT_MAX_PAGES")
        if not self.argument_error and isinstance(pages, int) and pages > limit:
            # Every page is a request: a typo must not queue a billion of them.
            self.argument_error = (
                f"-a pages={pages} is more than NEWSBOT_MAX_PAGES={limit} (one request per "
                "page); raise the setting to read more"
            )
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
            self.warn_offsite(request)
            yield request

    def warn_offsite(self, request: Request) -> None:
        """One WARNING for a list request the offsite filter will drop (a list URL
        overridden to a host outside the source's allowed_domains)."""
        domains = getattr(self, "allowed_domains", None)
        if domains and not url_is_from_any_domain(request.url, domains):
            self.count("list/offsite")
            self.logger.warning(
                "List URL %s is outside %s's allowed_domains (%s): the offsite filter "
                "drops it", request.url, self.name, ", ".join(domains),
            )  # fmt: skip

    def list_requests(self) -> Iterable[Request]:
        """The first list requests of a run that discovers its articles."""
        return ()

    def list_request(
        self,
        url: str,
        where: str,
        state: dict[str, Any] | None = None,
        *,
        data: Any = None,
        **kwargs: Any,
    ) -> Request:
        """A list request, answered through ``parse_list``. ``where`` names the list
        in log lines, ``state`` comes back to ``list_page`` and ``next_lists`` as
        keyword arguments; ``data``: a JSON body (then a POST); ``kwargs``: Request's."""
        cls = Request if data is None else JsonRequest
        if data is not None:
            kwargs["data"] = data
        return cls(
            url,
            callback=self.parse_list,
            errback=self.request_failed,
            cb_kwargs={"where": where, **(state or {})},
            **kwargs,
        )

    async def parse_list(
        self, response: Response, where: str, **state: Any
    ) -> AsyncIterator[Request]:
        """The one path of a list answer: read by ``list_page`` (see ``read_list``),
        its new articles requested, then the lists ``next_lists`` gives."""
        listing = await self.read_list(response, lambda: self.list_page(response, **state), where)
        if isinstance(listing, Request):
            yield listing  # the retry of an unusable answer
        if not isinstance(listing, ListPage):
            return
        for request in self.entry_requests(listing, self.article_referer(response)):
            yield request
        for request in self.next_lists(response, listing, **state):
            yield request

    def list_page(self, response: Response, **state: Any) -> ListPage:
        """The source's page object's reading of a list answer (raises ListAPIError)."""
        raise NotImplementedError

    def next_lists(self, response: Response, listing: ListPage, **state: Any) -> Iterable[Request]:
        """The list requests that follow a list answer (its next page ...)."""
        return ()

    def article_referer(self, response: Response) -> str:
        """The Referer of the article requests of a list answer."""
        return self.site_url

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
        referer = referer or self.site_url
        for entry in self.new_entries(listing):
            url, canonical = self.entry_urls(entry)
            article = article_meta(self.source, canonical, entry.update_time)
            if wanted(self.crawler, article[ARTICLE_META]):
                yield self.article_request(
                    url,
                    canonical,
                    self.parse_article,
                    headers={"Referer": referer} if referer else None,
                    cb_kwargs={"entry": entry.to_dict()},
                    meta=article,  # checked already
                )

    def entry_urls(self, entry: ListEntry) -> tuple[str, str]:
        """The URL to fetch a listed article at, and the one it is exported as (the
        store's key); sources whose lists give no URL override it."""
        return entry.url, entry.url

    def parse_article(self, response: Response, entry: dict[str, str]) -> Any:
        page = self.article_page(
            response.text, response.url, ListEntry(**entry), body=utf8_body(response)
        )
        yield from self.next_article_page(page.to_item(), page, [response.url])

    def next_article_page(
        self, item: Article, page: ArticlePageBase, read: list[str]
    ) -> Iterator[Article | Request]:
        """The item when its last page is read, else the request of its next page: an
        article the site splits over pages is written whole or not at all."""
        next_url = page.next_page_url() if item.body_html else ""
        if not next_url or next_url in read:
            yield item
            return
        limit = self.settings.getint("NEWSBOT_ARTICLE_MAX_PAGES")
        if len(read) >= limit:
            self.count("article/page_limit")
            self.logger.warning(
                "Article %s has more than NEWSBOT_ARTICLE_MAX_PAGES=%d pages: written "
                "with its first %d", item.url, limit, limit
            )
            yield item
            return
        yield Request(
            next_url,
            callback=self.parse_article_page,
            errback=self.article_page_failed,
            headers={"Referer": read[-1]},
            cb_kwargs={"item": item, "read": [*read, next_url]},
            meta={ARTICLE_PAGE_META: item.url},
        )

    def parse_article_page(self, response: Response, item: Article, read: list[str]) -> Any:
        """Page 2, 3 … of an article: its body is appended to what the first pages gave."""
        page = self.article_page(
            response.text, response.url, ListEntry(id=item.id), body=utf8_body(response)
        )
        if not page.continue_item(item):
            self.count("dropped/incomplete")
            self.logger.error(
                "Article %s not written: its page %d (%s) has no body; it is read "
                "again next run", item.url, len(read), response.url
            )
            return
        self.count("article/pages")
        yield from self.next_article_page(item, page, read)

    def article_page_failed(self, failure: Failure) -> None:
        """Errback of page 2, 3 …: the article is not written (next run reads it again)."""
        self.request_failed(failure)
        item = failure.request.cb_kwargs["item"]  # type: ignore[attr-defined]
        self.count("dropped/incomplete")
        self.logger.error("Article %s not written: one of its pages failed; it is read "
                          "again next run", item.url)

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
            try:
                ExportState.of(self.crawler).store.add(record)
            except Exception as exc:  # sqlite3.Error, RedisError: not OSErrors
                self.count("errors/store")
                self.logger.error("Could not record %s as gone: %s", article["url"], exc)

    def article_request(
        self,
        url: str,
        canonical_url: str,
        callback: Any,
        update_time: str = "",
        **kwargs: Any,
    ) -> Request:
        """The request of an article page, marked so that an article already exported
        is not requested again (see newsbot.articlemeta)."""
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
