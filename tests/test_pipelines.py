"""Each pipeline step: what it drops (with its counter), what it fixes."""

from __future__ import annotations

import pytest

from newsbot.items import Article
from newsbot.pipelines import (
    ArticleDropped,
    ConvertPipeline,
    ExportPipeline,
    NormalisePipeline,
    ValidatePipeline,
)
from tests.conftest import make_crawler


def article(**kw) -> Article:
    values = dict(
        id="20261120A05XK300",
        url="https://new.qq.com/rain/a/20261120A05XK300",
        source="qq",
        lang="zh-CN",
        title=" 标题\n",
        date="2026-11-20T09:00:00Z",
        body_html='<p onclick="x()">正文<script>bad()</script></p>'
        '<p><img data-src="//inews.gtimg.com/a/641" alt="图片"></p><p>完</p>',
    )
    values.update(kw)
    return Article(**values)


# Bodies shorter than this are not articles; the tests' own bodies are short.
SHORT_OK = {"NEWSBOT_MIN_BODY_CHARS": 1}


@pytest.mark.parametrize("field", ["url", "lang", "title", "date"])
def test_validate_drops_missing_required_fields(field):
    crawler = make_crawler()
    with pytest.raises(ArticleDropped, match=f"missing_{field}"):
        ValidatePipeline.from_crawler(crawler).process_item(article(**{field: " "}))
    assert crawler.stats.get_value(f"newsbot/dropped/missing_{field}") == 1


def test_an_article_without_an_id_is_an_article():
    """Issue 13.2: the exporter names it by the site's rule (MD5 of title + date)."""
    item = ValidatePipeline.from_crawler(make_crawler()).process_item(article(id=""))
    assert item.id == ""


def test_validate_drops_missing_body():
    crawler = make_crawler()
    with pytest.raises(ArticleDropped):
        ValidatePipeline.from_crawler(crawler).process_item(article(body_html="", body=""))
    assert crawler.stats.get_value("newsbot/dropped/missing_body") == 1


def test_validate_accepts_a_feed_dict():
    item = ValidatePipeline.from_crawler(make_crawler()).process_item(
        {"id": "a", "url": "https://e/a", "lang": "en", "title": "t", "date": "2025-01-01",
         "body": "b", "x": 1}
    )
    assert isinstance(item, Article) and item.body == "b"


def test_normalise_cleans_body_dates_whitespace_and_summarises():
    item = NormalisePipeline.from_crawler(make_crawler(**SHORT_OK)).process_item(article())
    assert item.title == "标题"
    assert item.date == "2026-11-20 17:00:00"
    assert item.body_html == (
        '<p>正文</p><p><img src="https://inews.gtimg.com/a/641" alt="图片"></p><p>完</p>'
    )
    assert item.images == ["https://inews.gtimg.com/a/641"]
    assert item.summary == "正文完"  # issue 13.5: no space between Chinese blocks


@pytest.mark.parametrize(
    ("thumbnail", "kept"),
    [
        ("https://s.yimg.com/cv/apiv2/social/images/yahoo_default_logo-1200x1200.png", False),
        ("https://lib.news.cn/common/sharelogo.jpg", False),
        ("https://example.com/static/default-share.png", False),
        ("https://example.com/img/placeholder.png", False),
        ("https://inews.gtimg.com/newsapp_bt/0/1234_870492/0", True),
        ("https://example.com/uploads/2026/11/default-mode-network.jpg", True),
    ],
)
def test_a_sites_default_picture_is_no_thumbnail(thumbnail, kept):
    """Real Yahoo pages name the site's logo as og:image when a story has no picture."""
    crawler = make_crawler(**SHORT_OK)
    item = NormalisePipeline.from_crawler(crawler).process_item(article(thumbnail=thumbnail))
    assert item.thumbnail == (thumbnail if kept else "")
    assert crawler.stats.get_value("newsbot/normalised/site_picture") == (None if kept else 1)


def test_normalise_drops_bad_dates_and_empty_bodies():
    crawler = make_crawler(**SHORT_OK)
    step = NormalisePipeline.from_crawler(crawler)
    with pytest.raises(ArticleDropped):
        step.process_item(article(date="not a date"))
    with pytest.raises(ArticleDropped):
        step.process_item(article(body_html="<script>only()</script>"))
    assert crawler.stats.get_value("newsbot/dropped/bad_date") == 1
    assert crawler.stats.get_value("newsbot/dropped/empty_body") == 1


def test_unknown_time_zone_setting_is_named():
    with pytest.raises(ValueError, match="NEWSBOT_TIMEZONE"):
        NormalisePipeline.from_crawler(make_crawler(NEWSBOT_TIMEZONE="Mars/Olympus"))


def test_convert_keeps_given_markdown_and_makes_missing_one():
    step = ConvertPipeline.from_crawler(make_crawler())
    assert step.process_item(Article(body="# given", body_html="<p>x</p>")).body == "# given"
    assert step.process_item(Article(body_html="<p><b>x</b></p>")).body == "**x**"


def test_export_counts_written_and_skipped(tmp_path):
    crawler = make_crawler(NEWSBOT_EXPORT_DIR=str(tmp_path), **SHORT_OK)
    steps = [
        cls.from_crawler(crawler)
        for cls in (ValidatePipeline, NormalisePipeline, ConvertPipeline, ExportPipeline)
    ]
    for _ in range(2):
        item = article()
        for step in steps:
            item = step.process_item(item)
    assert crawler.stats.get_value("newsbot/exported/written") == 1
    assert crawler.stats.get_value("newsbot/exported/skipped_existing") == 1


def test_export_refuses_a_template_leaving_the_folder(tmp_path):
    with pytest.raises(ValueError, match="NEWSBOT_PATH_TEMPLATE"):
        ExportPipeline.from_crawler(
            make_crawler(NEWSBOT_EXPORT_DIR=str(tmp_path), NEWSBOT_PATH_TEMPLATE="../{id}.md")
        )


def test_unwritable_folder_drops_with_one_error(tmp_path, caplog):
    # A file where a folder should be: fails for root too, unlike permissions.
    (tmp_path / "zh-CN").write_text("not a folder")
    crawler = make_crawler(NEWSBOT_EXPORT_DIR=str(tmp_path), **SHORT_OK)
    item = ConvertPipeline.from_crawler(crawler).process_item(
        NormalisePipeline.from_crawler(crawler).process_item(article())
    )
    with pytest.raises(ArticleDropped, match="write_failed"):
        ExportPipeline.from_crawler(crawler).process_item(item)
    assert crawler.stats.get_value("newsbot/errors/write") == 1
    assert "Could not write https://new.qq.com/rain/a/20261120A05XK300" in caplog.text


def test_normalise_drops_non_articles_and_mojibake():
    crawler = make_crawler()
    step = NormalisePipeline.from_crawler(crawler)
    with pytest.raises(ArticleDropped, match="too_short"):
        step.process_item(article(body_html="<p>视频</p><p>见下</p>"))
    with pytest.raises(ArticleDropped, match="mojibake"):
        step.process_item(article(body_html="<p>" + "正文\ufffd" * 20 + "</p>"))
    assert crawler.stats.get_value("newsbot/dropped/too_short") == 1
    assert crawler.stats.get_value("newsbot/dropped/mojibake") == 1
