"""Body HTML cleaning and plain text, shared by every source.

Every byte of a body comes from a third-party server, so cleaning is an allowlist:
elements that can run or embed something are removed with their content, every
attribute not on the list goes, and URLs keep only web schemes.
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

# Removed together with everything inside them.
DROP_TAGS = frozenset(
    """script style iframe frame frameset object embed applet form noscript template
    svg math button input select option textarea link meta base audio video source
    track canvas dialog head title""".split()
)
# Attributes that survive, per tag; every other attribute is removed.
KEEP_ATTRS = {
    "a": ("href", "title"),
    "img": ("src", "alt", "title"),
    "td": ("colspan", "rowspan"),
    "th": ("colspan", "rowspan"),
}
VOID_CONTENT = frozenset({"img", "br", "hr"})
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
IMAGE_SCHEMES = frozenset({"http", "https"})
# Attributes that lazy-loading sites put the real image URL in, in order of trust.
IMAGE_SOURCES = ("src", "data-src", "data-original", "data-lazyload")

BLOCK_TAGS = (
    "p|div|section|article|h[1-6]|li|ul|ol|br|hr|figure|figcaption|blockquote"
    "|tr|td|th|table|pre|dd|dt|dl|header|footer|aside|main|nav"
)
_BLOCK_RE = re.compile(rf"<(?:/?(?:{BLOCK_TAGS}))\b[^>]*>", re.I)
_TAG_RE = re.compile(r"<[^>]*>")
_COMMENT_RE = re.compile(r"<!--.*?-->", re.S)
_SPACE_RE = re.compile(r"\s+")
# Controls that are not whitespace never belong in text (NUL, DEL, C1 ...).
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass
class CleanBody:
    html: str
    images: list[str] = field(default_factory=list)
    text: str = ""


def safe_url(value: str | None, base_url: str, schemes: frozenset[str]) -> str:
    """Absolute URL for ``value`` if its scheme is allowed, else ``""``."""
    if not value:
        return ""
    value = _CONTROL_RE.sub("", value).strip()
    if not value or value.startswith("#"):
        return ""
    try:
        absolute = urljoin(base_url, value)
        parts = urlsplit(absolute)
    except ValueError:
        return ""
    if parts.scheme.lower() not in schemes or (parts.scheme != "mailto" and not parts.netloc):
        return ""
    return absolute


# Plain lxml elements: lxml.html's element classes are looked up by a Python call for
# every node touched, which costs more than the parse itself on a long body.
_PARSER = etree.HTMLParser()
_FULL_HTML_RE = re.compile(r"^\s*<(?:html|!doctype)", re.I)


def parse_fragment(html: str) -> etree._Element:
    """Parse an HTML fragment into one wrapper ``<div>`` (as lxml.html's
    ``fragment_fromstring(html, create_parent="div")`` does)."""
    root = _PARSER.makeelement("div")
    if not html or not html.strip():
        return root
    if not _FULL_HTML_RE.match(html):
        html = f"<html><body>{html}</body></html>"
    body = etree.fromstring(html, _PARSER).find("body")
    if body is not None:
        if body.text and body.text.strip():
            root.text = body.text
        root.extend(body)
    return root


# lxml.html's drop_tree/drop_tag are plain Python over the etree API: they work on
# plain elements too.
drop_tree = lxml.html.HtmlMixin.drop_tree
drop_tag = lxml.html.HtmlMixin.drop_tag


def clean_body(html: str, base_url: str) -> CleanBody:
    """Clean a body fragment: the one sanitising step before Markdown."""
    root = parse_fragment(_CONTROL_RE.sub("", html))
    _drop_unsafe(root)
    images = _fix_images(root, base_url)
    _fix_links(root, base_url)
    _strip_attributes(root)
    _drop_empty(root)
    dropped = _drop_trailing_image_block(root)
    if dropped:
        images = images[: len(images) - dropped]
    out = inner_html(root)
    return CleanBody(html=out, images=images, text=tree_text(root))


_ASCII_SPACE_RE = re.compile(r"[ \t\r\n\f\v]+")


def one_line(text: str) -> str:
    """Runs of ASCII whitespace as one space, stripped; NBSP and U+3000 (deliberate
    typography in Chinese titles) are kept."""
    return _ASCII_SPACE_RE.sub(" ", text or "").strip(" ")


BLOCK_ELEMENTS = frozenset(BLOCK_TAGS.replace("h[1-6]", "h1|h2|h3|h4|h5|h6").split("|"))


def tree_text(root: etree._Element) -> str:
    """:func:`plain_text` of ``root``'s content, read from the tree."""
    parts: list[str] = []
    _collect_text(root, parts)
    return _SPACE_RE.sub(" ", "".join(parts)).strip()


