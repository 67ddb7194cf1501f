"""Body HTML cleaning and plain text, shared by every source.

Every byte of a body comes from a third-party server, so cleaning is an allowlist:
elements that can run or embed something are removed with their content, every
attribute not on the list goes, and URLs keep only web schemes.
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urljoin, urlsplit

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
# Attributes that lazy-loading sites put the real image URL in, in order of trust: they
# win over ``src``, which on such pages holds a placeholder (IT之家's
# ``images/v2/t.png``, a 1×1 ``data:`` GIF, a grey placeholder) or a small preview.
LAZY_IMAGE_SOURCES = (
    "data-original", "data-src", "data-lazy-src", "data-actualsrc", "data-lazyload",
    "data-original-src",
)
LAZY_IMAGE_SRCSETS = ("data-srcset", "data-lazy-srcset", "srcset")
# File names that lazy loaders put in ``src`` until the real image is shown.
_PLACEHOLDER_RE = re.compile(
    r"(?:/images/v2/t\.png"
    r"|placeholder[^/]*"
    r"|/(?:blank|spacer|pixel|transparent|whitedot|grey|gray|1x1|clear|empty|lazy|lazyload"
    r"|loading|load|dot|space|trans)\.(?:gif|png|jpe?g|svg|webp))$",
    re.I,
)

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
# huge_tree: libxml2 stops at 256 levels of nesting without it (2048 with it).
_PARSER = etree.HTMLParser(huge_tree=True)
_FULL_HTML_RE = re.compile(r"^\s*<(?:html|!doctype)", re.I)
# Elements HTML5 defines as void that libxml2's HTML parser does not know: it nests
# everything after them inside them (and dropping the element then drops the rest
# of the article). An explicit end tag right after the start tag closes them where a
# browser does. The pattern skips quoted attribute values, which may hold ``>``.
HTML5_VOID_UNKNOWN = ("embed", "source", "track", "wbr", "keygen")
_VOID_TAG_RE = re.compile(
    rf"<({'|'.join(HTML5_VOID_UNKNOWN)})(?=[\s/>])"
    r"(?:[^>\"']|\"[^\"]*\"|'[^']*')*>",
    re.I,
)
# Character references a browser turns into U+FFFD (NUL, surrogates, beyond Unicode):
# they mean nothing, and a U+FFFD would make the article look undecodable.
_CHAR_REF_RE = re.compile(r"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));?")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
# Nesting beyond this is unwrapped (the text stays, the wrappers go): the tree walks
# of the Markdown and text steps stay far from Python's recursion limit.
MAX_DEPTH = 200


class ParseTruncated(ValueError):
    """The HTML parser stopped before the end of a body (libxml2 gives up past 2048
    levels of nesting, or on bytes it cannot read): publishing the rest would be a
    silently cut article."""


def _meaningless_ref(match: re.Match[str]) -> str:
    hex_digits, digits = match.groups()
    try:
        point = int(hex_digits, 16) if hex_digits else int(digits)
    except ValueError:
        return ""
    if point == 0 or 0xD800 <= point <= 0xDFFF or point > 0x10FFFF:
        return ""
    return match.group(0)


_VOID_START_RE = re.compile(rf"<(?:{'|'.join(HTML5_VOID_UNKNOWN)})", re.I)


def prepare_html(html: str) -> str:
    """A body's HTML as libxml2 must see it to read it as a browser does: NUL and
    surrogate character references removed, HTML5 void elements closed. (Lone
    surrogates, a half emoji from ``json.loads``, at which libxml2 stops reading, are
    removed by :func:`parse_fragment` when it meets one.)"""
    if "&#" in html:
        html = _CHAR_REF_RE.sub(_meaningless_ref, html)
    if _VOID_START_RE.search(html):
        html = _VOID_TAG_RE.sub(lambda m: f"{m.group(0)}</{m.group(1)}>", html)
    return html


def _fatal_errors() -> list[etree._LogEntry]:
    """The fatal errors of the last parse: libxml2 stopped reading there."""
    return [e for e in _PARSER.error_log if e.level >= etree.ErrorLevels.FATAL]


def parse_fragment(html: str, *, strict: bool = False) -> etree._Element:
    """Parse an HTML fragment into one wrapper ``<div>`` (as lxml.html's
    ``fragment_fromstring(html, create_parent="div")`` does).

    ``strict``: raise :class:`ParseTruncated` when the parser stopped early.
    """
    root = _PARSER.makeelement("div")
    if not html or not html.strip():
        return root
    html = prepare_html(html)
    if not _FULL_HTML_RE.match(html):
        html = f"<html><body>{html}</body></html>"
    document = etree.fromstring(html, _PARSER)
    fatal = _fatal_errors()
    if fatal and _SURROGATE_RE.search(html):
        # Searched only then: a scan of every body would cost more than the parse.
        document = etree.fromstring(_SURROGATE_RE.sub("", html), _PARSER)
        fatal = _fatal_errors()
    if strict and fatal:
        raise ParseTruncated(f"line {fatal[0].line}: {fatal[0].message}")
    body = document.find("body")
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
    """Clean a body fragment: the one sanitising step before Markdown.

    Raises :class:`ParseTruncated` when the parser could not read the whole body.
    Nothing is removed for its position: ads go by each source's own selectors.
    """
    root = parse_fragment(_CONTROL_RE.sub("", html), strict=True)
    _noscript_images(root, base_url)
    _drop_unsafe(root)
    images = _fix_images(root, base_url)
    _fix_links(root, base_url)
    _strip_attributes(root)
    _drop_empty(root)
    _drop_indents(root)
    _flatten_deep(root)
    out = inner_html(root)
    return CleanBody(html=out, images=images, text=tree_text(root))


def _flatten_deep(root: etree._Element, limit: int = MAX_DEPTH) -> None:
    """Unwrap the elements nested deeper than ``limit`` (their content stays)."""
    depth = {root: 0}
    deep = []
    for el in root.iter():
        if el is root:
            continue
        level = depth[el] = depth[el.getparent()] + 1
        if level > limit:
            deep.append(el)
    for el in reversed(deep):  # children first: each unwrap moves finished content up
        drop_tag(el)


_ASCII_SPACE_RE = re.compile(r"[ \t\r\n\f\v]+")


def one_line(text: str) -> str:
    """Runs of ASCII whitespace as one space, stripped; NBSP and U+3000 (deliberate
    typography in Chinese titles) are kept."""
    return _ASCII_SPACE_RE.sub(" ", text or "").strip(" ")


TITLE_MAX_CHARS = 300
# Bidi embedding/override/isolate controls: in a title they reorder what follows
# (and the site's page and list around it); marks (U+200E/U+200F) are harmless.
_BIDI_CONTROL_RE = re.compile("[\u202a-\u202e\u2066-\u2069]")


def clean_title(text: str) -> str:
    """A title for the site: :func:`one_line`, without controls, lone surrogates and
    bidi overrides, at most ``TITLE_MAX_CHARS`` characters (cut at a space when one
    is near, ``…`` added)."""
    text = _SURROGATE_RE.sub("", text or "")
    text = _BIDI_CONTROL_RE.sub("", _CONTROL_RE.sub(" ", text))
    text = one_line(text)
    if len(text) <= TITLE_MAX_CHARS:
        return text
    cut = text[: TITLE_MAX_CHARS - 1]
    space = cut.rfind(" ")
    if space > TITLE_MAX_CHARS * 3 // 4:
        cut = cut[:space]
    return cut.rstrip() + "…"


def strip_surrogates(item: object) -> None:
    """Remove lone surrogates from every text field of ``item`` (a dataclass)."""
    for name, value in vars(item).items():
        if isinstance(value, str) and _SURROGATE_RE.search(value):
            setattr(item, name, _SURROGATE_RE.sub("", value))
        elif isinstance(value, list) and any(
            isinstance(v, str) and _SURROGATE_RE.search(v) for v in value
        ):
            setattr(item, name, [_SURROGATE_RE.sub("", v) if isinstance(v, str) else v
                                 for v in value])  # fmt: skip


MOJIBAKE_MIN = 3


def is_mojibake(text: str) -> bool:
    """Whether ``text`` holds bytes that did not decode: several U+FFFD. One or two
    are what a browser makes of a stray ``&#0;`` or a cut emoji, not a wrong charset."""
    return text.count("\ufffd") >= MOJIBAKE_MIN


