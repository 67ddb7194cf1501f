"""Downloader middlewares for what third-party servers really send.

- TimeLimitsMiddleware: the timeout and retries of list, article and robots.txt
  requests (NEWSBOT_LIST_*, NEWSBOT_ARTICLE_*, NEWSBOT_ROBOTSTXT_*).
- RetryAfterMiddleware: Scrapy's retries, waiting as long as a 429/503 answer's
  ``Retry-After`` asks (capped), instead of retrying at once.
- ArticleRedirectMiddleware: an article page that redirects to another site is
  not followed (a moved or hijacked link is not the article).
- CharsetRepairMiddleware: a page whose declared charset does not decode its
  bytes is decoded with the charset that does (GBK pages declared UTF-8 ...).
"""

from __future__ import annotations

import asyncio
import codecs
import logging
import time
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

import tldextract
from scrapy import signals
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import TextResponse
from scrapy.utils.url import url_is_from_any_domain
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding

from newsbot.articlemeta import ARTICLE_META, ARTICLE_PAGE_META

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (a number or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, moment.timestamp() - (now if now is not None else time.time()))


def request_kind(request: Request) -> str:
    """"robotstxt", "article", "list" (a spider's parse_list) or "" (images, others)."""
    if request.meta.get("dont_obey_robotstxt") and urlsplit(request.url).path == "/robots.txt":
        return "robotstxt"
    if ARTICLE_META in request.meta or ARTICLE_PAGE_META in request.meta:
        return "article"
    if getattr(request.callback, "__name__", "") == "parse_list":
        return "list"
    return ""


class TimeLimitsMiddleware:
    """Sets ``download_timeout`` and ``max_retry_times`` of list, article and robots.txt
    requests from NEWSBOT_<KIND>_TIMEOUT / _RETRIES (0 / -1: Scrapy's DOWNLOAD_TIMEOUT /
    RETRY_TIMES), and caps every request's timeout at the source's deadline
    (CLOSESPIDER_TIMEOUT, from NEWSBOT_MAX_TIME): Scrapy waits for the requests in
    flight before it closes a spider, so a stalled site would outlive the deadline."""

    def __init__(self, settings: BaseSettings) -> None:
        self.limits: dict[str, tuple[float, int]] = {}
        for kind in ("list", "article", "robotstxt"):
            timeout = settings.getfloat(f"NEWSBOT_{kind.upper()}_TIMEOUT")
            retries = settings.getint(f"NEWSBOT_{kind.upper()}_RETRIES")
            self.limits[kind] = (
                timeout if timeout > 0 else settings.getfloat("DOWNLOAD_TIMEOUT"),
                retries if retries >= 0 else settings.getint("RETRY_TIMES"),
            )
        self.default_timeout = settings.getfloat("DOWNLOAD_TIMEOUT")
        self.deadline_s = settings.getfloat("CLOSESPIDER_TIMEOUT")
        self.ends_at = 0.0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TimeLimitsMiddleware:
        middleware = cls(crawler.settings)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware

    def spider_opened(self) -> None:
        if self.deadline_s > 0:
            self.ends_at = time.monotonic() + self.deadline_s

    def process_request(self, request: Request) -> None:
        kind = request_kind(request)
        timeout = self.default_timeout
        if kind:
            timeout, retries = self.limits[kind]
            request.meta.setdefault("max_retry_times", retries)
        timeout = request.meta.get("download_timeout", timeout)
        if self.ends_at:
            # Past the deadline Scrapy only waits for what is in flight: a second more.
            timeout = min(timeout, round(max(self.ends_at - time.monotonic(), 0) + 1, 1))
        request.meta["download_timeout"] = timeout


