"""markdownify's conversion, computed on the lxml tree of a cleaned body.

markdownify (``newsbot.markdown.SafeConverter``) defines newsbot's Markdown, but it
first parses the HTML again into a BeautifulSoup tree with Python's html.parser, and
that re-parse plus its per-node lookups cost more CPU than the rest of a crawl's
parsing together (README, "Performance"). This module walks the lxml tree instead and
gives markdownify's output, rule for rule, for the elements cleaned news bodies are
made of; for any other element (tables, code, definition lists ...) it gives None and
the caller lets markdownify convert the whole body. ``tests/test_treemarkdown.py``
checks that both agree, on every fixture body and on generated ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree

# The pieces of markdownify 1.x this mirrors (markdownify/__init__.py).
_WHITESPACE_RE = re.compile(r"[\t ]+")
_ALL_WHITESPACE_RE = re.compile(r"[\t \r\n]+")
_NEWLINE_WHITESPACE_RE = re.compile(r"[\t \r\n]*[\r\n][\t \r\n]*")
_NEWLINES_RE = re.compile(r"^(\n*)((?:.*[^\n])?)(\n*)$", flags=re.DOTALL)
_LINE_RE = re.compile(r"^(.*)", flags=re.MULTILINE)

# Whitespace next to these is dropped (markdownify's should_remove_whitespace_*).
BLOCKS = frozenset(
    """p blockquote article div section ol ul li dl dt dd table thead tbody tfoot tr td
    th h1 h2 h3 h4 h5 h6""".split()
)
HEADINGS = {f"h{n}": n for n in range(1, 7)}
INLINE_MARKS = {"strong": "**", "b": "**", "em": "*", "i": "*", "del": "~~", "s": "~~"}
# Elements markdownify has no rule for: their Markdown is their content's.
TRANSPARENT = frozenset(
    """span font u small big center figure picture abbr cite mark time ins label
    address header footer aside main nav bdi bdo dfn var tt strike wbr""".split()
)
SUPPORTED = (
    (BLOCKS - {"dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "td", "th"})
    | frozenset(INLINE_MARKS)
    | TRANSPARENT
    | frozenset("a img br hr figcaption sub sup q".split())
)


class Unsupported(Exception):
    """An element this module leaves to markdownify."""


def to_markdown(root: etree._Element, escape: Callable[[str], str]) -> str | None:
    """Markdown of the children of ``root`` (the wrapper of a cleaned body) as
    markdownify gives it with ``escape`` for text nodes (``convert(html).strip()``);
    None when the body holds an element this module does not convert."""
    try:
        return _children(root, "[document]", frozenset(), escape).strip("\n").strip()
    except (Unsupported, RecursionError):
        return None
    finally:
        _POSITIONS.clear()


def _children(
    el: etree._Element, name: str, parents: frozenset[str], escape: Callable[[str], str]
) -> str:
    """markdownify's process_tag without the final rule: the children's joined text."""
    items: list[str | etree._Element] = [el.text] if el.text else []
    for child in el:
        if not isinstance(child.tag, str) or child.tag not in SUPPORTED:
            raise Unsupported(child.tag)
        items.append(child)
        if child.tail:
            items.append(child.tail)
    inner = parents | {name}
    if name in HEADINGS:
        inner = inner | {"_inline"}
    block = name in BLOCKS
    last = len(items) - 1
    parts = []
    for k, item in enumerate(items):
        if isinstance(item, str):
            prev = items[k - 1].tag if k > 0 else None  # type: ignore[union-attr]
            nxt = items[k + 1].tag if k < last else None  # type: ignore[union-attr]
            text = _text(item, prev, nxt, block, escape)
        else:
            text = _convert(item, _children(item, item.tag, inner, escape), inner)
        if text:
            parts.append(text)
    return _join(parts)


def _outside(tag: str | None) -> bool:
    return tag in BLOCKS or tag == "pre"


def _text(
    text: str, prev: str | None, nxt: str | None, block: bool, escape: Callable[[str], str]
) -> str:
    """markdownify's _can_ignore and process_text for one text node."""
    if not text.strip():
        if block and (prev is None or nxt is None):
            return ""
        if _outside(prev) or _outside(nxt):
            return ""
    # The checks spare most text nodes the regexes (same result: nothing to replace).
    if "\n" in text or "\r" in text:
        text = _NEWLINE_WHITESPACE_RE.sub("\n", text)
    if "\t" in text or "  " in text:
        text = _WHITESPACE_RE.sub(" ", text)
    if text:
        text = escape(text)
    if _outside(prev) or (block and prev is None):
        text = text.lstrip(" \t\r\n")
    if _outside(nxt) or (block and nxt is None):
        text = text.rstrip()
    return text


def _join(parts: list[str]) -> str:
    """Children's texts joined, newlines at their boundaries collapsed to at most two."""
    joined = [""]
    for part in parts:
        leading, content, trailing = _NEWLINES_RE.match(part).groups()  # type: ignore[union-attr]
        if joined[-1] and leading:
            leading = "\n" * min(2, max(len(joined.pop()), len(leading)))
        joined.extend((leading, content, trailing))
    return "".join(joined)