BLOCK_ELEMENTS = frozenset(BLOCK_TAGS.replace("h[1-6]", "h1|h2|h3|h4|h5|h6").split("|"))


# Where a block boundary joins with nothing: CJK ideographs, kana, CJK and full-width
# punctuation (Chinese paragraphs have no space between them; Hangul uses spaces).
_CJK = (
    "\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u31a0-\u31ff\u3200-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003134f"
)
_BOUNDARY = "\x00"  # never in text: controls are removed before parsing
_BOUNDARY_RUN_RE = re.compile(rf"[\s{_BOUNDARY}]*{_BOUNDARY}[\s{_BOUNDARY}]*")
_CJK_RE = re.compile(f"[{_CJK}]")


def _join_blocks(text: str) -> str:
    """``text`` with each run of whitespace holding a block boundary replaced: by
    nothing beside a CJK character, else by one space; other whitespace runs as one
    space; stripped."""
    if _BOUNDARY in text:

        def join(match: re.Match[str]) -> str:
            start, end = match.span()
            if (start and _CJK_RE.match(text, start - 1)) or _CJK_RE.match(text, end):
                return ""
            return " "

        text = _BOUNDARY_RUN_RE.sub(join, text)
    return _SPACE_RE.sub(" ", text).strip()


def tree_text(root: etree._Element) -> str:
    """:func:`plain_text` of ``root``'s content, read from the tree: where blocks meet,
    nothing when a CJK character stands on either side, else one space. (Recursive:
    :func:`clean_body` unwraps nesting past ``MAX_DEPTH`` first.)"""
    parts: list[str] = []
    _collect_text(root, parts)
    return _join_blocks("".join(parts))


