"""The hook functions of hibor, infoq and leinews on their own (no crawl)."""

from __future__ import annotations

import importlib
from types import ModuleType


def hook(name: str) -> ModuleType:
    return importlib.import_module(f"newsbot.sources.{name}")


def test_hibor_title_loses_broker_and_date_tail():
    split = hook("hibor").split_title
    assert split("开源证券-安克创新-300866-公司深度报告：聚焦-250205") == (
        "开源证券", "安克创新-300866-公司深度报告：聚焦")
    assert split("没有券商前缀的标题") == ("", "没有券商前缀的标题")


def test_infoq_link_by_sub_type():
    url = hook("infoq").article_url
    assert url({"id": "abc", "sub_type": "4"}) == "https://www.infoq.cn/news/abc"
    assert url({"id": "abc", "sub_type": "1"}) == "https://www.infoq.cn/article/abc"


def test_infoq_document_renders_every_node_type():
    render = hook("infoq").render_doc
    doc = {"type": "doc", "content": [
        {"type": "heading", "attrs": {"level": 3}, "content": [{"type": "text", "text": "T"}]},
        {"type": "paragraph", "content": [
            {"type": "text", "text": "a<b", "marks": [{"type": "strong"}, {"type": "color"}]},
            {"type": "link", "attrs": {"href": "https://x.test/"},
             "content": [{"type": "text", "text": "l"}]}]},
        {"type": "image", "attrs": {"src": "https://x.test/i.png"}},
        {"type": "image", "attrs": {"src": ""}},
        {"type": "numberedlist", "content": [{"type": "listitem", "content": [
            {"type": "paragraph", "content": [{"type": "text", "text": "one"}]}]}]},
        {"type": "codeblock", "content": [{"type": "text", "text": "x < 1"}]},
    ]}  # fmt: skip
    assert render(doc) == (
        "<h3>T</h3><p><strong>a&lt;b</strong><a href=\"https://x.test/\">l</a></p>"
        '<img src="https://x.test/i.png" alt=""><ol><li><p>one</p></li></ol>'
        "<pre><code>x &lt; 1</code></pre>"
    )
    assert render(None) == render({}) == ""


def test_leinews_reprint_note_and_its_separator_go():
    clean = hook("leinews").clean_content
    html = ("<p>正文。</p><p><span>———————————————</span></p>"
            "<p><span><span>雷递由媒体人雷建平创办，若转载请写明来源。</span></span></p>")
    assert clean(html) == "<p>正文。</p>"
    assert clean("<p>只有正文</p>") == "<p>只有正文</p>"
