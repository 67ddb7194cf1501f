"""Xinhua (www.news.cn): a channel's ``ds_<id>.json`` list data and the article page.

Crawled: channel list data (ds_<id>.json) → article pages.

A channel page fills its lists from ``ds_<32 hex>.json`` files next to it (hundreds
of rows, shown a screen at a time); ``-a pages`` takes that many screens of
NEWSBOT_XINHUA_PAGE_SIZE rows from the top of each file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cached_property
from typing import Any
from urllib.parse import urljoin

from parsel import Selector
from scrapy.http import Request, Response

from newsbot.pages.base import (
    ArticlePageBase,
    ListAPIError,
    ListEntry,
    ListPage,
    first,
)
from newsbot.spiders.base import NewsSpider, checked_list, json_or_none, positive_int

SOURCE = "xinhua"
LANG = "zh-CN"
TITLE_SUFFIX = "-新华网"


# https://www.news.cn/<channel>/<YYYYMMDD>/<hex>/c.html: 32 hex digits on the 2022-2026
# pages seen (8 accepted too); the channel part may be empty or several folders deep.
_URL_RE = re.compile(
    r"^https?://((?:[a-z0-9-]+\.)*news\.cn)/((?:[a-z0-9_-]+/)*?)(\d{8})/"
    r"([0-9a-f]{32}|[0-9a-f]{8})/c\.html?(?:[?#].*)?$",
    re.I,
)
# The older form news.cn still served in 2023: /<channel>/<YYYY-MM>/<DD>/c_<number>.htm
_OLD_URL_RE = re.compile(
    r"^https?://((?:[a-z0-9-]+\.)*news\.cn)/((?:[a-z0-9_-]+/)*?)(\d{4})-(\d{2})/(\d{2})/"
    r"c_(\d+)\.html?(?:[?#].*)?$",
    re.I,
)
_DS_URL_RE = re.compile(r"^https?://(?:[a-z0-9-]+\.)*news\.cn/(?:[\w-]+/+)*ds_[0-9a-f]{32}\.json$")
_DATETIME_RE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}(?::\d{2})?")
_SOURCE_RE = re.compile(r"来源[:：]\s*(\S+)")
_LOCAL_SOURCE_RE = re.compile(r"^来源[:：]\s*")
_MONTH_DAY_RE = re.compile(r"(\d{1,2})\s*/\s*(\d{1,2})")


def _url_parts(url: str) -> tuple[str, str, str] | None:
    """(canonical URL, ``YYYYMMDD``, id) of an article URL, else None."""
    url = url.strip()
    if match := _URL_RE.match(url):
        host, channel, day, key = match.groups()
        key = key.lower()
        return f"https://{host.lower()}/{channel}{day}/{key}/c.html", day, f"{day}-{key}"
    if match := _OLD_URL_RE.match(url):
        host, channel, year, month, day, number = match.groups()
        canonical = f"https://{host.lower()}/{channel}{year}-{month}/{day}/c_{number}.htm"
        return canonical, f"{year}{month}{day}", f"{year}{month}{day}-c{number}"
    return None


def canonical_url(url: str) -> str | None:
    """``https://<host>/<channel>/<YYYYMMDD>/<hex>/c.html`` (or the older
    ``…/<YYYY-MM>/<DD>/c_<number>.htm``) for an article URL, else None."""
    parts = _url_parts(url)
    return parts[0] if parts else None


def article_id_from_url(url: str) -> str | None:
    """``<YYYYMMDD>-<hex>`` of an article URL (``20261120-7c3e5a91``; the older form:
    ``20231117-c1129981476``), else None."""
    parts = _url_parts(url)
    return parts[2] if parts else None


def is_list_url(url: str) -> bool:
    return bool(_DS_URL_RE.match(url.strip()))


def parse_list(payload: Any, ds_url: str, limit: int | None = None) -> ListPage:
    """Article entries of the first ``limit`` rows of a ds file, in list order.

    ``Link`` rows (an editor's link; ``title`` is an ``<a>`` fragment, ``publishTime``
    the time it was listed) give their news.cn article links, without a publish time.
    Rows that give no article (topics, external sites, albums) are counted as skipped.
    """
    if not isinstance(payload, dict):
        raise ListAPIError(f"answer is not a JSON object but {type(payload).__name__}")
    rows = payload.get("datasource")
    if not isinstance(rows, list) or not rows:
        raise ListAPIError(f"no datasource rows (keys: {sorted(payload)[:8]})")
    page = ListPage()
    for row in rows[:limit]:
        entries = _row_entries(row, ds_url) if isinstance(row, dict) else []
        if not entries:
            page.skipped["not_article"] += 1
        page.entries.extend(entries)
    return page


def _row_entries(row: dict[str, Any], ds_url: str) -> list[ListEntry]:
    is_link = str(row.get("contentType") or "") == "Link"
    links = [
        (str(link.get("linkUrl") or ""), _visible_text(link.get("linkTitle")))
        for link in row.get("linkUrls") or []
        if isinstance(link, dict)
    ]
    links.append((str(row.get("publishUrl") or ""), _visible_text(row.get("title"))))
    images = [*(row.get("titleImages") or []), *(row.get("shareImages") or [])]
    cover = first(image.get("imageUrl") for image in images if isinstance(image, dict))
    entries: dict[str, ListEntry] = {}
    for href, title in links:
        url = canonical_url(urljoin(ds_url, href.strip())) if href.strip() else None
        if url is None or (article_id := article_id_from_url(url)) in entries:
            continue
        entries[article_id] = ListEntry(
            id=article_id,
            url=url,
            title=title,
            publish_time="" if is_link else str(row.get("publishTime") or ""),
            thumbnail=urljoin(ds_url, cover) if cover and not entries else "",
        )
    return list(entries.values())


def _visible_text(value: Any) -> str:
    """Visible text of a string that may be an HTML fragment (``<a href=…>title</a>``)."""
    if not isinstance(value, str) or not value.strip():
        return ""
    if "<" not in value:
        return " ".join(value.split())
    return " ".join(Selector(text=value).xpath("string(//body)").get("").split())


class ArticlePage(ArticlePageBase):
    """A www.news.cn article page (``c.html``): PC header, mobile header, ``#detailContent``."""

    source = SOURCE
    lang = LANG
    title_css = ".head-line .title, .mheader .title, h1"  # PC header, mobile header, any h1
    date_parts_css = ".header-time"  # year / day (month, day) / time spans of the PC header
    info_line_css = ".mheader .info"  # mobile header: "2026-11-20 10:26:37 来源：新华社"
    source_line_css = ".header .source"  # "来源：新华网"
    # Provincial channel sites (he.news.cn ...): "<span class=time>2024-05-15 08:58:52</span>
    # <i>来源：</i><span class=sourceText>新华网</span>" in ``.info .source`` (an empty
    # ``span#ad2.sourceText`` follows it).
    local_time_css = ".info .source .time"
    local_source_css = ".info .source .sourceText"
    body_css = "#detailContent"
    # Inside the body but not the article: the pager of a photo story (client-side: every
    # page's text is in c.html; ?page=n is the same file), the picture's prev/next links,
    # the video player's controls.
    body_junk_css = "center.xinhuaPager, .dask > a.picleft, .dask > a.picright, [id^='DH-PLAYERID']"
    # 2022 pages: the paragraphs sit directly in ``div#detail``, which also holds the
    # ``#articleEdit`` block (纠错 iframe, 责任编辑).
    old_body_css = "#detail"
    old_body_junk_css = "#articleEdit"

    @cached_property
    def info(self) -> str:
        return " ".join(self.selector.css(self.info_line_css).xpath("string()").getall())

    def article_id(self) -> str:
        return first([article_id_from_url(self.url), self.entry.id])

    def canonical_url(self) -> str:
        return first([canonical_url(self.url), self.entry.url, self.url])

    def title(self) -> str:
        headings = self.selector.css(self.title_css)
        titles = [" ".join(h.xpath("string()").get("").split()) for h in headings]
        page_title = " ".join(self.selector.css("title::text").get("").split())
        return first([*titles, page_title.removesuffix(TITLE_SUFFIX), self.entry.title])

    def date(self) -> str:
        """PC header time, else the mobile header's, else the list's, else the URL's day."""
        header = self.selector.css(self.date_parts_css)
        year = header.css(".year").xpath("string()").get("").strip()
        # "<em>11</em>/<em>20</em>" (2022) or "11/20" (2024)
        day = _MONTH_DAY_RE.search(header.css(".day").xpath("string()").get(""))
        clock = header.css(".time").xpath("string()").get("").strip()
        pc = f"{year}-{day[1]}-{day[2]} {clock}".strip() if year and day else ""
        mobile = _DATETIME_RE.search(self.info)
        local = _DATETIME_RE.search(self.text(self.local_time_css))
        parts = _url_parts(self.canonical_url())
        url_day = parts[1] if parts else ""
        return first(
            [
                pc,
                mobile and mobile.group(0),
                local and local.group(0),
                self.entry.publish_time,
                url_day and f"{url_day[:4]}-{url_day[4:6]}-{url_day[6:]}",
            ]
        )

    def author(self) -> str:
        """The 来源 (source media) of the PC header, else of the mobile one, else of a
        provincial site's ``.sourceText``."""
        line = " ".join(self.selector.css(self.source_line_css).xpath("string()").getall())
        pc = _SOURCE_RE.search(line)
        mobile = _SOURCE_RE.search(self.info)
        local = self.selector.css(self.local_source_css).xpath("string()").getall()
        return first(
            [
                pc and pc.group(1),
                mobile and mobile.group(1),
                *(_LOCAL_SOURCE_RE.sub("", text.strip()) for text in local),
                self.entry.author,
            ]
        )

    def thumbnail(self) -> str:
        cover = self.meta("og:image")
        return first([cover and urljoin(self.url, cover), self.entry.thumbnail])

    def body_html(self) -> str:
        """``#detailContent``, else (2022 pages) ``#detail`` without ``#articleEdit``;
        uncleaned (its relative image URLs are resolved by the cleaner against the
        article URL, whose folder holds the images)."""
        node = self.selector.css(self.body_css) or self.selector.css(self.old_body_css)
        if not node:
            return ""
        body = Selector(text=node[0].get())
        body.css(f"{self.body_junk_css}, {self.old_body_junk_css}").drop()
        return first(body.css("body > *").getall())


