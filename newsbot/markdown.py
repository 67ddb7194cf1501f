"""Cleaned HTML to Markdown, and the summary rule."""

from __future__ import annotations

from markdownify import MarkdownConverter

SUMMARY_ZH_WHOLE_BELOW = 80  # characters: shorter texts are used whole
SUMMARY_ZH_CHARS = 50
SUMMARY_WORDS = 50


class SafeConverter(MarkdownConverter):
    """markdownify's defaults (the site's existing files), except that text can never
    become raw HTML: a ``<`` in the text (``&lt;script&gt;`` in the page) is written
    as ``&lt;``, which Markdown shows as a character, even with raw HTML allowed."""

    def escape(self, text: str, parent_tags: set[str]) -> str:
        text = super().escape(text, parent_tags)
        if "<" in text and "pre" not in parent_tags and "code" not in parent_tags:
            text = text.replace("<", "&lt;")
        return text


_CONVERTER = SafeConverter()


def to_markdown(html: str) -> str:
    """Markdown of a cleaned body."""
    return _CONVERTER.convert(html or "").strip()


def summarize(text: str, lang: str) -> str:
    """Summary of a body's plain text (already whitespace-collapsed).

    Chinese (``zh*``): the whole text under 80 characters, else the first 50 and
    ``...``. Other languages: the whole text under 50 words, else the first 50 words.
    """
    text = " ".join(text.split())
    if lang.lower().startswith("zh"):
        if len(text) < SUMMARY_ZH_WHOLE_BELOW:
            return text
        return text[:SUMMARY_ZH_CHARS] + "..."
    words = text.split(" ")
    if len(words) < SUMMARY_WORDS:
        return text
    return " ".join(words[:SUMMARY_WORDS]) + "..."
