"""Any site with a feed: one spider for every entry of the sources file.

``scrapy crawl feed -a source=NAME`` runs one entry of NEWSBOT_SOURCES_FILE;
``scrapy crawlall`` runs each entry as a source of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapy.http import Request, Response
from scrapy.utils.url import url_is_from_any_domain

from newsbot.feedconfig import FeedSource, SourceConfigError, load_sources
from newsbot.pages import feed
from newsbot.pages.base import ListPage
from newsbot.spiders.base import ArgumentError, NewsSpider, positive_int

FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8"


class FeedSpider(NewsSpider):
    """Arguments: ``source`` (an entry name, required), ``limit`` (articles per feed)."""

    name = "feed"
    site_url = ""
    discovery = "RSS/Atom feeds and sitemaps from newsbot/sources.toml"

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> FeedSpider:
        kwargs.setdefault("sources_file", crawler.settings.get("NEWSBOT_SOURCES_FILE"))
        return super().from_crawler(crawler, *args, **kwargs)

    def parse_arguments(
        self,
        source: str | None = None,
        limit: str | int | None = None,
        sources_file: str | None = None,
        **_: Any,
    ) -> None:
        self.limit = positive_int("limit", limit) if limit is not None else None
        try:
            sources = load_sources(sources_file)
        except SourceConfigError as exc:
            raise ArgumentError(str(exc)) from None
        if source not in sources:
            raise ArgumentError(
                f"-a source must name an entry of {sources_file or 'newsbot/sources.toml'}: "
                f"{', '.join(sorted(sources))}; got {source!r}"
            )
        self.config: FeedSource = sources[source]
        self.source = self.config.name
        self.lang = self.config.lang

    def list_requests(self) -> Iterator[Request]:
        for url in self.config.feeds:
            yield self.feed_request(url)

    def feed_request(self, url: str) -> Request:
        return self.list_request(
            url, f"feed {url} of {self.source}", headers={"Accept": FEED_ACCEPT}
        )

    def list_page(self, response: Response) -> feed.FeedPage:
        """The feed's entries (the first ``limit``); those on other sites than the
        source's ``allowed_domains`` counted as skipped/offsite."""
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        page = feed.parse_feed(response.body, content_type, self.config.timezone)
        entries = page.entries[: self.limit] if self.limit else page.entries
        domains = self.config.allowed_domains
        page.entries = [e for e in entries if not domains or url_is_from_any_domain(e.url, domains)]
        if len(page.entries) < len(entries):
            page.skipped["offsite"] = len(entries) - len(page.entries)
        return page

    def next_lists(self, response: Response, listing: ListPage) -> Iterator[Request]:
        assert isinstance(listing, feed.FeedPage)
        for url in listing.sitemaps:
            yield self.feed_request(url)

    def parse_article(self, response: Response, entry: dict[str, str]) -> Any:
        yield feed.parse_article(response.text, response.url, self.config, feed.FeedEntry(**entry))