def _chomp(text: str) -> tuple[str, str, str]:
    prefix = " " if text and text[0] == " " else ""
    suffix = " " if text and text[-1] == " " else ""
    return prefix, suffix, text.strip()


def _convert(el: etree._Element, text: str, parents: frozenset[str]) -> str:
    """markdownify's convert_<tag> for ``el``, whose children's text is ``text``.

    ``parents`` holds the names of ``el``'s ancestors (plus ``_inline`` in headings).
    """
    name = el.tag
    inline = "_inline" in parents
    if name in TRANSPARENT:
        return text
    if name in ("div", "section", "article"):
        if inline:
            return " " + text.strip() + " "
        text = text.strip()
        return f"\n\n{text}\n\n" if text else ""
    if name == "p":
        if inline:
            return " " + text.strip(" \t\r\n") + " "
        text = text.strip(" \t\r\n")
        return f"\n\n{text}\n\n" if text else ""
    if name in INLINE_MARKS or name in ("sub", "sup"):
        mark = INLINE_MARKS.get(name, "")
        prefix, suffix, text = _chomp(text)
        return f"{prefix}{mark}{text}{mark}{suffix}" if text else ""
    if name == "a":
        return _link(el, text)
    if name == "img":
        return _image(el, inline)
    if name == "br":
        return (text + " " if text else " ") if inline else "  \n" + text
    if name == "hr":
        return "\n\n---\n\n"
    if name in HEADINGS:
        return text if inline else _heading(HEADINGS[name], text)
    if name == "blockquote":
        return _blockquote(text, inline)
    if name in ("ul", "ol"):
        return _list(el, text, parents)
    if name == "li":
        return _list_item(el, text)
    if name == "figcaption":
        return "\n\n" + text.strip() + "\n\n"
    if name == "q":
        return '"' + text + '"'
    raise Unsupported(name)


def _link(el: etree._Element, text: str) -> str:
    prefix, suffix, text = _chomp(text)
    if not text:
        return ""
    href = el.get("href")
    title = el.get("title")
    if text.replace(r"\_", "_") == href and not title:
        return f"<{href}>"
    return f"{prefix}[{text}]({href}{_title(title)}){suffix}" if href else text


def _title(title: str | None) -> str:
    return ' "' + title.replace('"', r"\"") + '"' if title else ""


def _image(el: etree._Element, inline: bool) -> str:
    alt = el.get("alt") or ""
    if inline:
        return alt
    return f"![{alt}]({el.get('src') or ''}{_title(el.get('title'))})"


def _heading(n: int, text: str) -> str:
    text = text.strip()
    if n <= 2:
        text = text.rstrip()
        return f"\n\n{text}\n{('=' if n == 1 else '-') * len(text)}\n\n" if text else ""
    return f"\n\n{'#' * n} {_ALL_WHITESPACE_RE.sub(' ', text)}\n\n"


def _blockquote(text: str, inline: bool) -> str:
    text = text.strip(" \t\r\n")
    if inline:
        return " " + text + " "
    if not text:
        return "\n"
    text = _LINE_RE.sub(lambda m: "> " + m.group(1) if m.group(1) else ">", text)
    return "\n" + text + "\n\n"


def _list(el: etree._Element, text: str, parents: frozenset[str]) -> str:
    if "li" in parents:
        return "\n" + text.rstrip()
    tail = el.tail or ""
    if tail.strip():
        before_paragraph = True  # the next content is text
    else:
        after = el.getnext()
        before_paragraph = after is not None and after.tag not in ("ul", "ol")
    return "\n\n" + text + ("\n" if before_paragraph else "")


# Per <ol>: the position of each of its <li> among its <li> children, counted in one
# pass (counting the preceding siblings of each item is quadratic: 16k items took 5 s).
# Filled during one to_markdown call, emptied after it.
_POSITIONS: dict[etree._Element, dict[etree._Element, int]] = {}


def _position(parent: etree._Element, li: etree._Element) -> int:
    positions = _POSITIONS.get(parent)
    if positions is None:
        positions = _POSITIONS[parent] = {c: k for k, c in enumerate(parent.iterchildren("li"))}
    return positions[li]


def _list_item(el: etree._Element, text: str) -> str:
    text = text.strip()
    if not text:
        return "\n"
    parent = el.getparent()
    if parent is not None and parent.tag == "ol":
        start = parent.get("start")
        first = int(start) if start and start.isnumeric() else 1
        bullet = f"{first + _position(parent, el)}. "
    else:
        depth = sum(1 for _ in el.iterancestors("ul")) - 1
        bullet = "*+-"[depth % 3] + " "
    indent = " " * len(bullet)
    text = _LINE_RE.sub(lambda m: indent + m.group(1) if m.group(1) else "", text)
    return bullet + text[len(bullet) :] + "\n"
