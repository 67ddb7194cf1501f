"""Tencent News (news.qq.com): the getPCList feed and the article page.

Crawled: channel feeds (getPCList) → article pages.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from functools import cached_property
from typing import Any

from scrapy.http import Request, Response

from newsbot.pages.base import (
    ArticlePageBase,
    ListAPIError,
    ListEntry,
    ListPage,
    embedded_json,
    first,
    text_of,
)
from newsbot.spiders.base import NewsSpider, json_or_none, positive_int, split_list

SOURCE = "qq"
LANG = "zh-CN"
TITLE_SUFFIX = "_腾讯新闻"
ARTICLE_URL = "https://new.qq.com/rain/a/{id}"  # the form the site's files link to
PAGE_URL = "https://news.qq.com/rain/a/{id}"  # the form the site serves today

# 16 characters: date, 'A', seven alphanumerics (videos have 'V' instead of 'A').
_ID_RE = re.compile(r"\d{8}[A-Z][0-9A-Z]{7}")
_URL_RE = re.compile(
    r"^https?://(?:new\.qq\.com|news\.qq\.com|view\.inews\.qq\.com)/(?:rain/a|a|k)/"
    r"(\d{8}[A-Z][0-9A-Z]{7})(?:[/?#.]|$)"
)
_IMG_PLACEHOLDER_RE = re.compile(r"<!--(IMG_\d+)-->")
# Preference among an originAttribute image record's URLs: the size the SSR body uses.
_IMAGE_KEYS = ("url", "compressUrl", "origUrl", "imgurl1000", "imgurl0", "bigOrigUrl")


def article_id_from_url(url: str) -> str | None:
    """The 16-character id of an article URL in any of the site's forms."""
    match = _URL_RE.match(url.strip())
    return match.group(1) if match else None


def is_video_id(article_id: str) -> bool:
    return len(article_id) > 8 and article_id[8] == "V"


def parse_list(payload: Any) -> ListPage:
    """Articles of a getPCList answer, wrappers unwrapped, non-articles counted."""
    if not isinstance(payload, dict):
        raise ListAPIError(f"answer is not a JSON object but {type(payload).__name__}")
    if payload.get("code") != 0:
        raise ListAPIError(f"code={payload.get('code')!r} message={payload.get('message')!r}")
    page = ListPage()
    for raw in _flatten(payload.get("data") or []):
        article_id = str(raw.get("id") or "")
        if not _ID_RE.fullmatch(article_id):
            page.skipped["bad_id"] += 1
        elif is_video_id(article_id):
            page.skipped["video"] += 1
        elif str(raw.get("articletype", "0")) != "0":
            page.skipped["not_article"] += 1
        else:
            page.entries.append(_entry(article_id, raw))
    return page


def _flatten(items: list[Any]) -> list[dict[str, Any]]:
    flat: list[dict[str, Any]] = []
    for raw in items:
        if not isinstance(raw, dict):
            continue
        sub_items = raw.get("sub_item")
        if isinstance(sub_items, list) and sub_items:
            flat.extend(_flatten(sub_items))
        else:
            flat.append(raw)
    return flat


def _entry(article_id: str, raw: dict[str, Any]) -> ListEntry:
    pic_info = raw.get("pic_info") or {}
    media = raw.get("media_info") or {}
    return ListEntry(
        id=article_id,
        title=str(raw.get("title") or ""),
        publish_time=str(raw.get("publish_time") or ""),
        update_time=str(raw.get("update_time") or ""),
        thumbnail=first(pic_info.get("big_img") or []) or "",
        author=str(media.get("chl_name") or ""),
    )


