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


def parse_fragment(html: str) -> lxml.html.HtmlElement:
    """Parse an HTML fragment into one wrapper ``<div>``."""
    return lxml.html.fragment_fromstring(html or "", create_parent="div")


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
    out = "".join(_serialize(child) for child in root)
    out = (root.text or "") + out
    return CleanBody(html=out.strip(), images=images, text=plain_text(out))


_ASCII_SPACE_RE = re.compile(r"[ \t\r\n\f\v]+")


def one_line(text: str) -> str:
    """Runs of ASCII whitespace as one space, stripped; NBSP and U+3000 (deliberate
    typography in Chinese titles) are kept."""
    return _ASCII_SPACE_RE.sub(" ", text or "").strip(" ")


def plain_text(html: str) -> str:
    """Visible text of an HTML fragment on one line: blocks separated, entities decoded."""
    text = _COMMENT_RE.sub("", html or "")
    text = _BLOCK_RE.sub(" ", text)
    text = htmllib.unescape(_TAG_RE.sub("", text))
    return _SPACE_RE.sub(" ", text).strip()


def _serialize(el: lxml.html.HtmlElement) -> str:
    return etree.tostring(el, encoding="unicode", method="html", with_tail=True)


def _drop_unsafe(root: lxml.html.HtmlElement) -> None:
    for el in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
        el.drop_tree()
    for el in list(root.iter()):
        if el is not root and isinstance(el.tag, str) and el.tag.lower() in DROP_TAGS:
            el.drop_tree()


def _fix_images(root: lxml.html.HtmlElement, base_url: str) -> list[str]:
    images = []
    for img in list(root.iter("img")):
        src = ""
        for attr in IMAGE_SOURCES:
            src = safe_url(img.get(attr), base_url, IMAGE_SCHEMES)
            if src:
                break
        if not src:
            img.drop_tree()
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


def _fix_links(root: lxml.html.HtmlElement, base_url: str) -> None:
    for a in list(root.iter("a")):
        href = safe_url(a.get("href"), base_url, LINK_SCHEMES)
        if href:
            a.set("href", href)
        else:
            a.drop_tag()  # keep the text, lose the link


def _strip_attributes(root: lxml.html.HtmlElement) -> None:
    for el in root.iter():
        if el is root or not isinstance(el.tag, str):
            continue
        keep = KEEP_ATTRS.get(el.tag, ())
        for name in list(el.attrib):
            if name not in keep:
                del el.attrib[name]


def _has_text(el: lxml.html.HtmlElement) -> bool:
    return bool("".join(el.itertext()).strip())


def _drop_empty(root: lxml.html.HtmlElement) -> None:
    """Remove wrappers that hold neither text nor an image (children first)."""
    for el in reversed(list(root.iter())):
        if el is root or el.tag in VOID_CONTENT:
            continue
        if not _has_text(el) and next(el.iter("img", "hr"), None) is None:
            el.drop_tree()


def _drop_trailing_image_block(root: lxml.html.HtmlElement) -> int:
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
            last.drop_tree()
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
    if not changed:
        return html
    return ((root.text or "") + "".join(_serialize(child) for child in root)).strip()
