"""leinews hooks: the reprint note the incumbent cut out of every body.

NewsContent ends with a dash separator paragraph and "雷递由媒体人雷建平创办，若转载请写明来源。".
The incumbent replaced the sentence with "" (leaving the separator and an empty paragraph);
we drop the note and the separator that only introduced it.
"""

from __future__ import annotations

import re

REPRINT_NOTE = "雷递由媒体人雷建平创办，若转载请写明来源。"
_SEPARATOR_RE = re.compile(r"^[—\-－_=\s]{6,}$")


def clean_content(html: str) -> str:
    """The body without the reprint note and a separator paragraph left at its end."""
    from lxml import html as lxml_html

    if not html or not html.strip():
        return html
    root = lxml_html.fragment_fromstring(html, create_parent="div")
    for p in list(root.iter("p")):
        if REPRINT_NOTE in p.text_content():
            p.drop_tree()
    while True:
        blocks = [c for c in root if isinstance(c.tag, str)]
        if not blocks:
            break
        last = blocks[-1]
        text = last.text_content().strip()
        empty = not text and not last.xpath(".//img")
        if last.tag == "p" and (empty or _SEPARATOR_RE.match(text)):
            last.drop_tree()
            continue
        break
    if not len(root):
        return root.text or ""
    return (root.text or "") + "".join(lxml_html.tostring(c, encoding="unicode") for c in root)


def article(item, page):
    if getattr(item, "body_html", None):
        item.body_html = clean_content(item.body_html)
    return item
