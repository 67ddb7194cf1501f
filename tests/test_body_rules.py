"""What the site must get from a body and a title (issues 13 and 14): nothing silently
lost after odd markup, summaries joined as the site joins them, photos kept, titles
safe. Each test failed before its fix."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsbot.html import (
    TITLE_MAX_CHARS,
    ParseTruncated,
    clean_body,
    clean_title,
    is_mojibake,
)
from newsbot.items import Article
from newsbot.markdown import to_markdown
from newsbot.pipelines import ArticleDropped, ConvertPipeline, NormalisePipeline
from tests.conftest import make_crawler

BASE = "https://news.example/a/1"
AFTER = "<p>The text after the odd part.</p>"


def clean(html: str):
    return clean_body(html, BASE)


# --- 13.8 / 14.1: nothing after odd markup is lost ----------------------------------


@pytest.mark.parametrize(
    "odd",
    [
        '<embed src="https://v.example/x.swf">',
        '<embed src="x" title="a>b">',
        "<object data='x'><param name=a value=b><embed src=x></object>",
        "<video src='https://v/x.mp4'><source src=a><track src=b>no video</video>",
        "<audio src='https://v/x.mp3'><source src=a></audio>",
        "<picture><source srcset=a><img src='https://i.example/p.jpg'></picture>",
        "<source src='https://v/x.mp4'>",
        "<track src='x.vtt'>",
        "<wbr>",
        "<keygen>",
        "<my-widget data-x=1>",
        "<unknowntag>",
    ],
)
def test_content_after_an_element_libxml2_does_not_know_is_kept(odd):
    """HTML5 void elements libxml2 does not know (embed, source, track, wbr, keygen)
    nested the rest of the body inside them, and dropping them dropped it. (An
    unclosed <object>/<video>/<audio> hides what follows in a browser too.)"""
    for wrapper in ("<div>{}</div>", "<section><p>lead</p>{}</section>", "{}"):
        body = clean(wrapper.format(f"<p>before</p>{odd}{AFTER}"))
        assert "The text after the odd part." in body.text, (odd, wrapper, body.html)
        assert "The text after the odd part." in to_markdown(body.html)


def test_deep_nesting_keeps_the_text_after_it():
    """libxml2 stops at 256 levels without huge_tree: everything after was lost."""
    for depth in (300, 1500):
        html = "<div>" * depth + "deep" + "</div>" * depth + AFTER
        body = clean(html)
        assert "deep" in body.text and "The text after the odd part." in body.text
        markdown = to_markdown(body.html)
        assert "deep" in markdown and "The text after the odd part." in markdown


def test_a_parse_cut_short_raises_instead_of_returning_a_fragment():
    html = "<div>" * 3000 + "deep" + "</div>" * 3000 + AFTER
    with pytest.raises(ParseTruncated):
        clean(html)


def test_a_truncated_parse_drops_the_article_with_a_reason():
    crawler = make_crawler()
    item = Article(id="1", url=BASE, source="qq", lang="en", title="t",
                   date="2026-11-20 17:00:00",
                   body_html="<div>" * 3000 + "x" * 300 + "</div>" * 3000)  # fmt: skip
    with pytest.raises(ArticleDropped, match="truncated"):
        NormalisePipeline.from_crawler(crawler).process_item(item)
    assert crawler.stats.get_value("newsbot/dropped/truncated") == 1


def test_a_lone_surrogate_in_the_body_loses_nothing_after_it():
    """json.loads gives a lone surrogate for an escaped half emoji; libxml2 stopped
    there ("Invalid bytes in character encoding")."""
    body = clean("<p>half \ud83d emoji</p>" + AFTER)
    assert body.text == "half emoji The text after the odd part."


def test_nul_character_references_are_not_mojibake():
    """Issue 14.16: a single ``&#0;`` became U+FFFD and the article was rejected."""
    body = clean("<p>a&#0;b &#x0; c &#xD800;d &#65;</p>")
    assert body.text == "ab c d A"
    assert not is_mojibake(body.text)
    assert not is_mojibake("one stray \ufffd is not a wrong charset")
    assert is_mojibake("\ufffd\ufffd\ufffd" + "text")


