"""NormalisePipeline (200): the date in the sources' zone, one-line fields, the
cleaned body, the summary; what is not an article is dropped."""

from __future__ import annotations

from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newsbot.dates import DateError, normalize_date
from newsbot.html import (
    IMAGE_SCHEMES,
    ParseTruncated,
    clean_body,
    clean_title,
    is_mojibake,
    is_site_picture,
    one_line,
    safe_url,
)
from newsbot.items import Article
from newsbot.markdown import summarize
from newsbot.pipelines.base import _Step

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

class NormalisePipeline(_Step):
    """Cleans the body, fixes whitespace and the date format, writes the summary."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        name = self.settings.get("NEWSBOT_TIMEZONE")
        try:
            self.zone = ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"NEWSBOT_TIMEZONE {name!r} is not a known time zone") from exc
        self.min_body_chars = self.settings.getint("NEWSBOT_MIN_BODY_CHARS")

    def process_item(self, item: Article) -> Article:
        item.id = item.id.strip()
        item.title = clean_title(item.title)
        item.author = one_line(item.author)
        try:
            item.date = normalize_date(item.date, self.zone)
        except DateError as exc:
            raise self.drop(item, "bad_date", str(exc)) from None
        item.thumbnail = safe_url(item.thumbnail, item.url, IMAGE_SCHEMES)
        if item.thumbnail and is_site_picture(item.thumbnail):
            self.stats.inc_value("newsbot/normalised/site_picture")
            item.thumbnail = ""  # the site's logo is not the article's picture
        if item.body_html:
            try:
                cleaned = clean_body(item.body_html, item.url)
            except ParseTruncated as exc:
                raise self.drop(item, "truncated", f"body not fully readable: {exc}") from None
            # A photo story (a title and images, little or no text) is an article.
            if not cleaned.text and not cleaned.images:
                raise self.drop(item, "empty_body", "no text left after cleaning")
            item.body_html, item.images, text = cleaned.html, cleaned.images, cleaned.text
        else:
            text = " ".join(item.body.split())
        if len(text) < self.min_body_chars and not item.images:
            raise self.drop(item, "too_short", f"{len(text)} characters: not an article")
        if is_mojibake(item.title + text):
            # Bytes that did not decode: never publish mojibake.
            raise self.drop(item, "mojibake", "undecodable bytes in title or body")
        item.summary = summarize(text, item.lang)
        return item