def _collect_text(el: etree._Element, parts: list[str]) -> None:
    if el.text:
        parts.append(el.text)
    for child in el:
        if isinstance(child.tag, str):  # comments are not text
            block = child.tag in BLOCK_ELEMENTS
            if block:
                parts.append(_BOUNDARY)
            _collect_text(child, parts)
            if block:
                parts.append(_BOUNDARY)
        if child.tail:
            parts.append(child.tail)


def plain_text(html: str) -> str:
    """Visible text of an HTML fragment on one line: entities decoded, blocks joined as
    :func:`tree_text` joins them."""
    text = _COMMENT_RE.sub("", (html or "").replace(_BOUNDARY, ""))
    text = _BLOCK_RE.sub(_BOUNDARY, text)
    return _join_blocks(htmllib.unescape(_TAG_RE.sub("", text)))


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


def is_placeholder(url: str, img: etree._Element | None = None) -> bool:
    """Whether ``url`` (absolute) is a lazy loader's stand-in, not the image: a known
    placeholder file name, or an image declared 1×1 (a tracking or spacer pixel)."""
    path = urlsplit(url).path
    if _PLACEHOLDER_RE.search(path):
        return True
    if img is not None:
        width, height = img.get("width", "").strip(), img.get("height", "").strip()
        if width in ("0", "1") and height in ("0", "1"):
            return True
    return False


# A site's stand-in share picture (og:image when an article has none of its own):
# yahoo_default_logo-1200x1200.png, Xinhua's sharelogo.jpg, default_share.png ...
_SITE_PICTURE_RE = re.compile(
    r"(?:default[_-]?(?:logo|share|image|img|pic|thumb)|share[_-]?logo|logo[_-]?share)[^/]*$",
    re.I,
)


def is_site_picture(url: str) -> bool:
    """Whether ``url`` is a site's default picture or a lazy loader's stand-in, not a
    picture of the article (so no thumbnail)."""
    return bool(_SITE_PICTURE_RE.search(urlsplit(url).path)) or is_placeholder(url)


def _widest(srcset: str, base_url: str) -> str:
    """The candidate of a ``srcset`` with the largest width (or density); the last one
    when none says."""
    best, best_size = "", -1.0
    for candidate in re.split(r",\s+|,(?=https?:|/)", srcset.strip()):
        parts = candidate.split()
        if not parts:
            continue
        url = safe_url(parts[0], base_url, IMAGE_SCHEMES)
        if not url or is_placeholder(url):
            continue
        size = 0.0
        if len(parts) > 1 and parts[1][:-1].replace(".", "", 1).isdigit():
            size = float(parts[1][:-1])
        if size >= best_size:
            best, best_size = url, size
    return best