# hypothesis: deep, wide and odd HTML never loses the text after the odd part
_ODD = st.sampled_from(
    ["<embed src=x>", "<object></object>", "<video><source></video>", "<source>",
     "<audio><track></audio>", "<track>", "<wbr>",
     "<foo-bar>", "<x:y>", "<p", "</div>", "<!--", "<![CDATA[", "<table><tr>", "<ruby>",
     "&#0;", "\ud83d", "<br/>", "<img>", "<select>", "<textarea>", "<svg>", "<math>"]
)  # fmt: skip
_NEST = st.sampled_from(["div", "span", "section", "b", "font", "p", "li", "blockquote"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    nest=_NEST, depth=st.integers(0, 1200), width=st.integers(0, 300),
    odd=_ODD, marker=st.sampled_from(["zqxjk tail words", "结尾的文字", "ending 尾巴"]),
)  # fmt: skip
def test_clean_body_never_loses_the_text_after_the_odd_part(nest, depth, width, odd, marker):
    html = (
        f"<{nest}>" * depth + "deep" + f"</{nest}>" * depth
        + "<p>wide</p>" * width
        + f"<div>odd {odd} part</div>"
    )  # fmt: skip
    # What a browser shows after these never includes a later paragraph: they hide it
    # (raw text elements) or are removed with it. The marker then goes in the same
    # container as the odd part must close first.
    hiding = odd in ("<!--", "<![CDATA[", "<select>", "<textarea>", "<svg>", "<math>", "<p")
    html += f"<p>{marker}</p>" if not hiding else ""
    try:
        body = clean(html)
    except ParseTruncated:
        return  # dropped with a reason: nothing published silently cut
    if not hiding:
        assert marker in body.text, html[-200:]
        assert marker.replace(" ", "") in to_markdown(body.html).replace(" ", "")


# --- 13.5: summaries join blocks as the site does -----------------------------------


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>早报。</p><p>点击阅读</p>", "早报。点击阅读"),
        ("<p>早报。</p>\n  <p>点击阅读</p>", "早报。点击阅读"),
        ("<div>第一段</div><div>第二段</div>", "第一段第二段"),
        ("<p>First.</p><p>Second.</p>", "First. Second."),
        ("<p>苹果</p><p>Apple Inc.</p>", "苹果Apple Inc."),
        ("<p>AI</p><p>芯片</p>", "AI芯片"),
        ("<p>a<b>b</b>c</p>", "abc"),  # inline boundaries join with nothing
        ("<p>中文 English 混排</p>", "中文 English 混排"),  # real spaces stay
        ("<li>（一）</li><li>细则</li>", "（一）细则"),
        ("<p>line<br>next</p>", "line next"),
    ],
)
def test_blocks_join_with_nothing_beside_cjk_else_one_space(html, text):
    assert clean(html).text == text


def test_the_summary_has_no_space_between_chinese_paragraphs():
    crawler = make_crawler(NEWSBOT_MIN_BODY_CHARS=1)
    item = Article(id="1", url=BASE, source="qq", lang="zh-CN", title="t",
                   date="2026-11-20 17:00:00",
                   body_html="<p>今天的早报。</p><p>点击阅读全文。</p>")  # fmt: skip
    assert NormalisePipeline.from_crawler(crawler).process_item(item).summary == (
        "今天的早报。点击阅读全文。"
    )


# --- 13.7: photo stories are articles ----------------------------------------------


@pytest.mark.parametrize(
    "body_html",
    [
        '<p><img src="https://i.example/1.jpg"></p><p><img src="https://i.example/2.jpg"></p>',
        '<figure><img src="https://i.example/1.jpg"><figcaption>图集</figcaption></figure>',
    ],
)
def test_a_photo_story_is_written(body_html):
    crawler = make_crawler()
    item = Article(id="1", url=BASE, source="qq", lang="zh-CN", title="组图：初雪",
                   date="2026-11-20 17:00:00", body_html=body_html)  # fmt: skip
    item = NormalisePipeline.from_crawler(crawler).process_item(item)
    item = ConvertPipeline.from_crawler(crawler).process_item(item)
    assert item.images[0] == "https://i.example/1.jpg"
    assert item.body.startswith("![](https://i.example/1.jpg)")


def test_an_article_without_text_or_images_is_still_dropped():
    crawler = make_crawler()
    item = Article(id="1", url=BASE, source="qq", lang="zh-CN", title="t",
                   date="2026-11-20 17:00:00", body_html="<p> </p><div></div>")  # fmt: skip
    with pytest.raises(ArticleDropped, match="empty_body"):
        NormalisePipeline.from_crawler(crawler).process_item(item)


# --- titles: 13.11, 14.5, 14.16 -----------------------------------------------------


def test_title_whitespace_runs_are_one_space():
    assert clean_title("  两会  速递\t\n第一天  ") == "两会 速递 第一天"
    assert clean_title("全角\u3000空格") == "全角\u3000空格"  # deliberate typography


def test_bidi_overrides_leave_titles():
    assert clean_title("Safe \u202etxt.exe\u202c title \u2066x\u2069") == "Safe txt.exe title x"
    assert clean_title("עברית \u200f mark") == "עברית \u200f mark"  # marks are harmless


def test_titles_are_capped():
    long = "word " * 200
    title = clean_title(long)
    assert len(title) <= TITLE_MAX_CHARS and title.endswith("word…")
    assert clean_title("字" * 1000) == "字" * (TITLE_MAX_CHARS - 1) + "…"


