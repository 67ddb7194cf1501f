"""Front matter quoting: every value reads back as written (python-frontmatter)."""

from __future__ import annotations

import frontmatter
from hypothesis import given, settings
from hypothesis import strategies as st

from newsbot.frontmatter import quote, render_document
from newsbot.items import Article

LINE_BREAKS = "\n\r\t\x00\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def expected(value: str) -> str:
    """What the site's rule promises: line breaks and controls as spaces, stripped."""
    out = "".join(
        " " if (ord(c) < 32 or 0x7F <= ord(c) <= 0x9F or c in LINE_BREAKS) else c for c in value
    )
    out = "".join(c for c in out if not 0xD800 <= ord(c) <= 0xDFFF and c != "\ufeff")
    return out.strip()


def test_quote_escapes_backslash_then_quote_and_folds_lines():
    assert quote('a\\b "c"\nd\te') == '"a\\\\b \\"c\\" d e"'
    assert quote("") == '""' and quote(None) == '""'
    assert quote("  padded \n") == '"padded"'


def test_document_ends_with_blank_line_source_line_and_newline():
    item = Article(
        id="x",
        url="https://new.qq.com/rain/a/x",
        source="qq",
        lang="zh-CN",
        title="t",
        date="2025-01-01 00:00:00",
        body="Body.\n\n",
    )
    text = render_document(item)
    assert text.endswith("---\n\nBody.\n\n[qq](https://new.qq.com/rain/a/x)\n")


@settings(max_examples=500, deadline=None)
@given(title=st.text(), summary=st.text(), author=st.text())
def test_any_text_reads_back_exactly(title, summary, author):
    item = Article(
        id="x",
        url="https://e.com/x",
        source="qq",
        lang="en",
        title=title,
        date="2025-01-01 00:00:00",
        summary=summary,
        author=author,
        body="b",
    )
    post = frontmatter.loads(render_document(item))
    assert post["title"] == expected(title)
    assert post["summary"] == expected(summary)
    assert post["date"] == "2025-01-01 00:00:00"
    assert post.content.endswith("[qq](https://e.com/x)")


def test_label_names_categories_tags_and_source_line():
    from newsbot.frontmatter import render_document

    item = Article(
        id="x", url="https://www.tradingview.com/news/x/", source="tradingview",
        label="Dow Jones Newswires", lang="en", title="T", date="2026-12-01 08:00:00",
        body="Body.",
    )  # fmt: skip
    text = render_document(item)
    assert text.count('  - "Dow Jones Newswires"') == 2
    assert text.endswith("[Dow Jones Newswires](https://www.tradingview.com/news/x/)\n")
    assert '"tradingview"' not in text


def test_label_defaults_to_the_source_name():
    from newsbot.frontmatter import render_document

    text = render_document(Article(id="x", url="https://u/", source="qq", lang="zh-CN", body="b"))
    assert text.count('  - "qq"') == 2 and text.endswith("[qq](https://u/)\n")
