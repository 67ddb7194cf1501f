"""The front matter of the consuming Hugo site, byte for byte.

The layout (key order, quoting, two-space list indent, bare booleans) is fixed by
the site's existing files; only the values change per article.
"""

from __future__ import annotations

import re

from newsbot.items import Article

# Characters YAML cannot hold raw in a double-quoted scalar, or folds as line
# breaks (NEL, LS, PS): they become spaces, as newlines and tabs do.
_SPACE_LIKE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_BOM = "\ufeff"

TEMPLATE = """\
---
title: {title}
date: {date}
summary: {summary}
categories:
  - {source}
lang:
  - {lang}
translations:
  - {lang}
tags:
  - {source}
menu: ""
thumbnail: {thumbnail}
lead: ""
comments: false
authorbox: false
pager: true
toc: false
mathjax: false
sidebar: "right"
widgets:
  - "search"
  - "recent"
  - "taglist"
---
"""


def quote(value: str | None) -> str:
    """Double-quoted YAML scalar: ``\\`` and ``"`` escaped, line breaks as spaces."""
    text = value or ""
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    text = _SPACE_LIKE.sub(" ", text)
    text = _SURROGATE.sub("", text).replace(_BOM, "")
    return '"' + text.strip() + '"'


def render_front_matter(item: Article) -> str:
    return TEMPLATE.format(
        title=quote(item.title),
        date=quote(item.date),
        summary=quote(item.summary),
        source=quote(item.label or item.source),
        lang=quote(item.lang),
        thumbnail=quote(item.thumbnail),
    )


def render_document(item: Article) -> str:
    """The whole file: front matter, blank line, body, blank line, source line."""
    source_line = f"[{item.label or item.source}]({item.url})"
    return f"{render_front_matter(item)}\n{item.body.strip()}\n\n{source_line}\n"