def test_a_lone_surrogate_in_a_title_is_written(tmp_path):
    """Issue 14.5: UnicodeEncodeError at export, the article refetched and crashing
    every run."""
    from newsbot.pipelines import ExportPipeline, ValidatePipeline

    crawler = make_crawler(NEWSBOT_EXPORT_DIR=str(tmp_path))
    item = Article(id="1", url=BASE, source="qq", label="qq\ud83d", lang="zh-CN",
                   title="半个表情\ud83d标题", date="2026-11-20 17:00:00",
                   author="作者\udc00", body_html="<p>" + "正文" * 60 + "\ud83d</p>")  # fmt: skip
    for step in (ValidatePipeline, NormalisePipeline, ConvertPipeline, ExportPipeline):
        item = step.from_crawler(crawler).process_item(item)
    text = (tmp_path / "zh-CN/news/qq/1.zh-CN.md").read_text(encoding="utf-8")
    assert 'title: "半个表情标题"' in text and text.endswith(f"[qq]({BASE})\n")


# --- 13.6: ads by the source's own selector, never by position ----------------------


def _qq_page(inner: str) -> str:
    return (
        "<html><head><title>t</title></head><body>"
        f'<div class="rich_media_content">{inner}</div></body></html>'
    )


def test_qq_removes_its_trailing_image_only_qnt_p_ad_only():
    from newsbot.sources import qq

    url = qq.PAGE_URL.format(id="20261120A0AD0000")
    ad = '<p class="qnt-p"><img src="https://inews.gtimg.com/ad/1"><img src="https://inews.gtimg.com/ad/2"></p>'
    with_ad = qq.parse_article(_qq_page(f'<p class="qnt-p">正文</p>{ad}'), url)
    assert "ad/1" not in with_ad.body_html and "正文" in with_ad.body_html
    photo = '<p><img src="https://inews.gtimg.com/photo/1"></p>'
    last_photo = qq.parse_article(_qq_page(f'<p class="qnt-p">正文</p>{photo}'), url)
    assert "photo/1" in last_photo.body_html
    middle = qq.parse_article(_qq_page(f'{ad}<p class="qnt-p">正文</p>'), url)
    assert "ad/1" in middle.body_html  # not at the end: not the ad pattern


# --- 14.9: a long <ol> converts in linear time --------------------------------------


def test_a_long_ordered_list_converts_in_linear_time():
    import time

    items = "".join(f"<li>item {i}</li>" for i in range(16000))
    for extra in ("", "<table><tr><td>markdownify converts this body</td></tr></table>"):
        started = time.perf_counter()
        markdown = to_markdown(f"<ol start='3'>{items}</ol>{extra}")
        elapsed = time.perf_counter() - started
        assert "\n16002. item 15999" in markdown and markdown.startswith("3. item 0")
        assert elapsed < 4, f"{elapsed:.1f} s for 16k items: quadratic again?"


def test_a_dropped_article_with_a_lone_surrogate_is_remembered_without_a_crash():
    from newsbot.pipelines import ValidatePipeline

    crawler = make_crawler()
    item = Article(id="1", url=BASE + "/\ud83d", source="qq", lang="zh-CN", title=" ",
                   date="2026-11-20 17:00:00", body_html="<p>x</p>")  # fmt: skip
    with pytest.raises(ArticleDropped, match="missing_title"):
        ValidatePipeline.from_crawler(crawler).process_item(item)


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        ("<p>\u3000\u3000一段。</p><p>\u3000\u3000二段。</p>", "一段。\n\n二段。"),
        ("<p>\xa0\xa0 One.</p><p>&nbsp;&nbsp;Two.</p>", "One.\n\nTwo."),
        ("<p>\u2003\u2003新华社电</p><p>\u2002\u2002次段</p>", "新华社电\n\n次段"),  # Xinhua
        ("<p>\u3000\u3000上行<br>\u3000\u3000下行</p>", "上行  \n下行"),
        ("<p><strong>\u3000\u3000小标题</strong></p><p>\u3000正文</p>", "**小标题**\n\n正文"),
        ("<p>中\u3000间\u3000空格</p>", "中\u3000间\u3000空格"),  # only the indent goes
        ("<pre>  keep(me)</pre>", "```\n  keep(me)\n```"),
    ],
)
def test_paragraph_indents_are_layout_not_text(html, markdown):
    """People's Daily, Xinhua, Sina indent every paragraph with two U+3000: in
    Markdown all but the first paragraph kept them."""
    assert to_markdown(clean(html).html) == markdown


def test_markup_written_into_an_alt_attribute_is_text():
    """A real Yahoo HK page: the picture's alt holds an escaped ``<a>`` of the caption."""
    html = (
        '<figure><img src="https://s.yimg.com/a.jpg" alt="義大利公開賽 <a class=&quot;link '
        '&quot; href=&quot;https://hk.news.yahoo.com/tag/x&quot;>茲韋列夫</a>封王"></figure>'
        "<p>正文。</p>"
    )
    markdown = to_markdown(clean(html).html)
    assert markdown.startswith("![義大利公開賽 茲韋列夫封王](https://s.yimg.com/a.jpg)")
