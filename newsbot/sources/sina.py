"""Sina News (news.sina.com.cn and the other *.sina.com.cn channels): the roll API
and the PC article page.

Crawled: the roll API (feed.mix.sina.com.cn) → PC article pages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

from scrapy.http import Request, Response

from newsbot import settings
from newsbot.dates import DateError, normalize_date
from newsbot.pages.base import (
    ArticlePageBase,
    ListAPIError,
    ListEntry,
    ListPage,
    first,
    text_of,
)
from newsbot.spiders.base import NewsSpider, checked_list, json_or_none, positive_int

SOURCE = "sina"
LANG = "zh-CN"

# A PC article: https://<channel>.sina.com.cn/<path>/doc-i<id>.shtml (the id is what
# the page calls publishid / comos:<id>).
_URL_RE = re.compile(
    r"^(?:https?:)?//([a-z0-9-]+(?:\.[a-z0-9-]+)*\.sina\.com\.cn)"  # host
    r"(/(?:[\w.-]+/)*doc-i([0-9a-z]+)\.shtml)(?:[?#]|$)",  # path, doc id
    re.I,
)
_VIDEO_RE = re.compile(r"^(?:https?:)?//(?:video\.sina\.com\.cn|[\w.-]*\bvideo\b)", re.I)

# og:image of a page without a picture of its own: the site's default share image.
_GENERIC_IMAGE_RE = re.compile(r"^https?://n\.sinaimg\.cn/default/", re.I)
_TITLE_SUFFIX_RE = re.compile(r"(?:\|[^|]*)?_新浪[^_|]*(?:_新浪网)?$")


def canonical_url(url: str) -> str | None:
    """``https://host/path/doc-i<id>.shtml`` of an article URL (http, protocol-relative,
    query and fragment tolerated), or None when it is not a Sina article URL."""
    match = _URL_RE.match(url.strip())
    if not match:
        return None
    return f"https://{match.group(1).lower()}{match.group(2)}"


def article_id_from_url(url: str) -> str | None:
    """The doc id of an article URL: what follows ``doc-i`` (``ihnzahi3275702``)."""
    match = _URL_RE.match(url.strip())
    return match.group(3) if match else None


def list_url(
    lid: str,
    page: int,
    num: int,
    pageid: str = settings.NEWSBOT_SINA_PAGEID,
    template: str = settings.NEWSBOT_SINA_LIST_API,
) -> str:
    """The roll API URL of one channel page (``page`` counts from 1); pageid 153 is
    the news roll, lid the channel (2509 全部, 2515 科技, 2516 财经 ...)."""
    return template.format(pageid=pageid, lid=lid, num=num, page=page)


def parse_list(payload: Any) -> ListPage:
    """Articles of a roll API answer (``result.data[]``), non-articles counted."""
    result = payload.get("result") if isinstance(payload, dict) else None
    if not isinstance(result, dict):
        kind = type(payload).__name__ if not isinstance(payload, dict) else "object without result"
        raise ListAPIError(f"answer is not a roll API result but {kind}")
    status = result.get("status") if isinstance(result.get("status"), dict) else {}
    if str(status.get("code")) != "0":
        raise ListAPIError(f"status.code={status.get('code')!r} msg={status.get('msg')!r}")
    data = result.get("data")
    if not isinstance(data, list):
        raise ListAPIError(f"result.data is {type(data).__name__}, not a list")
    page = ListPage()
    for raw in data:
        if not isinstance(raw, dict):
            page.skipped["bad_id"] += 1
            continue
        url = str(raw.get("url") or "")
        canonical = canonical_url(url)
        if canonical:
            page.entries.append(_entry(canonical, raw))
        elif not url:
            page.skipped["bad_id"] += 1
        elif _VIDEO_RE.match(url):
            page.skipped["video"] += 1
        else:
            page.skipped["not_article"] += 1  # slide shows, live pages, k.sina ...
    return page


def _entry(url: str, raw: dict[str, Any]) -> ListEntry:
    img = raw.get("img") if isinstance(raw.get("img"), dict) else {}
    images = [i.get("u") for i in raw.get("images") or [] if isinstance(i, dict)]
    return ListEntry(
        # The roll API's oid names the site's files (sina/776475957.zh-CN.md), as the
        # incumbent wrote them; an article given by URL alone goes by its doc id.
        id=text_of(str(raw.get("oid") or "")) or article_id_from_url(url) or "",
        url=url,
        title=text_of(raw.get("title")),
        publish_time=_epoch_date(raw.get("ctime") or raw.get("intime")),
        update_time=_epoch_date(raw.get("mtime")),
        thumbnail=_absolute(first([img.get("u"), *images]) or ""),
        author=text_of(raw.get("media_name")) or text_of(raw.get("author")),
    )


class ArticlePage(ArticlePageBase):
    """A Sina PC article page (``#article`` news layout or ``#artibody`` channel
    layout): one method per field, each falling back to the list entry."""

    source = SOURCE
    lang = LANG
    # Selectors, in order of preference.
    title_css = ("h1.main-title", "h1#artibodyTitle")
    body_css = "#artibody, #article"
    # The publish time the page shows (news/finance layout, older tech layout, the
    # 2010s ``.time-source`` line that also holds the media name).
    date_css = (".date-source .date", "#pub_date", ".date", ".time-source")
    author_css = (".date-source .source", "#media_name", ".source", "[data-sudaclick='media_name']")
    # Blocks inside the body that are not the article: QR codes, account-opening ads,
    # promo quotes, the editor line, video players, ad slots; on finance pages the quote
    # chart with its 热点栏目 links (``.ct_hqimg``) and the 新浪财经股吧 promo line.
    junk_css = (
        ".appendQr_wrap, .app-kaihu-qr, #left_hzh_ad, .tech-quotation, .article-editor,"
        " p.show_author, .video-2017, .artical-player-wrap, ins.sinaads, .ct_hqimg,"
        " [data-sudaclick='suda_1028_guba']"
    )
    # Picture captions: a <span> after the <img> (a paragraph of their own once converted).
    caption_css = "span.img_descr"

    def canonical_url(self) -> str:
        return first(
            [
                canonical_url(self.entry.url),
                canonical_url(self.meta("og:url")),
                canonical_url(self.url),
            ],
            self.url,
        )

    def article_id(self) -> str:
        return first(
            [
                self.entry.id,
                article_id_from_url(self.canonical_url()),
                self.meta("publishid"),
            ]
        )

    def title(self) -> str:
        page_title = self.selector.css("title::text").get("").strip()
        return first(
            [
                *map(self.text, self.title_css),
                self.meta("og:title"),
                _TITLE_SUFFIX_RE.sub("", page_title).strip(),
                self.entry.title,
            ]
        )

    def date(self) -> str:
        """The publish time the page shows, with the seconds of Sina's own creation
        time (``weibo: article:create_at``) or of ``article:published_time`` where one
        of them is that minute. Those metas alone only when the page shows no time: on
        real pages ``article:published_time`` is often a later edit (hours after)."""
        shown = first(_SHOWN_DATE_RE.search(self.text(css)) for css in self.date_css)
        shown = shown.group(0) if shown else ""
        created = self.meta("weibo: article:create_at")
        published = self.meta("article:published_time")
        if shown:
            same_minute = [m for m in (created, published) if m and _minute(m) == _minute(shown)]
            return first([*same_minute, shown])
        return first([created, published, self.entry.publish_time])

    def author(self) -> str:
        return first(
            [
                self.meta("article:author"),
                *map(self.text, self.author_css),
                self.meta("mediaid"),
                self.entry.author,
            ]
        )

    def thumbnail(self) -> str:
        image = _absolute(self.meta("og:image"))
        if _GENERIC_IMAGE_RE.match(image):
            image = ""
        return first([image, self.entry.thumbnail])

    def body_html(self) -> str:
        """The body container's HTML, uncleaned but without the site's non-article blocks."""
        for node in self.selector.css(self.body_css):
            node.css(self.junk_css).drop()
            for caption in node.css(self.caption_css):
                caption.root.tag = "p"
            if node.xpath("string()").get("").strip() or node.css("img"):
                return node.get()
        return ""


parse_article = ArticlePage.parse


_SHOWN_DATE_RE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日\s*\d{1,2}:\d{2}")


def _minute(value: str) -> str:
    """``YYYY-MM-DD HH:MM`` of a date as the page writes it, or ""."""
    try:
        return normalize_date(value)[:16]
    except DateError:
        return ""


def _epoch_date(value: Any) -> str:
    """``YYYY-MM-DD HH:MM:SS`` (Beijing) of the API's epoch-seconds strings, or ""."""
    if not str(value or "").strip().isdigit():
        return ""
    try:
        return normalize_date(str(value).strip())
    except DateError:
        return ""