class ArticlePage(ArticlePageBase):
    """A Tencent News article page: one method per field.

    Each field comes from ``window.DATA`` or the DOM, each falling back to the
    other, then to the list entry.
    """

    source = SOURCE
    lang = LANG
    title_css = "h1#article-title"
    author_css = "#article-author .media-name"
    body_css = ".rich_media_content"

    @cached_property
    def data(self) -> dict[str, Any]:
        """The page's ``window.DATA`` object ({} when absent)."""
        return embedded_json(self.html, "window.DATA") or {}

    def canonical_url(self) -> str:
        return ARTICLE_URL.format(id=self.article_id())

    def article_id(self) -> str:
        for candidate in (self.data.get("cms_id"), self.data.get("article_id")):
            if isinstance(candidate, str) and _ID_RE.fullmatch(candidate):
                return candidate
        return article_id_from_url(self.url) or self.entry.id

    def title(self) -> str:
        meta = self.meta("og:title") or self.selector.css("title::text").get("")
        return first(
            [
                self.text(self.title_css),
                text_of(self.data.get("title")),
                meta.removesuffix(TITLE_SUFFIX).strip(),
                self.entry.title,
            ]
        )

    def date(self) -> str:
        return first(
            [
                text_of(self.data.get("pubtime")),
                self.meta("article:published_time"),
                self.entry.publish_time,
            ]
        )

    def author(self) -> str:
        return first(
            [
                text_of(self.data.get("media")),
                self.meta("article:author"),
                self.text(self.author_css),
                self.entry.author,
            ]
        )

    def thumbnail(self) -> str:
        return first([self.meta("og:image"), self.entry.thumbnail])

    def body_html(self) -> str:
        """The article HTML, uncleaned: the DOM body, else the one rebuilt from DATA."""
        for node in self.selector.css(self.body_css):
            element = node.root
            has_text = any(text.strip() for text in element.itertext())
            if has_text or element.find(".//img") is not None:
                _drop_closing_ad(element)
                return node.get()
        return self.origin_body_html()

    def origin_body_html(self) -> str:
        origin = self.data.get("originContent") or {}
        text = origin.get("text") if isinstance(origin, dict) else None
        if not isinstance(text, str):
            return ""
        attributes = self.data.get("originAttribute") or {}
        return _IMG_PLACEHOLDER_RE.sub(lambda m: _origin_image(attributes.get(m.group(1))), text)


def _drop_closing_ad(body: Any) -> None:
    """Tencent's ad: a last ``p.qnt-p`` of the body holding images and no text. Only
    that: a photo at the end of an article is content (a figure, a plain ``<p>``)."""
    last = next((c for c in reversed(body) if isinstance(c.tag, str)), None)
    if (
        last is not None
        and last.tag == "p"
        and "qnt-p" in (last.get("class") or "").split()
        and last.find(".//img") is not None
        and not any(text.strip() for text in last.itertext())
        and not (last.tail or "").strip()
    ):
        last.getparent().remove(last)


parse_article = ArticlePage.parse


def _origin_image(record: Any) -> str:
    if not isinstance(record, dict):
        return ""
    src = first([record.get(key) for key in _IMAGE_KEYS if isinstance(record.get(key), str)])
    if not src:
        return ""
    return f'<img src="{html.escape(src)}" alt="图片">'


# --- the spider ------------------------------------------------------------

SITE = "https://news.qq.com/"


class QQSpider(NewsSpider):
    """Arguments: ``channels`` (comma list of channel ids, default
    NEWSBOT_QQ_CHANNELS), ``pages`` per channel (default 1), ``url`` (comma list
    of article URLs; skips discovery)."""

    name = "qq"
    article_page = ArticlePage
    source = SOURCE
    lang = LANG
    allowed_domains = ["qq.com"]
    site_url = SITE
    discovery = "channel feed API i.news.qq.com/web_feed/getPCList (POST JSON)"
    incumbent = ("qq.py",)

    def parse_arguments(
        self, channels: str | None = None, pages: str | int = 1, url: str | None = None, **_: Any
    ) -> None:
        self.channels = split_list(channels)
        self.pages = positive_int("pages", pages)
        self.entries = self.url_entries(
            url,
            "a Tencent News article URL (expected https://news.qq.com/rain/a/<16-character id>)",
            article_id_from_url,
        )

    def list_requests(self) -> Iterator[Request]:
        for channel in self.channels or self.settings.getlist("NEWSBOT_QQ_CHANNELS"):
            for page in range(self.pages):
                yield self.channel_request(channel, page)

    def channel_request(self, channel: str, page: int) -> Request:
        body = {
            "base_req": {"from": "pc"},
            "forward": "2" if page == 0 else "1",
            "channel_id": channel,
            "flush_num": page + 1,
            "page": page,
            "item_count": self.settings.getint("NEWSBOT_QQ_ITEM_COUNT"),
            "is_local_chlid": "0",
        }
        return self.list_request(
            self.settings.get("NEWSBOT_QQ_LIST_API"),
            f"channel {channel} page {page}",
            data=body,
            headers={"Referer": SITE, "Origin": SITE.rstrip("/")},
        )

    def list_page(self, response: Response) -> ListPage:
        return parse_list(json_or_none(response))

    def entry_urls(self, entry: ListEntry) -> tuple[str, str]:
        """Fetched at news.qq.com (what the site serves), exported as the new.qq.com URL
        (what the site's files link to)."""
        return PAGE_URL.format(id=entry.id), ARTICLE_URL.format(id=entry.id)
