"""ifeng (凤凰网, *.ifeng.com): the list pages' newsstream and the article page's ``allData``.

Crawled: list pages' embedded newsstream (then getColumnInfo) → article pages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy.http import Request, Response

from newsbot.dates import BEIJING
from newsbot.html import drop_tree, inner_html, parse_fragment
from newsbot.pages import base
from newsbot.pages.base import (
    ArticlePageBase,
    ListAPIError,
    ListEntry,
    embedded_json,
    first,
    jsonp_payload,
    text_of,
)
from newsbot.spiders.base import ArgumentError, NewsSpider, positive_int, split_list

SOURCE = "ifeng"
LANG = "zh-CN"
ARTICLE_URL = "https://news.ifeng.com/c/{id}"  # when the page names no canonical URL
ALL_DATA = "var allData"
NEWSSTREAM = '"newsstream":'
LAZY_IMAGE = "data-lazyload"  # older pages: real URL here, a placeholder in src
LOGO_CLASS = "ifengLogo"  # the older page's 16×16 凤凰 logo linking www.ifeng.com, closing the body
# The channel's sign-off closing 凤凰网科技 bodies (2026): "更多一手新闻，欢迎下载凤凰新闻客户端
# 订阅凤凰网科技。想看深度报道，请微信搜索“凤凰网科技”。" A promo, not the article.
_PROMO_RE = re.compile(r"欢迎下载凤凰新闻客户端|请微信搜索“凤凰网")

_TITLE_SUFFIX_RE = re.compile(r"(?:_[^_]{1,20})?_凤凰网$")
_ID_RE = re.compile(r"[0-9A-Za-z]{10,12}")  # base62, 11 characters today
_URL_RE = re.compile(rf"^(?:https?:)?//([a-z0-9-]+\.ifeng\.com)/c/({_ID_RE.pattern})(?:[/?#]|$)")
# The older article address (channel and regional sites, 2010s–2020):
# ``nb.ifeng.com/a/20200911/14526474_0.shtml``; its page has no ``allData``.
_OLD_URL_RE = re.compile(
    r"^(?:https?:)?//([a-z0-9-]+\.ifeng\.com)/a/(\d{8})/(\d{5,10})_\d+\.shtml(?:[?#]|$)"
)
_COLUMN_RE = re.compile(r"/shanklist/(?:\d+-)?(\d+-\d+-(?:\d+-)*)/?$")
# d.ifengimg.com/<w121_h75_q90 ...>/<host/path>: a resizing proxy in front of the original.
_PROXY_RE = re.compile(r"^(?:https?:)?//d\.ifengimg\.com/([^/]+)/([a-z0-9-]+\.ifengimg\.com/.+)$")
_JSONP_START_RE = re.compile(r"^\s*[\w$.]+\s*\(")
_LIST_OK_CODES = (None, 0, "0", 200)


@dataclass
class ListPage(base.ListPage):
    last_id: str = ""  # the last item's "id" and newsTime (epoch ms): where the next page starts
    last_time: int = 0
    is_end: bool = False


def canonical_url(url: str) -> str | None:
    """``https://<host>.ifeng.com/c/<id>`` for any form of an article URL, else None."""
    match = _URL_RE.match(url.strip())
    if match:
        return f"https://{match.group(1)}/c/{match.group(2)}"
    old = _OLD_URL_RE.match(url.strip())
    return f"https://{old.group(1)}/a/{old.group(2)}/{old.group(3)}_0.shtml" if old else None


def article_id_from_url(url: str) -> str | None:
    match = _URL_RE.match(url.strip())
    if match:
        return match.group(2)
    old = _OLD_URL_RE.match(url.strip())
    return old.group(3) if old else None


def column_id(list_url: str) -> str | None:
    """The column of a shanklist page (``…/shanklist/3-35197-/`` → ``3-35197-``)."""
    match = _COLUMN_RE.search(urlsplit(list_url).path)
    return match.group(1) if match else None


def unproxy_image(url: str) -> str:
    """The original image behind a ``d.ifengimg.com`` resize URL (``…_webp`` adds ``.webp``)."""
    match = _PROXY_RE.match(url.strip())
    if not match:
        return url
    params, target = match.groups()
    if "webp" in params and target.endswith(".webp"):
        target = target.removesuffix(".webp")
    return f"https://{target}"


def parse_list(text: str) -> ListPage:
    """Articles of a list page (HTML with ``"newsstream":[…]``) or of a getColumnInfo JSONP."""
    stream, is_end = _newsstream(text)
    page = ListPage(is_end=is_end)
    for raw in stream:
        if not isinstance(raw, dict):
            page.skipped["bad_id"] += 1
            continue
        url = canonical_url(str(raw.get("url") or ""))
        kind = str(raw.get("type") or "article")
        if kind == "video" or (url and urlsplit(url).netloc == "v.ifeng.com"):
            page.skipped["video"] += 1
        elif kind != "article":
            page.skipped["not_article"] += 1
        elif not url:
            page.skipped["bad_id"] += 1
        else:
            page.entries.append(_entry(url, raw))
    if stream and isinstance(stream[-1], dict):
        page.last_id = str(stream[-1].get("id") or "")
        page.last_time = _epoch_ms(str(stream[-1].get("newsTime") or ""))
    return page


