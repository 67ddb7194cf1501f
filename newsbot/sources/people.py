"""People's Daily Online (people.com.cn): channel list pages and the article page.

Crawled: channel list pages (GB/<node>/index.html) → article pages.

The list pages, not the RSS feeds (www.people.com.cn/rss/*.xml), are the discovery:
they are the site's own channel navigation, so they are as fresh as the site (a 2026
report had the politics feed's newest item from June 2025), and they have pages
(index2.html ...) for ``-a pages``. Their templates differ per channel; the parser
takes every article link inside the known list containers.

The site serves GB2312/GBK pages; the page objects get text already decoded (Scrapy
takes the HTTP charset, else the ``<meta>`` one, and reads gb2312/gbk as their superset
gb18030).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import urljoin

from parsel import Selector
from scrapy.http import Request, Response

from newsbot.pages import base
from newsbot.pages.base import (
    ArticlePageBase,
    ListAPIError,
    ListEntry,
    first,
)
from newsbot.spiders.base import NewsSpider, checked_list, positive_int

SOURCE = "people"
LANG = "zh-CN"

# Containers of a GB/<node>/index.html list page, one per channel template.
LIST_CONTAINERS = (".ej_list_box", ".p6", ".p2j_list", ".headingNews", ".leftItem")
PAGER = ".page_n a[href], .page a[href]"  # 1 2 3 … 下一页 of a list page
TITLE_SUFFIX_RE = re.compile(r"(?:--[^-]*)*--人民网\s*$")

# http://politics.people.com.cn/n1/2024/0424/c1001-40223222.html (-2.html: its page 2;
# n2/ on the local sites).
_URL_RE = re.compile(
    r"^https?://((?:[a-z0-9-]+\.)*people\.(?:com\.)?cn)/(n\d*)/(\d{4})/(\d{4})/"
    r"c(\d+)-(\d+)(?:-(\d+))?\.html?(?:[?#].*)?$",
    re.I,
)
_LIST_URL_RE = re.compile(
    r"^https?://(?:[a-z0-9-]+\.)*people\.(?:com\.)?cn/GB/(?:\d+/)+(?:index\d*\.html)?$", re.I
)
_PAGE_RE = re.compile(r"index\d*\.html$")
_TIMED_RE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日\s*\d{1,2}[:：]\d{2}")
_DAY_RE = re.compile(r"\d{4}(?:年\d{1,2}月\d{1,2}日|-\d{1,2}-\d{1,2})")
_SOURCE_RE = re.compile(r"来源[:：]\s*([^|｜]+)")
_EDITORS_RE = re.compile(r"责编[:：]\s*([^)）]+)")


@dataclass
class ListPage(base.ListPage):
    pages: set[str] = field(default_factory=set)  # absolute URLs the pager links to


def canonical_url(url: str) -> str | None:
    """``http://<host>/n1/YYYY/MMDD/c<node>-<content>.html`` for an article URL, else None."""
    match = _URL_RE.match(url.strip())
    if not match:
        return None
    host, prefix, year, day, node, content, _page = match.groups()
    return f"http://{host.lower()}/{prefix}/{year}/{day}/c{node}-{content}.html"


def article_id_from_url(url: str) -> str | None:
    """``c<nodeId>-<contentId>`` of an article URL (``c1001-40223222``), else None."""
    match = _URL_RE.match(url.strip())
    return f"c{match.group(5)}-{match.group(6)}" if match else None


def is_list_url(url: str) -> bool:
    return bool(_LIST_URL_RE.match(url.strip()))


def list_page_url(url: str, page: int) -> str:
    """Page ``page`` (1-based) of a list: ``index.html``, ``index2.html``, ``index3.html`` ..."""
    if page <= 1:
        return url
    if url.endswith("/"):
        return f"{url}index{page}.html"
    return _PAGE_RE.sub(f"index{page}.html", url)