def _collect_text(el: etree._Element, parts: list[str]) -> None:
    if el.text:
        parts.append(el.text)
    for child in el:
        if isinstance(child.tag, str):  # comments are not text
            block = child.tag in BLOCK_ELEMENTS
            if block:
                parts.append(" ")
            _collect_text(child, parts)
            if block:
                parts.append(" ")
        if child.tail:
            parts.append(child.tail)


def plain_text(html: str) -> str:
    """Visible text of an HTML fragment on one line: blocks separated, entities decoded."""
    text = _COMMENT_RE.sub("", html or "")
    text = _BLOCK_RE.sub(" ", text)
    text = htmllib.unescape(_TAG_RE.sub("", text))
    return _SPACE_RE.sub(" ", text).strip()


def inner_html(root: etree._Element) -> str:
    """The HTML of ``root``'s content, stripped."""
    # The leading text is escaped by hand: tostring only serialises elements.
    text = htmllib.escape(root.text or "", quote=False)
    return (text + "".join(_serialize(child) for child in root)).strip()


def _serialize(el: etree._Element) -> str:
    return etree.tostring(el, encoding="unicode", method="html", with_tail=True)


def _drop_unsafe(root: etree._Element) -> None:
    # lxml's HTML parser gives lower-case tag names
    for el in list(root.iter(etree.Comment, etree.ProcessingInstruction, *DROP_TAGS)):
        if el is not root:
            drop_tree(el)


def _fix_images(root: etree._Element, base_url: str) -> list[str]:
    images = []
    for img in list(root.iter("img")):
        src = ""
        for attr in IMAGE_SOURCES:
            src = safe_url(img.get(attr), base_url, IMAGE_SCHEMES)
            if src:
                break
        if not src:
            drop_tree(img)
            continue
        alt = _SPACE_RE.sub(" ", img.get("alt") or "").strip()
        title = img.get("title")
        img.attrib.clear()  # rebuilt in a fixed order: output does not depend on the site's
        img.set("src", src)
        img.set("alt", alt)
        if title:
            img.set("title", title)
        images.append(src)
    return images


def _fix_links(root: etree._Element, base_url: str) -> None:
    for a in list(root.iter("a")):
        href = safe_url(a.get("href"), base_url, LINK_SCHEMES)
        if href:
            a.set("href", href)
        else:
            drop_tag(a)  # keep the text, lose the link


def _strip_attributes(root: etree._Element) -> None:
    for el in _WITH_ATTRIBUTES(root):
        keep = KEEP_ATTRS.get(el.tag)
        if keep is None:
            el.attrib.clear()
            continue
        for name in list(el.attrib):
            if name not in keep:
                del el.attrib[name]


_WITH_ATTRIBUTES = etree.XPath(".//*[@*]")  # in C: most elements have none


def _has_text(el: etree._Element) -> bool:
    return any(text.strip() for text in el.itertext())


def _drop_empty(root: etree._Element) -> None:
    """Remove wrappers that hold neither text nor an image (nor a rule)."""
    # One pass marking the ancestors of every text and image: asking each element
    # for its text instead is quadratic in the nesting depth.
    full: set[etree._Element] = {root}
    for el in root.iter():
        if el.tag in ("img", "hr") or (el.text and el.text.strip()):
            _mark(el, full)
        if el.tail and el.tail.strip() and el is not root:
            _mark(el.getparent(), full)
    empty = [el for el in root.iter() if el not in full and el.tag not in VOID_CONTENT]
    for el in empty:  # parents come before their children, which go with them
        drop_tree(el)


def _mark(el: etree._Element | None, full: set[etree._Element]) -> None:
    while el is not None and el not in full:
        full.add(el)
        el = el.getparent()


def _drop_trailing_image_block(root: etree._Element) -> int:
    """Drop the last block when it holds only images (the sites' ad pattern).

    Returns how many images went with it.
    """
    if not _has_text(root):
        return 0  # an all-image body is not an ad; validation decides about it
    node = root
    while True:
        children = [c for c in node if isinstance(c.tag, str)]
        if not children or (children[-1].tail or "").strip():
            return 0
        last = children[-1]
        if last.tag in VOID_CONTENT:
            return 0
        if _has_text(last):
            node = last
            continue
        count = sum(1 for _ in last.iter("img"))
        if count:
            drop_tree(last)
        return count


def replace_image_sources(html: str, sources: dict[str, str]) -> str:
    """A cleaned body with the ``src`` of its images replaced per ``sources``
    (old URL → new URL); images not listed keep theirs."""
    if not sources or not html:
        return html
    root = parse_fragment(html)
    changed = False
    for img in root.iter("img"):
        new = sources.get(img.get("src") or "")
        if new:
            img.set("src", new)
            changed = True
    return inner_html(root) if changed else html
