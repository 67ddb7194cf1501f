"""Cleaned HTML to Markdown, and the summary rule."""

from __future__ import annotations

from markdownify import MarkdownConverter

SUMMARY_ZH_WHOLE_BELOW = 80  # characters: shorter texts are used whole
SUMMARY_ZH_CHARS = 50
SUMMARY_WORDS = 50


def inert(text: str) -> str:
    """Text that Markdown shows as it is: never raw HTML (``<``), never a link (``[``)."""
    return text.replace("<", "&lt;").replace("[", "\\[").replace("]", "\\]")


class SafeConverter(MarkdownConverter):
    """markdownify's defaults (the site's existing files), except that text can never
    become markup: ``&lt;script&gt;`` or ``[x](javascript:...)`` in a page's text stay
    text in Markdown, even with Hugo's raw HTML allowed."""

    def escape(self, text: str, parent_tags: set[str]) -> str:
        text = super().escape(text, parent_tags)
        if "pre" in parent_tags or "code" in parent_tags:
            return text  # code is shown literally by Markdown itself
        return inert(text)


_CONVERTER = SafeConverter()


def to_markdown(html: str) -> str:
    """Markdown of a cleaned body."""
    return _CONVERTER.convert(html or "").strip()


def summarize(text: str, lang: str) -> str:
    """Summary of a body's plain text (already whitespace-collapsed).

    Chinese (``zh*``): the whole text under 80 characters, else the first 50 and
    ``...``. Other languages: the whole text under 50 words, else the first 50 words.
    Hugo renders a front matter summary as Markdown, so it is made inert.
    """
    return inert(_cut(text, lang))


def _cut(text: str, lang: str) -> str:
    text = " ".join(text.split())
    if lang.lower().startswith("zh"):
        if len(text) < SUMMARY_ZH_WHOLE_BELOW:
            return text
        return text[:SUMMARY_ZH_CHARS] + "..."
    words = text.split(" ")
    if len(words) < SUMMARY_WORDS:
        return text
    return " ".join(words[:SUMMARY_WORDS]) + "..."
