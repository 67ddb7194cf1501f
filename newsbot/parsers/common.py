"""Small helpers the source parsers share."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from parsel import Selector

_DECODER = json.JSONDecoder()


def first(values: Iterable[Any]) -> Any:
    """The first truthy value, or None."""
    return next((value for value in values if value), None)


def meta_content(selector: Selector, name: str) -> str:
    """Content of ``<meta property=name>`` or ``<meta name=name>``, stripped."""
    value = selector.xpath("//meta[@property=$name or @name=$name]/@content", name=name).get(
        default=""
    )
    return value.strip()


def embedded_json(html: str, marker: str) -> Any:
    """The JSON value assigned after ``marker`` (``window.DATA = {...};``) in a page.

    Decoded with a real JSON scan rather than a regex: the value is one long line
    whose strings can hold ``};`` (inline CSS). None when absent or not JSON.
    """
    start = html.find(marker)
    while start != -1:
        pos = start + len(marker)
        while pos < len(html) and html[pos] in " \t\r\n=":
            pos += 1
        try:
            value, _ = _DECODER.raw_decode(html, pos)
        except json.JSONDecodeError:
            start = html.find(marker, pos)
            continue
        return value
    return None