parse_article = ArticlePage.parse


# --- the spider ------------------------------------------------------------


class XinhuaSpider(NewsSpider):
    """Arguments: ``lists`` (comma list of ds file URLs, default
    NEWSBOT_XINHUA_DS_FILES), ``pages`` of rows per file (default 1), ``url`` (comma
    list of article URLs; skips discovery)."""

    name = "xinhua"
    article_page = ArticlePage
    source = SOURCE
    lang = LANG
    allowed_domains = ["news.cn"]
    site_url = "https://www.news.cn/"
    discovery = "channel list data files politics/ds_….json … (JSON)"

    def parse_arguments(
        self, lists: str | None = None, pages: str | int = 1, url: str | None = None, **_: Any
    ) -> None:
        self.lists = checked_list(
            "lists",
            lists,
            is_list_url,
            "a news.cn list data URL "
            "(expected https://www.news.cn/<channel>/ds_<32 hex digits>.json)",
        )
        self.pages = positive_int("pages", pages)
        self.entries = self.url_entries(
            url,
            "a news.cn article URL (expected https://www.news.cn/<channel>/YYYYMMDD/<hex>/c.html)",
            article_id_from_url,
            canonical_url,
        )

    def list_requests(self) -> Iterator[Request]:
        for ds_url in self.lists or self.settings.getlist("NEWSBOT_XINHUA_DS_FILES"):
            yield self.list_request(
                ds_url,
                "list data",
                headers={"Referer": urljoin(ds_url, "./"), "Accept": "application/json, */*"},
            )

    def list_page(self, response: Response) -> ListPage:
        limit = self.pages * self.settings.getint("NEWSBOT_XINHUA_PAGE_SIZE")
        return parse_list(json_or_none(response), response.url, limit)

    def article_referer(self, response: Response) -> str:
        return urljoin(response.url, "./")