def image_source(img: etree._Element, base_url: str) -> str:
    """The real URL of an ``<img>``: a lazy loader's attribute, else ``src`` unless it
    is a placeholder, else the widest ``srcset`` candidate; ``""`` when there is none.
    Next.js's resizer (``/_next/image?url=<original>&w=…``) gives the original."""
    src = _image_source(img, base_url)
    if src and "/_next/image" in src:
        parts = urlsplit(src)
        original = parse_qs(parts.query).get("url", [""])[0]
        if parts.path.endswith("/_next/image") and original:
            src = safe_url(original, src, IMAGE_SCHEMES) or src
    return src


def _image_source(img: etree._Element, base_url: str) -> str:
    for attr in LAZY_IMAGE_SOURCES:
        src = safe_url(img.get(attr), base_url, IMAGE_SCHEMES)
        if src and not is_placeholder(src):
            return src
    src = safe_url(img.get("src"), base_url, IMAGE_SCHEMES)
    if src and not is_placeholder(src, img):
        return src
    for attr in LAZY_IMAGE_SRCSETS:
        if img.get(attr):
            src = _widest(img.get(attr) or "", base_url)
            if src:
                return src
    return ""


# Ad servers whose pixels and banners pages put in <noscript> (The Register's in-body
# slots): never an article's image.
_AD_HOST_RE = re.compile(
    r"(?:^|\.)(?:doubleclick\.net|googlesyndication\.com|googleadservices\.com"
    r"|adservice\.google\.com|amazon-adsystem\.com|adnxs\.com|scorecardresearch\.com"
    r"|facebook\.com|quantserve\.com)$",
    re.I,
)


def _noscript_images(root: etree._Element, base_url: str) -> None:
    """Images a page gives only inside ``<noscript>`` (WIRED, lazy loaders without a
    ``data-`` attribute): the images stay in its place, the rest of it goes (with the
    other unsafe elements). A noscript copy of an image already shown is not kept."""
    for noscript in list(root.iter("noscript")):
        images = list(noscript.iter("img"))
        if not images and noscript.text and "<img" in noscript.text:
            images = list(parse_fragment(noscript.text).iter("img"))
        images = [img for img in images if image_source(img, base_url)
                  and not _AD_HOST_RE.search(urlsplit(image_source(img, base_url)).hostname or "")]
        parent = noscript.getparent()
        if not images or parent is None:
            continue
        inside = set(noscript.iter())
        nearby = {image_source(img, base_url) for img in parent.iter("img") if img not in inside}
        nearby.discard("")
        if nearby:  # the image is shown beside its noscript copy
            continue
        elsewhere = {image_source(img, base_url) for img in root.iter("img")
                     if img not in inside}  # fmt: skip
        images = [img for img in images if image_source(img, base_url) not in elsewhere]
        index = parent.index(noscript)
        for offset, img in enumerate(images):
            img.tail = None
            parent.insert(index + offset, img)


def _fix_images(root: etree._Element, base_url: str) -> list[str]:
    images = []
    for img in list(root.iter("img")):
        src = image_source(img, base_url)
        if not src:
            drop_tree(img)
            continue
        # Some sites write markup into alt (Yahoo: '茲韋列夫 <a class="link" href=…>'): text only.
        alt = _SPACE_RE.sub(" ", _TAG_RE.sub("", img.get("alt") or "")).strip()
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


# A paragraph's first-line indent: full-width (U+3000), em (U+2003), en (U+2002) and
# no-break spaces, and the ASCII whitespace around them.
_INDENT = " \t\r\n\u3000\u2003\u2002\xa0"
_INDENTED = BLOCK_ELEMENTS - {"pre", "br", "hr"}
_INLINE = frozenset({"span", "strong", "b", "em", "i", "u", "font", "a"})


def _drop_indents(root: etree._Element) -> None:
    """Drop the indent that opens a paragraph (``<p>　　text``) or a line after ``<br>``.

    Chinese sites indent paragraphs with two U+3000 or NBSPs; it is their layout,
    not text: in Markdown every paragraph but the first would keep it."""
    for el in root.iter(*_INDENTED):
        node = el
        while node.text is None or not node.text.strip():
            node.text = None
            if not len(node) or node[0].tag not in _INLINE:
                break
            node = node[0]  # <p><strong>　　A heading</strong></p>
        else:
            node.text = node.text.lstrip(_INDENT)
    for br in root.iter("br"):
        if br.tail:
            br.tail = br.tail.lstrip(_INDENT)


def _mark(el: etree._Element | None, full: set[etree._Element]) -> None:
    while el is not None and el not in full:
        full.add(el)
        el = el.getparent()


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