class RetryAfterMiddleware(RetryMiddleware):
    """Replaces Scrapy's RetryMiddleware (same settings) and honours Retry-After,
    up to NEWSBOT_RETRY_AFTER_MAX seconds."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.max_wait = settings.getfloat("NEWSBOT_RETRY_AFTER_MAX")

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        wait = retry_after_seconds(response.headers.get("Retry-After", b"").decode("latin-1"))
        if response.status in (429, 503) and wait and not request.meta.get("dont_retry"):
            wait = min(wait, self.max_wait)
            self.crawler.stats.inc_value("newsbot/retry_after/waits")
            logger.info("%s answered %d: waiting %.1fs (Retry-After)", request.url,
                        response.status, wait)  # fmt: skip
            await asyncio.sleep(wait)
        return super().process_response(request, response)


# The public suffix list bundled with tldextract: nothing is downloaded.
_DOMAINS = tldextract.TLDExtract(suffix_list_urls=())


def site_of(url: str) -> str:
    """The registered domain of a URL's host (``news.qq.com`` → ``qq.com``,
    ``www.bbc.co.uk`` → ``bbc.co.uk``); the host itself when it has none (an IP)."""
    parts = _DOMAINS(url)
    return parts.top_domain_under_public_suffix or (urlsplit(url).hostname or "").lower()


class ArticleRedirectMiddleware:
    """Stops redirect loops (which Scrapy's duplicate filter would drop silently) and
    article redirects to another site. Runs before Scrapy's RedirectMiddleware in the
    response chain."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArticleRedirectMiddleware:
        return cls(crawler)

    def offsite(self, target: str, origin: str) -> bool:
        """Whether ``target`` is on another site: outside the spider's
        ``allowed_domains`` when it has them, else another registered domain."""
        domains = getattr(self.crawler.spider, "allowed_domains", None)
        if domains:
            return not url_is_from_any_domain(target, domains)
        return site_of(target) != site_of(origin)

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get("Location", b"").decode("latin-1")
        if response.status not in (301, 302, 303, 307, 308) or not location:
            return response
        target = urljoin(request.url, location)
        if target == request.url or target in request.meta.get("redirect_urls", ()):
            raise IgnoreRequest(f"redirect loop back to {target}")
        if request.meta.get(ARTICLE_META) and self.offsite(target, request.url):
            raise IgnoreRequest(f"article redirected to another site: {target}")
        return response


class CharsetRepairMiddleware:
    """Decodes a text response with a charset that fits its bytes when the one
    Scrapy picked (header, then meta tag) does not.

    Bytes that are valid UTF-8 and not plain ASCII are UTF-8: real GBK text is
    practically never valid UTF-8, while UTF-8 bytes often decode as GBK without
    error, into mojibake. Otherwise the first of header, meta tag and GB18030 that
    decodes the bytes wins.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CharsetRepairMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if not isinstance(response, TextResponse) or not response.body:
            return response
        return self._without_lost_characters(self._decoded(response))

    def _decoded(self, response: TextResponse) -> TextResponse:
        body = response.body
        if body.startswith(codecs.BOM_UTF8):
            return response  # Scrapy honours a BOM over every declaration
        used = response.encoding
        if is_utf8(used) and "\ufffd" not in response.text:
            return response  # the usual case, decided by the decode the spider reuses
        utf8 = _decodes(body, "utf-8")
        if _decodes(body, used) and (not utf8 or body.isascii() or is_utf8(used)):
            return response
        if utf8:
            return self._repaired(response, used, "utf-8")
        header = http_content_type_encoding(
            response.headers.get("Content-Type", b"").decode("latin-1")
        )
        declared = html_body_declared_encoding(body[:4096])
        for candidate in (header, declared, "gb18030"):
            if candidate and candidate != used and _decodes(body, candidate):
                return self._repaired(response, used, candidate)
        return response

    def _without_lost_characters(self, response: TextResponse) -> TextResponse:
        """A page whose bytes decode cleanly yet hold U+FFFD: the site served them (its
        CMS lost characters, mostly emoji). They go, so the page is not taken for
        undecodable bytes and dropped as mojibake."""
        text = response.text
        if "\ufffd" not in text or not _decodes(response.body, response.encoding):
            return response
        self.stats.inc_value("newsbot/repaired/lost_characters", text.count("\ufffd"))
        logger.info("%s: the page holds U+FFFD as served; removed", response.url)
        return response.replace(body=text.replace("\ufffd", "").encode(response.encoding))

    def _repaired(self, response: TextResponse, used: str, encoding: str) -> TextResponse:
        self.stats.inc_value("newsbot/repaired/charset")
        logger.info("%s: bytes are not %s; decoding as %s", response.url, used, encoding)
        return response.replace(encoding=encoding)


def is_utf8(encoding: str | None) -> bool:
    """Whether ``encoding`` names UTF-8 (under any of its aliases)."""
    if not encoding:
        return False
    try:
        return codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


def _decodes(body: bytes, encoding: str | None) -> bool:
    if not encoding:
        return False
    try:
        body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True
