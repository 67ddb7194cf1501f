from __future__ import annotations

from newsbot.markdown import summarize, to_markdown


def test_chinese_summary_is_whole_below_80_characters():
    text = "字" * 79
    assert summarize(text, "zh-CN") == text


def test_chinese_summary_cuts_at_50_characters_from_80():
    text = "字" * 80
    assert summarize(text, "zh-HK") == "字" * 50 + "..."


def test_other_languages_count_words():
    short = " ".join(["word"] * 49)
    assert summarize(short, "en") == short
    long = " ".join(f"w{i}" for i in range(60))
    assert summarize(long, "en") == " ".join(f"w{i}" for i in range(50)) + "..."


def test_summary_collapses_whitespace():
    assert summarize("  a\n\n b\u3000 c ", "en") == "a b c"


def test_markdown_uses_the_site_conventions():
    html = (
        '<p>Lead <strong>bold</strong> snake_case</p><p><img src="https://i/1.jpg" alt="图片"></p>'
        "<h2>Sub</h2><hr><ul><li>one</li></ul>"
    )
    md = to_markdown(html)
    assert "Lead **bold** snake\\_case" in md
    assert "![图片](https://i/1.jpg)" in md
    assert "Sub\n---" in md
    assert "* one" in md