def parse_list(html: str, url: str) -> ListPage:
    """Article links of a list page, in page order; an image link and the text link of
    the same article count once."""
    selector = Selector(text=html or "<html></html>")
    if not selector.css(", ".join(LIST_CONTAINERS)):
        title = " ".join(selector.css("title::text").get("").split())[:60]
        raise ListAPIError(f"no article list in the page (title {title!r})")
    page = ListPage()
    by_id: dict[str, ListEntry] = {}
    for link in selector.css(", ".join(f"{c} a[href]" for c in LIST_CONTAINERS)):
        href = urljoin(url, link.attrib["href"].strip())
        article_id, canonical = article_id_from_url(href), canonical_url(href)
        if not article_id or not canonical:
            page.skipped["not_article"] += 1
            continue
        title = " ".join(link.xpath("string()").get("").split())
        stamp = " ".join(link.xpath("ancestor::li[1]//em//text()").getall()).strip(" []")
        stamp = stamp if _DAY_RE.search(stamp) else ""
        if article_id not in by_id:
            by_id[article_id] = ListEntry(id=article_id, url=canonical)
            page.entries.append(by_id[article_id])
        entry = by_id[article_id]
        entry.title, entry.publish_time = entry.title or title, entry.publish_time or stamp
    page.pages = {
        urljoin(url, href.strip()) for href in selector.css(PAGER).xpath("@href").getall()
    }
    return page


class ArticlePage(ArticlePageBase):
    """A people.com.cn article page (2020s ``rm_txt`` layout, 2019 ``box01`` fallback,
    the channel sites' ``articleCont`` layout: health.people.com.cn ..., the theory and
    opinion channels' ``text_con``/``text_c`` layout with ``p.sou`` and ``.show_text``)."""

    source = SOURCE
    lang = LANG
    # 2020s layout, the 2019 one, the channel sites' one (h2 in .articleCont .title)
    title_css = ".rm_txt h1, .text_title h1, .articleCont .title h2"
    # "2024年04月24日23:52 | 来源：<a>新华网</a>"; channel sites:
    # "2026年11月22日08:17&nbsp;&nbsp;来源：<a>人民网-生命时报</a>" in .artOri; the
    # theory/opinion layout: "<b id=newstime>2026年10月04日08:16</b>&nbsp;来源：经济日报"
    # in p.sou; else the bare <b id=newstime> (the first of these in the page is used)
    date_line_css = ".rm_txt .col-1-1, .box01 .fl, .articleCont .artOri, .rm_txt .sou, #newstime"
    body_css = ".rm_txt_con, #rwb_zw, .show_text, .articleCont .artDet"
    editor_line_css = "div.edit"  # "(责编：赵欣悦、李昊)"
    # Inside the body but not the article: share bar / paper edition, recommended reading,
    # editor line, pager, "next page" table, the finance pages' WeChat promo (QR image and
    # "关注公众号：人民网财经").
    junk_css = ".paper_num, #paper_num, #rwb_tjyd, div.edit, .zdfy, center, .tjewm, script, style"

    # A long article's pages: "【1】【2】【3】" in .zdfy, the next-page button in <center>.
    pager_css = ".zdfy a[href], center a[href]"

    @cached_property
    def date_line(self) -> str:
        line = self.selector.css(self.date_line_css)
        return " ".join(line[0].xpath("string()").get("").split()) if line else ""

    def article_id(self) -> str:
        from_meta = ""
        node = self.meta("catalogs").split(",")[0].strip()
        content = self.meta("contentid")
        if node.isdigit() and content.isdigit():
            from_meta = f"c{node}-{content}"
        return first([article_id_from_url(self.url), self.entry.id, from_meta])

    def canonical_url(self) -> str:
        return first([canonical_url(self.url), self.entry.url, self.url])

    def title(self) -> str:
        headings = self.selector.css(self.title_css)
        titles = [" ".join(h.xpath("string()").get("").split()) for h in headings]
        page_title = " ".join(self.selector.css("title::text").get("").split())
        return first([*titles, TITLE_SUFFIX_RE.sub("", page_title).strip(), self.entry.title])

    def date(self) -> str:
        """The visible line's date and time, else the date-only ``publishdate`` meta."""
        timed = _TIMED_RE.search(self.date_line)
        day = _DAY_RE.search(self.date_line)
        return first(
            [
                timed and timed.group(0),
                self.meta("publishdate"),
                day and day.group(0),
                self.entry.publish_time,
            ]
        )

    def author(self) -> str:
        """The 来源 (source media) name; else the editors of the 责编 line."""
        line = _SOURCE_RE.search(self.date_line)
        meta = _SOURCE_RE.search(self.meta("source"))
        editors = _EDITORS_RE.search(
            " ".join(self.selector.css(self.editor_line_css).xpath("string()").getall())
        )
        return first(
            [
                line and line.group(1).strip(),
                meta and meta.group(1).strip(),
                editors and editors.group(1).strip(),
                self.entry.author,
            ]
        )

    def thumbnail(self) -> str:
        cover = self.meta("og:image")
        return first([cover and urljoin(self.url, cover), self.entry.thumbnail])

    def body_html(self) -> str:
        """The body container's HTML, uncleaned, without the parts that are not the article."""
        node = self.selector.css(self.body_css)
        if not node:
            return ""
        body = Selector(text=node[0].get())
        body.css(self.junk_css).drop()
        return first(body.css("body > *").getall())

    def next_page_url(self) -> str:
        """Page n+1 of an article the site splits over pages (``c1001-40223222-2.html``
        after ``c1001-40223222.html``), when this page's pager links to it."""
        here = _URL_RE.match(self.url)
        if not here:
            return ""
        wanted = int(here.group(7) or 1) + 1
        for href in self.selector.css(self.pager_css).xpath("@href").getall():
            url = urljoin(self.url, href.strip())
            link = _URL_RE.match(url)
            if link and link.group(5, 6) == here.group(5, 6) and int(link.group(7) or 1) == wanted:
                return url
        return ""


