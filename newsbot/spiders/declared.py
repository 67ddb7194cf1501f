"""The spider every declared source runs (newsbot/sources/<name>.toml).

It only routes: list requests from the entry, list answers to the list page object,
article requests for the new entries, article pages to the article page object.
``newsbot.spiderloader`` makes one subclass per source, named after it, so
``scrapy crawl tradingview`` runs this spider with tradingview's entry.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from http.cookies import SimpleCookie
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from scrapy.http import Request, Response

from newsbot.middlewares import ARTICLE_META, article_meta, wanted
from newsbot.pages.declared import (
    DeclaredArticlePage,
    DeclaredEntry,
    DeclaredListPage,
    Skipped,
    entry_item,
    fill,
)
from newsbot.parsers.common import ListAPIError, ListPage
from newsbot.sourceconfig import (
    SECRET_RE,
    ArticleConfig,
    ListConfig,
    RequestConfig,
    SourceConfig,
)
from newsbot.spiders.base import ArgumentError, NewsSpider, positive_int, split_list

ACCEPT = {
    "json": "application/json, text/plain, */*",
    "jsonp": "*/*",
    "html": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "feed": "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8",
}


class MissingSecret(LookupError):
    """A ``${VAR}`` of a source's requests that neither the settings nor the
    environment define."""


class DeclaredSpider(NewsSpider):
    """Arguments: ``pages`` per list (default 1), ``lists`` (comma list of list names
    or numbers, default all), ``limit`` (articles per list answer), ``url`` (comma
    list of article URLs; skips the lists)."""

    config: ClassVar[SourceConfig]
    enabled: ClassVar[bool] = True

    @classmethod
    def update_settings(cls, settings: Any) -> None:
        super().update_settings(settings)
        config = getattr(cls, "config", None)
        if config is not None and config.impersonate and settings.getbool("NEWSBOT_IMPERSONATE"):
            # Only requests with meta["impersonate"] go through curl_cffi; the handler
            # passes the others to Scrapy's own.
            handler = "scrapy_impersonate.ImpersonateDownloadHandler"
            settings.set("DOWNLOAD_HANDLERS", {"http": handler, "https": handler}, "spider")

    def parse_arguments(
        self,
        pages: str | int = 1,
        lists: str | None = None,
        limit: str | int | None = None,
        url: str | None = None,
        **_: Any,
    ) -> None:
        self.pages = positive_int("pages", pages)
        self.limit = positive_int("limit", limit) if limit is not None else None
        self.lists = self.pick_lists(split_list(lists))
        self.entries = [DeclaredEntry(id="", url=u) for u in split_list(url)]

    def pick_lists(self, wanted_names: list[str]) -> list[tuple[int, ListConfig]]:
        numbered = list(enumerate(self.config.lists, 1))
        if not wanted_names:
            return numbered
        names = {entry.name or str(n): (n, entry) for n, entry in numbered}
        unknown = [name for name in wanted_names if name not in names]
        if unknown:
            raise ArgumentError(f"-a lists: unknown list(s) {unknown}; {self.name} has "
                                f"{', '.join(names)}")  # fmt: skip
        return [names[name] for name in wanted_names]

    # --- settings the page objects need ------------------------------------------

    @property
    def site_zone(self) -> ZoneInfo:
        return ZoneInfo(self.settings.get("NEWSBOT_TIMEZONE"))

    @property
    def now(self) -> datetime | None:
        """NEWSBOT_NOW (for reproducible relative dates), else None: the clock."""
        value = self.settings.get("NEWSBOT_NOW")
        return datetime.fromisoformat(value) if value else None

    def secret(self, name: str) -> str:
        value = self.settings.get(name) or os.environ.get(name)
        if not value:
            raise MissingSecret(name)
        return str(value)

    def resolve(self, text: str) -> str:
        return SECRET_RE.sub(lambda match: self.secret(match.group(1)), text)

    def headers(self, *extra: dict[str, str]) -> dict[str, str]:
        merged: dict[str, str] = {}
        for headers in (self.config.headers, *extra):
            merged.update({key: self.resolve(value) for key, value in headers.items()})
        return merged

    def with_cookies(self, headers: dict[str, str]) -> dict[str, Any]:
        """Request arguments: the headers, and a Cookie header as ``cookies`` (Scrapy's
        cookie middleware replaces a Cookie header with its jar's)."""
        cookie = next((headers.pop(k) for k in list(headers) if k.lower() == "cookie"), "")
        jar = SimpleCookie()
        jar.load(cookie)
        return {"headers": headers, "cookies": {k: m.value for k, m in jar.items()}}

    # --- requests ------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        if not self.arguments_ok():
            return
        missing = [name for name in self.config.secrets()
                   if not (self.settings.get(name) or os.environ.get(name))]  # fmt: skip
        if missing:
            self.count("errors/missing_secret")
            self.logger.error(
                "Source %s needs the secret %s: set it in the environment or with -s %s=...; "
                "nothing was requested", self.name, ", ".join(missing), missing[0],
            )  # fmt: skip
            return
        if self.entries:
            for request in self.entry_requests(ListPage(self.entries)):
                yield request
            return
        for request in self.list_requests():
            yield request

    def list_requests(self) -> Iterator[Request]:
        for number, listing in self.lists:
            for page in range(self.pages):
                yield self.list_request(number, listing, page)

    def list_request(self, number: int, listing: ListConfig, page: int) -> Request:
        url, body = self.resolve(listing.url), listing.json
        if listing.paging is not None:
            value = listing.paging.start + page * listing.paging.step
            if isinstance(body, dict) and listing.paging.param in body:
                body = {**body, listing.paging.param: value}
            else:
                url = with_query(url, listing.paging.param, str(value))
        headers = {"Accept": ACCEPT[listing.format], "Referer": self.config.site or url}
        headers.update(self.headers(listing.headers))
        if body is not None:
            payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
            headers.setdefault("Content-Type", "application/json")
        else:
            payload = self.resolve(listing.body).encode("utf-8") if listing.body else b""
            if payload:
                headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        return Request(
            url, method=listing.method, body=payload, **self.with_cookies(headers),
            callback=self.parse_list, errback=self.request_failed, dont_filter=True,
            cb_kwargs={"number": number, "page": page}, meta=self.impersonation(),
        )  # fmt: skip

    def impersonation(self) -> dict[str, Any]:
        if self.config.impersonate and self.settings.getbool("NEWSBOT_IMPERSONATE"):
            return {"impersonate": self.settings.get("NEWSBOT_IMPERSONATE_BROWSER")}
        return {}

    async def parse_list(self, response: Response, number: int, page: int) -> AsyncIterator[Any]:
        listing = dict(self.lists)[number]
        # A list with the whole article (a body field) and no [article] needs no page.
        where = f"list {listing.name or number} page {page + 1} of {self.name}"
        result = await self.read_list(response, lambda: self.list_page(response, listing), where)
        if not isinstance(result, ListPage):
            if result is not None:
                yield result  # the retry of an unusable answer
            return
        for url in getattr(result, "sitemaps", []):
            yield response.request.replace(url=url)  # children of a sitemap index
        if self.limit:
            result.entries = result.entries[: self.limit]
        if self.list_carries_articles(listing):
            for item in self.list_items(result):
                yield item
            return
        for request in self.entry_requests(result, referer=response.url):
            yield request

    def list_carries_articles(self, listing: ListConfig) -> bool:
        """Whether a list's entries are whole articles (a body field): no page to fetch,
        unless the source prefers the page's body."""
        article = self.config.article
        return "body" in listing.fields and not (article and "body" in article.prefer_page)

    def list_page(self, response: Response, listing: ListConfig) -> ListPage:
        try:
            text = response.text
        except AttributeError:  # a non-text answer (an image, a PDF)
            raise ListAPIError("answer is not text") from None
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        return DeclaredListPage(
            self.config, listing, text, response.url, body=response.body,
            content_type=content_type, site_zone=self.site_zone,
        ).to_list()  # fmt: skip

    def list_items(self, listing: ListPage) -> Iterator[Any]:
        """Items of a list that carries whole articles, those not exported yet."""
        for entry in self.new_entries(listing):
            meta = article_meta(self.name, entry.url, entry.update_time)[ARTICLE_META]
            if wanted(self.crawler, meta):
                yield entry_item(self.config, entry, site_zone=self.site_zone, now=self.now)

    def entry_urls(self, entry: Any) -> tuple[str, str]:
        """The URL to fetch (the article's detail API where the source declares one)
        and the URL the file links to (the entry's)."""
        template = self.config.article.url if self.config.article else ""
        if not template:
            return entry.url, entry.url
        return self.resolve(fill(template, template_values(entry)) or entry.url), entry.url

    def article_request(self, url: str, canonical_url: str, callback: Any, update_time: str = "",
                        **kwargs: Any) -> Request:  # fmt: skip
        article = self.config.article or ArticleConfig()
        entry = kwargs.get("cb_kwargs", {}).get("entry", {})
        values = template_values(DeclaredEntry(**entry)) if entry else {}
        kwargs.update(self.request_parts(article.request, values, kwargs.pop("headers", {})))
        kwargs.setdefault("meta", {}).update(self.impersonation())
        return super().article_request(url, canonical_url, callback, update_time, **kwargs)

    def request_parts(self, request: RequestConfig, values: dict[str, str],
                      headers: dict[str, str]) -> dict[str, Any]:  # fmt: skip
        """Method, body, headers and cookies of a declared request, its templates filled."""
        headers = {**headers, **self.headers(request.headers)}
        body = b""
        if request.json is not None:
            body = json.dumps(fill_all(request.json, values), ensure_ascii=False).encode()
            headers.setdefault("Content-Type", "application/json")
        elif request.data:
            body = self.resolve(fill(request.data, values) or "").encode("utf-8")
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        return {"method": request.method, "body": body, **self.with_cookies(headers)}

    def parse_article(self, response: Response, entry: dict[str, Any],
                      step: str = "") -> Iterator[Any]:  # fmt: skip
        try:
            text = response.text
        except AttributeError:
            self.count("dropped/not_text")
            self.logger.warning("Not a text page: %s", response.url)
            return
        article = self.config.article or ArticleConfig()
        first_step = article.then is not None and step != "then"
        try:
            page = DeclaredArticlePage(
                self.config, text, response.url, DeclaredEntry(**entry),
                site_zone=self.site_zone, now=self.now,
                fmt=article.request.format if first_step else "",
            )  # fmt: skip
            if first_step:
                yield from self.next_step(response, page, entry)
                return
            yield page.to_item()
        except Skipped as skipped:
            self.count(f"skipped/{skipped.kind}")
        except ListAPIError as exc:  # a detail API that answered no JSON
            self.count("errors/article_api")
            self.logger.error("Article answer unusable: %s (%s)", response.url, exc)

    def next_step(self, response: Response, page: DeclaredArticlePage,
                  entry: dict[str, Any]) -> Iterator[Request]:  # fmt: skip
        """The request an article's first answer leads to ([article.then])."""
        then = self.config.article.then  # type: ignore[union-attr]
        values = {**template_values(page.entry), **page.vars()}
        url = fill(then.url, values)
        if not url:
            self.count("dropped/no_next_step")
            self.logger.warning("No %s in %s: the article's next request cannot be made",
                                ", ".join(page.article.vars), response.url)  # fmt: skip
            return
        yield response.request.replace(
            url=response.urljoin(self.resolve(url)),
            **self.request_parts(then, values, {"Referer": response.url}),
            cb_kwargs={"entry": entry, "step": "then"}, meta={**response.request.meta},
        )  # fmt: skip


def template_values(entry: DeclaredEntry) -> dict[str, str]:
    """What ``{name}`` can stand for in a source's request templates."""
    return {"id": entry.id, "url": entry.url, **entry.fields}


def fill_all(value: Any, values: dict[str, str]) -> Any:
    """A JSON body (TOML tables, arrays, strings) with ``{name}`` filled in its strings."""
    if isinstance(value, str):
        return fill(value, values) or value
    if isinstance(value, dict):
        return {key: fill_all(item, values) for key, item in value.items()}
    if isinstance(value, list):
        return [fill_all(item, values) for item in value]
    return value


def with_query(url: str, name: str, value: str) -> str:
    """``url`` with the query parameter ``name`` set to ``value``."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != name]
    query.append((name, value))
    return urlunsplit(parts._replace(query=urlencode(query, safe=":,[]{}%\"")))


def spider_class(config: SourceConfig) -> type[DeclaredSpider]:
    """The spider class of one declared source, named after it."""
    attributes = {
        "name": config.name,
        "config": config,
        "source": config.name,
        "lang": config.lang,
        "site_url": config.site or config.lists[0].url,
        "discovery": config.discovery(),
        "enabled": config.enabled,
        "__doc__": DeclaredSpider.__doc__,
        "__module__": __name__,
    }
    if config.allowed_domains:
        attributes["allowed_domains"] = list(config.allowed_domains)
    class_name = "".join(part.title() for part in config.name.replace("-", "_").split("_"))
    return type(f"{class_name}Spider", (DeclaredSpider,), attributes)
