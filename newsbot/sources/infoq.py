"""infoq hooks: the article link by item kind, and the body document rendered to HTML.

The body is not HTML: getDetail's ``data.content_url`` names a JSON document in a
ProseMirror-like shape (``{"type": "doc", "content": [nodes]}``). The incumbent rendered
only some node types and wrote images as ``<img>URL<img>`` (text, not an image) and colour
marks as ``<color>`` tags; here every node type the documents use becomes real HTML.
"""

from __future__ import annotations

from html import escape

NEWS_SUB_TYPE = 4

_BLOCKS = {
    "paragraph": "p",
    "blockquote": "blockquote",
    "bulletedlist": "ul",
    "numberedlist": "ol",
    "listitem": "li",
}
_MARKS = {"strong": "strong", "bold": "strong", "em": "em", "italic": "em",
          "underline": "u", "strike": "s", "code": "code", "sup": "sup", "sub": "sub"}


def article_url(entry: dict) -> str:
    kind = "news" if str(entry.get("sub_type")) == str(NEWS_SUB_TYPE) else "article"
    return f"https://www.infoq.cn/{kind}/{entry.get('id')}"


def render_doc(doc) -> str:
    """HTML of a content document (``""`` when it holds no node)."""
    if not isinstance(doc, dict):
        return ""
    return "".join(_node(n) for n in doc.get("content") or [])


def _children(node: dict) -> str:
    return "".join(_node(n) for n in node.get("content") or [])


def _node(node) -> str:
    if not isinstance(node, dict):
        return ""
    kind = node.get("type")
    attrs = node.get("attrs") or {}
    if kind == "text":
        return _text(node)
    if kind in _BLOCKS:
        tag = _BLOCKS[kind]
        return f"<{tag}>{_children(node)}</{tag}>"
    if kind == "heading":
        level = attrs.get("level") or 2
        level = level if isinstance(level, int) and 1 <= level <= 6 else 2
        return f"<h{level}>{_children(node)}</h{level}>"
    if kind == "image":
        src = attrs.get("src") or ""
        if not src:
            return ""
        alt = attrs.get("alt") or ""
        return f'<img src="{escape(src)}" alt="{escape(alt)}">'
    if kind == "link":
        href = attrs.get("href") or ""
        inner = _children(node)
        return f'<a href="{escape(href)}">{inner}</a>' if href else inner
    if kind in ("codeblock", "code_block"):
        code = "".join(_plain(n) for n in node.get("content") or [])
        return f"<pre><code>{escape(code)}</code></pre>"
    if kind in ("hardbreak", "hard_break"):
        return "<br>"
    if kind in ("horizontalrule", "horizontal_rule"):
        return "<hr>"
    return _children(node)  # unknown wrappers: keep what they hold


def _plain(node) -> str:
    if not isinstance(node, dict):
        return ""
    if node.get("type") == "text":
        return node.get("text") or ""
    return "".join(_plain(n) for n in node.get("content") or [])


def _text(node: dict) -> str:
    html = escape(node.get("text") or "", quote=False)
    for mark in node.get("marks") or []:
        tag = _MARKS.get((mark or {}).get("type"))
        if tag:
            html = f"<{tag}>{html}</{tag}>"
    return html


def entry(entry: dict, raw) -> dict | None:
    entry["url"] = article_url(entry)
    return entry


def article(item, page):
    doc = getattr(page, "data", None)
    if doc is None and page is not None and hasattr(page, "json"):
        doc = page.json()
    item.body_html = render_doc(doc)
    return item
