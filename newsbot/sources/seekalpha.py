"""seekalpha hooks: the news list's bodies lose their "More on ..." box.

The market-news list carries each body (``attributes.content``); seekalpha.py
removed its ``#more-links`` box before writing. ``[article].remove`` applies to
fetched pages only, so the list's bodies are cleaned here.
"""

from __future__ import annotations

from newsbot.html import drop_tree, inner_html, parse_fragment

REMOVE = ("more-links",)  # element ids


def entry(fields: dict, raw) -> dict | None:
    body = fields.get("body")
    if body and any(f'id="{name}"' in body for name in REMOVE):
        root = parse_fragment(body)
        for name in REMOVE:
            for element in root.xpath(f'.//*[@id="{name}"]'):
                drop_tree(element)
        fields["body"] = inner_html(root)
    return fields
