"""Cleaned HTML to Markdown, and the summary rule."""

from __future__ import annotations

from markdownify import markdownify

SUMMARY_ZH_WHOLE_BELOW = 80  # characters: shorter texts are used whole
SUMMARY_ZH_CHARS = 50
SUMMARY_WORDS = 50


def to_markdown(html: str) -> str:
    """Markdown of a cleaned body, with markdownify's defaults (the site's existing files)."""
    return markdownify(html or "").strip()


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