def _newsstream(text: str) -> tuple[list[Any], bool]:
    if _JSONP_START_RE.match(text):  # a getColumnInfo answer
        payload = jsonp_payload(text)
        if not isinstance(payload, dict):
            raise ListAPIError("JSONP answer holds no JSON object")
        if payload.get("code") not in _LIST_OK_CODES:
            raise ListAPIError(f"code={payload.get('code')!r} message={payload.get('message')!r}")
        data = payload.get("data") if isinstance(payload.get("data"), dict) else {}
        stream, is_end = data.get("newsstream"), bool(data.get("isEnd"))
    else:
        stream, is_end = embedded_json(text, NEWSSTREAM), False
    if not isinstance(stream, list):
        raise ListAPIError("no newsstream in the answer")
    return stream, is_end


def _entry(url: str, raw: dict[str, Any]) -> ListEntry:
    thumbnails = raw.get("thumbnails")
    images = thumbnails.get("image") if isinstance(thumbnails, dict) else None
    image = images[0] if isinstance(images, list) and images and isinstance(images[0], dict) else {}
    thumbnail = text_of(image.get("url"))
    return ListEntry(
        id=article_id_from_url(url) or "",
        url=url,
        title=text_of(raw.get("title")),
        publish_time=text_of(raw.get("newsTime")),
        thumbnail=unproxy_image(urljoin("https:", thumbnail)) if thumbnail else "",
        author=text_of(raw.get("source")),
    )


class ArticlePage(ArticlePageBase):
    """An article page: each field from ``allData.docData``, else the head metas, else the entry."""

    source = SOURCE
    lang = LANG
    canonical_css = "link[rel=canonical]::attr(href)"
    published_css = "time[itemprop=datePublished]::attr(datetime)"

    @cached_property
    def doc(self) -> dict[str, Any]:
        """``allData.docData`` ({} when absent)."""
        all_data = embedded_json(self.html, ALL_DATA)
        doc = all_data.get("docData") if isinstance(all_data, dict) else None
        return doc if isinstance(doc, dict) else {}

    def article_id(self) -> str:
        base62 = text_of(self.doc.get("base62Id"))
        return first(
            [
                base62 if _ID_RE.fullmatch(base62) else "",
                article_id_from_url(self.url),
                self.entry.id,
            ]
        )

    def canonical_url(self) -> str:
        article_id = self.article_id()
        candidates = [
            self.selector.css(self.canonical_css).get(""),
            self.meta("og:url"),
            text_of(self.doc.get("pcUrl")),
            self.url,
            self.entry.url,
        ]
        for candidate in candidates:
            url = canonical_url(candidate)
            if url and (url.endswith(f"/c/{article_id}") or url.endswith(f"/{article_id}_0.shtml")):
                return url
        return ARTICLE_URL.format(id=article_id)

    # the older page (``/a/<date>/<n>_0.shtml``): no allData; its DOM says it all
    def old(self, css: str) -> str:
        return "" if self.doc else self.text(css)

    def title(self) -> str:
        meta = self.meta("og:title") or self.selector.css("title::text").get("")
        return first(
            [
                text_of(self.doc.get("title")),
                self.old("h1#artical_topic"),
                _TITLE_SUFFIX_RE.sub("", meta.strip()),
                self.entry.title,
            ]
        )

    def date(self) -> str:
        return first(
            [
                text_of(self.doc.get("newsTime")),
                self.meta("article:published_time"),
                self.selector.css(self.published_css).get("").strip(),
                self.old("#artical_sth .ss01"),
                "" if self.doc else self.meta("og:time"),
                self.entry.publish_time,
            ]
        )

    def author(self) -> str:
        """The media: ``source`` (a reprint's origin), else the 凤凰号 account, else the editor."""
        account = self.doc.get("fhhAccountDetail") or {}
        catename = text_of(account.get("catename")) if isinstance(account, dict) else ""
        return first(
            [
                text_of(self.doc.get("source")),
                catename,
                self.old("#artical_sth .ss03"),
                self.entry.author,
                text_of(self.doc.get("editorName")),
            ]
        )

    def thumbnail(self) -> str:
        bd_img = text_of(self.doc.get("bdImg"))
        candidates = [
            self.meta("og:image"),
            self.entry.thumbnail,
            urljoin("https:", bd_img) if bd_img else "",
        ]
        return unproxy_image(first(candidates))

    def body_html(self) -> str:
        """The text parts of ``contentData.contentList`` joined, images fixed (lazy, proxied)."""
        content = self.doc.get("contentData") or {}
        parts = content.get("contentList") if isinstance(content, dict) else None
        texts = [
            part.get("data")
            for part in parts or []
            if isinstance(part, dict) and part.get("type") == "text"
        ]
        texts = [text for text in texts if isinstance(text, str)]
        if not texts and not self.doc:
            texts = self.selector.css("div#main_content").getall()[:1]
        return _clean("".join(texts)) if texts else ""


