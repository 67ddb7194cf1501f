"""Tencent News (news.qq.com): the getPCList feed and the article page.

Pure functions of a JSON payload or an HTML string: no Scrapy, no network.
"""

from __future__ import annotations

import re
from typing import Any

from newsbot.items import Article
from newsbot.parsers.common import (
    ArticlePageBase,
    ListAPIError,
    ListEntry,
    ListPage,
    embedded_json,
    first,
    meta_content,
    page_selector,
    text_of,
)

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


def entry_from_url(url: str) -> ListEntry | None:
    """The entry of an article URL (``-a url``), or None when it is not one."""
    article_id = article_id_from_url(url)
    return ListEntry(id=article_id) if article_id else None


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

    def __init__(
        self, html: str, url: str, entry: ListEntry | None = None, body: bytes = b""
    ) -> None:
        self.selector = page_selector(html, body)
        self.data: dict[str, Any] = embedded_json(html, "window.DATA") or {}
        self.url = url
        self.entry = entry or ListEntry(id="")

    def canonical_url(self, article_id: str) -> str:
        return ARTICLE_URL.format(id=article_id)

    def article_id(self) -> str:
        for candidate in (self.data.get("cms_id"), self.data.get("article_id")):
            if isinstance(candidate, str) and _ID_RE.fullmatch(candidate):
                return candidate
        return article_id_from_url(self.url) or self.entry.id

    def title(self) -> str:
        dom = self.selector.css("h1#article-title").xpath("string()").get(default="")
        meta = meta_content(self.selector, "og:title") or self.selector.css("title::text").get("")
        return (
            first(
                [
                    dom.strip(),
                    text_of(self.data.get("title")),
                    meta.removesuffix(TITLE_SUFFIX).strip(),
                    self.entry.title,
                ]
            )
            or ""
        )

    def date(self) -> str:
        return (
            first(
                [
                    text_of(self.data.get("pubtime")),
                    meta_content(self.selector, "article:published_time"),
                    self.entry.publish_time,
                ]
            )
            or ""
        )

    def author(self) -> str:
        dom = self.selector.css("#article-author .media-name").xpath("string()").get(default="")
        return (
            first(
                [
                    text_of(self.data.get("media")),
                    meta_content(self.selector, "article:author"),
                    dom.strip(),
                    self.entry.author,
                ]
            )
            or ""
        )

    def thumbnail(self) -> str:
        return first([meta_content(self.selector, "og:image"), self.entry.thumbnail]) or ""

    def body_html(self) -> str:
        """The article HTML, uncleaned: the DOM body, else the one rebuilt from DATA."""
        for node in self.selector.css(".rich_media_content"):
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


def parse_article(
    html: str, url: str, entry: ListEntry | None = None, body: bytes = b""
) -> Article:
    """The article item of a page (body still uncleaned: the pipeline cleans it).

    ``body``: the page's bytes when they are UTF-8 (see ``common.page_selector``).
    """
    return ArticlePage(html, url, entry, body).to_item()


def _origin_image(record: Any) -> str:
    if not isinstance(record, dict):
        return ""
    src = first([record.get(key) for key in _IMAGE_KEYS if isinstance(record.get(key), str)])
    if not src:
        return ""
    return f'<img src="{_attr(src)}" alt="图片">'


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