parse_article = ArticlePage.parse


# --- the spider ------------------------------------------------------------


class PeopleSpider(NewsSpider):
    """Arguments: ``lists`` (comma list of list page URLs, default
    NEWSBOT_PEOPLE_LIST_PAGES), ``pages`` per list (default 1; page n+1 is read only
    when page n links to it), ``url`` (comma list of article URLs; skips discovery)."""

    name = "people"
    article_page = ArticlePage
    source = SOURCE
    lang = LANG
    allowed_domains = ["people.com.cn", "people.cn"]
    site_url = "http://www.people.com.cn/"
    discovery = "channel list pages GB/1024/index.html … (GBK HTML)"

    def parse_arguments(
        self, lists: str | None = None, pages: str | int = 1, url: str | None = None, **_: Any
    ) -> None:
        self.lists = checked_list(
            "lists",
            lists,
            is_list_url,
            "a people.com.cn list page URL "
            "(expected http://<channel>.people.com.cn/GB/<node>/index.html)",
        )
        self.pages = positive_int("pages", pages)
        self.entries = self.url_entries(
            url,
            "a people.com.cn article URL "
            "(expected http://<channel>.people.com.cn/n1/YYYY/MMDD/c<node>-<id>.html)",
            article_id_from_url,
            canonical_url,
        )

    def list_requests(self) -> Iterator[Request]:
        for list_url in self.lists or self.settings.getlist("NEWSBOT_PEOPLE_LIST_PAGES"):
            yield self.page_request(list_url, 1)

    def page_request(self, list_url: str, page: int) -> Request:
        return self.list_request(
            list_page_url(list_url, page), f"page {page}", {"list_url": list_url, "page": page}
        )

    def list_page(self, response: Response, list_url: str, page: int) -> ListPage:
        return parse_list(getattr(response, "text", ""), response.url)

    def article_referer(self, response: Response) -> str:
        return response.url

    def next_lists(
        self, response: Response, listing: ListPage, list_url: str, page: int
    ) -> Iterator[Request]:
        """The next page only when this one links to it: no 404 past a list's last page."""
        if page < self.pages:
            if list_page_url(list_url, page + 1) in listing.pages:
                yield self.page_request(list_url, page + 1)
            else:
                self.logger.info("List %s has no page %d", list_url, page + 1)