parse_article = ArticlePage.parse


def _clean(html: str) -> str:
    """``data-lazyload`` becomes ``src`` (replacing the placeholder); proxied images unwrapped;
    the older page's logo and the closing promo paragraphs left out."""
    root = parse_fragment(html)
    for logo in root.xpath(f'.//span[contains(concat(" ", @class, " "), " {LOGO_CLASS} ")]'):
        drop_tree(logo)
    for img in root.iter("img"):
        lazy = img.attrib.pop(LAZY_IMAGE, None)
        if lazy:
            img.set("src", lazy)
        if img.get("src"):
            img.set("src", unproxy_image(img.get("src")))
    blocks = [child for child in root if isinstance(child.tag, str)]
    while blocks and blocks[-1].tag == "p" and _PROMO_RE.search("".join(blocks[-1].itertext())):
        drop_tree(blocks.pop())
    return inner_html(root)


def _epoch_ms(news_time: str) -> int:
    try:
        moment = datetime.strptime(news_time, "%Y-%m-%d %H:%M:%S").replace(tzinfo=BEIJING)
    except ValueError:
        return 0
    return int(moment.timestamp() * 1000)


# --- the spider ------------------------------------------------------------

SITE = "https://www.ifeng.com/"
COLUMN_URL = "https://news.ifeng.com/shanklist/{column}/"
_BARE_COLUMN_RE = re.compile(r"\d+-\d+-(?:\d+-)*")
_LIST_URL_RE = re.compile(r"^https?://(?:[a-z0-9-]+\.)*ifeng\.com(?:/|$)")


class IfengSpider(NewsSpider):
    """Arguments: ``lists`` (comma list of list-page URLs or shanklist columns such as
    ``3-35197-``, default NEWSBOT_IFENG_LISTS), ``pages`` per list (default 1; later pages
    through getColumnInfo), ``url`` (comma list of article URLs; skips discovery)."""

    name = "ifeng"
    article_page = ArticlePage
    source = SOURCE
    lang = LANG
    allowed_domains = ["ifeng.com"]
    site_url = SITE
    discovery = "shanklist pages' embedded newsstream, then getColumnInfo JSONP"

    def parse_arguments(
        self, lists: str | None = None, pages: str | int = 1, url: str | None = None, **_: Any
    ) -> None:
        self.lists = [_list_url(value) for value in split_list(lists)]
        for list_url in self.lists:
            if not _LIST_URL_RE.match(list_url):
                raise ArgumentError(
                    f"-a lists: {list_url!r} is neither an ifeng list-page URL nor a column "
                    "(expected https://news.ifeng.com/shanklist/3-35197-/ or 3-35197-)"
                )
        self.pages = positive_int("pages", pages)
        self.entries = self.url_entries(
            url,
            "an ifeng article URL (expected https://news.ifeng.com/c/<11-character id>"
            " or https://<site>.ifeng.com/a/<yyyymmdd>/<number>_0.shtml)",
            article_id_from_url,
            canonical_url,
        )

    def list_requests(self) -> Iterator[Request]:
        lists = self.lists or [
            _list_url(value) for value in self.settings.getlist("NEWSBOT_IFENG_LISTS")
        ]
        for list_url in lists:
            if _LIST_URL_RE.match(list_url):
                yield self.page_request(list_url, list_url, 1)
            else:
                self.count("errors/bad_argument")
                self.logger.error("Not an ifeng list-page URL, skipped: %r", list_url)

    def page_request(self, url: str, list_url: str, page: int) -> Request:
        return self.list_request(
            url,
            f"{list_url} page {page}",
            {"list_url": list_url, "page": page},
            headers={"Referer": list_url if page > 1 else SITE},
        )

    def list_page(self, response: Response, list_url: str, page: int) -> ListPage:
        return parse_list(getattr(response, "text", ""))

    def next_lists(
        self, response: Response, listing: ListPage, list_url: str, page: int
    ) -> Iterator[Request]:
        column = column_id(list_url)
        if page < self.pages and column and listing.last_id and not listing.is_end:
            template = self.settings.get("NEWSBOT_IFENG_MORE_API")
            count = self.settings.getint("NEWSBOT_IFENG_PAGE_SIZE")
            more = template.format(
                last_id=listing.last_id, last_time=listing.last_time, count=count, column=column
            )
            yield self.page_request(more, list_url, page + 1)


def _list_url(value: str) -> str:
    """A list-page URL as given, or the news.ifeng.com page of a bare column id."""
    return COLUMN_URL.format(column=value) if _BARE_COLUMN_RE.fullmatch(value) else value