def _absolute(url: str) -> str:
    """Protocol-relative image URLs (``//n.sinaimg.cn/...``) as https."""
    url = (url or "").strip()
    if url.startswith("//"):
        return urljoin("https:", url)
    return url if urlsplit(url).scheme in ("http", "https") else ""


# --- the spider ------------------------------------------------------------

SITE = "https://news.sina.com.cn/"
REFERER = "https://news.sina.com.cn/roll/"


class SinaSpider(NewsSpider):
    """Arguments: ``lids`` (comma list of roll channel ids, default NEWSBOT_SINA_LIDS),
    ``pages`` per channel (default 1), ``url`` (comma list of article URLs; skips
    discovery)."""

    name = "sina"
    article_page = ArticlePage
    source = SOURCE
    lang = LANG
    allowed_domains = ["sina.com.cn"]
    site_url = SITE
    discovery = "roll API feed.mix.sina.com.cn/api/roll/get (pageid 153, per lid)"
    labels = ("sina", "sina_us_stock")
    incumbent = ("sina_us_stock.py",)

    def parse_arguments(
        self, lids: str | None = None, pages: str | int = 1, url: str | None = None, **_: Any
    ) -> None:
        self.lids = checked_list("lids", lids, str.isdigit, "a roll channel id (digits, e.g. 2509)")
        self.pages = positive_int("pages", pages)
        self.entries = self.url_entries(
            url,
            "a Sina article URL (expected https://<channel>.sina.com.cn/.../doc-i<id>.shtml)",
            article_id_from_url,
            canonical_url,
        )

    def list_requests(self) -> Iterator[Request]:
        for lid in self.lids or self.settings.getlist("NEWSBOT_SINA_LIDS"):
            for page in range(1, self.pages + 1):
                yield self.channel_request(str(lid), page)

    def channel_request(self, lid: str, page: int) -> Request:
        url = list_url(
            lid,
            page,
            num=self.settings.getint("NEWSBOT_SINA_ITEM_COUNT"),
            pageid=str(self.settings.get("NEWSBOT_SINA_PAGEID")),
            template=self.settings.get("NEWSBOT_SINA_LIST_API"),
        )
        return self.list_request(
            url,
            f"lid {lid} page {page}",
            headers={"Referer": REFERER, "Accept": "application/json, text/javascript, */*"},
        )

    def list_page(self, response: Response) -> ListPage:
        listing = parse_list(json_or_none(response))
        lid = parse_qs(urlsplit(response.url).query).get("lid", [""])[0]
        label = self.settings.getdict("NEWSBOT_SINA_LABELS").get(lid, "")
        for entry in listing.entries:
            entry.label = label
        return listing
