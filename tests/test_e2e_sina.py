"""The real sina spider through the real Scrapy engine, against the local fixture site."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import frontmatter

from tests.support.server import Reply
from tests.support.sites.sina import SINA_LIST_PATH, sina_error_reply
from tests.test_e2e import assert_written_as_expected

EXPECTED = Path(__file__).parent / "fixtures" / "sina"
# Files are named by the roll API's oid (as the site names them); the saved page of each.
CASE_OF = {
    "887402193": "nkqarts5201734",
    "887391734": "nkqfinm8830417",
    "887423380": "nkqdate4410925",
    "887431562": "nkqretr6620118",
}
WRITTEN = set(CASE_OF)
LIDS = ("-a", "lids=2509,2516", "-a", "pages=2")
RETRY_PAGE = "/news.sina.com.cn/w/2026-11-21/doc-inkqretr6620118.shtml"
GONE_URL = "https://news.sina.com.cn/c/2026-11-21/doc-inkqgone9070404.shtml"


def written_ids(result) -> set[str]:
    return {p.name.split(".")[0] for p in result.files()}


def test_crawl_writes_one_file_per_article(crawl, site):
    site.fail(SINA_LIST_PATH, times=1, reply=sina_error_reply())
    site.fail(RETRY_PAGE, times=1)
    result = crawl("sina", *LIDS)
    assert result.returncode == 0, result.log

    assert written_ids(result) == WRITTEN
    folder = result.export_dir / "zh-CN" / "news" / "sina"
    assert {p.parent for p in result.files()} == {folder}
    for path in result.files():
        case = EXPECTED / CASE_OF[path.name.split(".")[0]] / "expected.json"
        assert_written_as_expected(path, json.loads(case.read_text("utf-8")))

    # The default share image is no cover; without og:image the list's cover stands in.
    finance = frontmatter.load(folder / "887391734.zh-CN.md")
    assert finance["thumbnail"] == ""
    tech = frontmatter.load(folder / "887423380.zh-CN.md")
    assert tech["thumbnail"].startswith("https://n.sinaimg.cn/tech/transform/")
    news = (folder / "887402193.zh-CN.md").read_text("utf-8")
    assert "\n\n改造后的口袋公园成了居民晨练的好去处（资料图）\n\n" in news  # caption on its own

    stats = result.stats
    assert stats["newsbot/exported/written"] == 4
    assert stats["newsbot/skipped/video"] == 1
    assert stats["newsbot/skipped/not_article"] == 1
    assert stats["newsbot/list/duplicate"] == 2
    assert stats["newsbot/errors/http_404"] == 1
    assert f"Request failed: {GONE_URL} (HTTP 404)" in result.log
    assert "Report sina: discovered=5 new=5 exported=4" in result.log
    assert "Traceback" not in result.log

    # Nothing requested twice but the planned retries.
    pages = [hit.path for hit in site.requests_to(r"\.shtml")]
    assert pages.count(RETRY_PAGE) == 2
    assert len(pages) == len(set(pages)) + 1
    lists = [parse_qs(urlsplit(hit.path).query) for hit in site.requests_to(SINA_LIST_PATH)]
    assert len(lists) == 4 + 1  # two lids x two pages + the error answer's retry
    assert {(q["lid"][0], q["page"][0]) for q in lists} == {
        ("2509", "1"),
        ("2509", "2"),
        ("2516", "1"),
        ("2516", "2"),
    }
    assert all(q["pageid"] == ["153"] and q["num"] == ["20"] for q in lists)


def test_second_run_requests_list_pages_only(crawl, site):
    first = crawl("sina", "-a", "lids=2509")
    assert first.stats["newsbot/exported/written"] == 3
    site.hits.clear()
    second = crawl("sina", "-a", "lids=2509")
    assert second.stats["newsbot/skipped/already_exported"] == 3
    assert second.stats["newsbot/skipped/rejected_before"] == 1  # the 404, tried again later
    assert site.requests_to(r"\.shtml") == []
    assert second.files() == first.files()


def test_list_error_every_time_is_one_error_and_the_crawl_goes_on(crawl, site):
    site.fail(SINA_LIST_PATH, times=100, reply=sina_error_reply())
    result = crawl("sina", "-a", "lids=2509", RETRY_TIMES=2)
    assert result.returncode == 1  # nothing discovered: the source failed (#18)
    assert len(site.requests_to(SINA_LIST_PATH)) == 3
    assert result.stats["newsbot/errors/list_api"] == 1
    assert "List failed: lid 2509 page 1" in result.log
    assert "系统繁忙" in result.log
    assert result.files() == []


def test_html_error_page_is_a_list_error(crawl, site):
    site.fail(SINA_LIST_PATH, times=100, reply=Reply(200, b"<html>error</html>"))
    result = crawl("sina", "-a", "lids=2509", RETRY_TIMES=0)
    assert result.stats["newsbot/errors/list_api"] == 1
    assert "Traceback" not in result.log


def test_url_argument_skips_discovery(crawl, site):
    result = crawl(
        "sina",
        "-a",
        "url=http://news.sina.com.cn/c/2026-11-20/doc-inkqarts5201734.shtml?from=roll,"
        "https://tech.sina.com.cn/t/2026-11-21/doc-inkqdate4410925.shtml,"
        "https://news.sina.com.cn/c/2026-11-20/doc-inkqarts5201734.shtml",
    )
    assert written_ids(result) == {"nkqarts5201734", "nkqdate4410925"}
    assert result.stats["newsbot/list/duplicate"] == 1
    assert site.requests_to(SINA_LIST_PATH) == []
    post = frontmatter.load(result.export_dir / "zh-CN/news/sina/nkqarts5201734.zh-CN.md")
    assert post.content.endswith(
        "[sina](https://news.sina.com.cn/c/2026-11-20/doc-inkqarts5201734.shtml)"
    )


def test_bad_arguments_are_clear_errors(crawl):
    result = crawl("sina", "-a", "url=https://news.sina.cn/gn/2026-11-20/detail-ix.d.html")
    assert "is not a Sina article URL" in result.log
    assert result.returncode == 2 and result.files() == []
    result = crawl("sina", "-a", "lids=tech")
    assert "is not a roll channel id" in result.log and result.returncode == 2
    assert "Traceback" not in result.log


def test_the_us_stock_channel_is_written_as_the_site_files_it(crawl, site):
    """Issue 15: lid 2518 is what the incumbent's sina_us_stock.py read. Its articles
    go in the sina folder, named by oid, labelled sina_us_stock."""
    result = crawl("sina", "-a", "lids=2518")
    assert result.returncode == 0, result.log
    [path] = result.files()
    assert path.relative_to(result.export_dir).as_posix() == "zh-CN/news/sina/887391734.zh-CN.md"
    post = frontmatter.load(path)
    assert post["categories"] == post["tags"] == ["sina_us_stock"]
    url = "https://finance.sina.com.cn/stock/usstock/c/2026-11-20/doc-inkqfinm8830417.shtml"
    assert post.content.endswith(f"[sina_us_stock]({url})")
    assert result.stats["newsbot/errors/http_404"] == 1  # nkqusst2250611: no page saved


def test_by_default_the_us_stock_channel_comes_first():
    from newsbot import settings

    assert settings.NEWSBOT_SINA_LIDS[0] == "2518"
    assert settings.NEWSBOT_SINA_LABELS["2518"] == "sina_us_stock"
