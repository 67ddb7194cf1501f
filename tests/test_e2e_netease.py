"""The real netease spider through the real Scrapy engine, against the local fixture site."""

from __future__ import annotations

from pathlib import Path

import frontmatter

from tests.support.sites.netease import netease_error_reply, netease_list_path
from tests.test_e2e import assert_files_as_expected

EXPECTED = Path(__file__).parent / "fixtures" / "netease"
WRITTEN = {"LB7K2M4N000189FH", "LB7P0QJ80519DDQ2", "LB8D3T5V000189FH", "LB8R0TRY0001899O"}
FEEDS = ("-a", "feeds=cm_yaowen20200213,cm_guonei", "-a", "pages=2")
YAOWEN = netease_list_path("cm_yaowen20200213")
RETRY_PAGE = "/www.163.com/news/article/LB8R0TRY0001899O.html"
GONE_URL = "https://www.163.com/news/article/LB8G0NE40001899O.html"


def written_ids(result) -> set[str]:
    return {p.name.split(".")[0] for p in result.files()}


def test_crawl_writes_one_file_per_article(crawl, site):
    site.fail(YAOWEN, times=1, reply=netease_error_reply())
    site.fail(RETRY_PAGE, times=1)
    result = crawl("netease", *FEEDS)
    assert result.returncode == 0, result.log

    assert written_ids(result) == WRITTEN
    folder = result.export_dir / "zh-CN" / "news" / "netease"
    assert {p.parent for p in result.files()} == {folder}
    assert_files_as_expected(result, "netease")  # images: the originals, not the proxy URLs

    # og:image is the site logo: the cover comes from the list (proxy unwrapped).
    lift = frontmatter.load(folder / "LB7K2M4N000189FH.zh-CN.md")
    assert lift["thumbnail"] == (
        "http://cms-bucket.ws.126.net/2026/1120/7a3c91d0j00t9k2m4001fc000st0086c.jpg"
    )
    coffee = frontmatter.load(folder / "LB7P0QJ80519DDQ2.zh-CN.md")
    assert coffee["thumbnail"] == (
        "https://dingyue.ws.126.net/2026/1120/5f3c1a2bj00t9l4n6002cd000u000k0m.jpg"
    )

    stats = result.stats
    assert stats["newsbot/exported/written"] == 4
    assert stats["newsbot/skipped/video"] == 1
    assert stats["newsbot/skipped/not_article"] == 1
    assert stats["newsbot/list/duplicate"] == 2
    assert stats["newsbot/errors/http_404"] == 1
    assert f"Request failed: {GONE_URL} (HTTP 404)" in result.log
    assert "Report netease: discovered=5 new=5 exported=4" in result.log
    assert "Traceback" not in result.log

    # Nothing requested twice but the planned retries.
    pages = [hit.path for hit in site.requests_to(r"/article/")]
    assert pages.count(RETRY_PAGE) == 2
    assert len(pages) == len(set(pages)) + 1
    lists = sorted(hit.path for hit in site.requests_to(r"/special/"))
    query = "?callback=data_callback"
    assert lists == sorted(
        [
            YAOWEN + query,
            YAOWEN + query,  # the error page's retry
            netease_list_path("cm_yaowen20200213", 2) + query,
            netease_list_path("cm_guonei") + query,
            netease_list_path("cm_guonei", 2) + query,  # an empty list: no error
        ]
    )


def test_second_run_requests_list_pages_only(crawl, site):
    first = crawl("netease")
    assert first.stats["newsbot/exported/written"] == 3
    site.hits.clear()
    second = crawl("netease")
    assert second.stats["newsbot/skipped/already_exported"] == 3
    assert second.stats["newsbot/skipped/rejected_before"] == 1  # the 404, tried again later
    assert site.requests_to(r"/article/") == []
    assert second.files() == first.files()


def test_list_error_every_time_is_one_error_and_the_crawl_goes_on(crawl, site):
    site.fail(YAOWEN, times=100, reply=netease_error_reply())
    result = crawl("netease", RETRY_TIMES=2)  # the default feed: 要闻
    assert result.returncode == 1  # nothing discovered: the source failed (#18)
    assert len(site.requests_to(YAOWEN)) == 3
    assert result.stats["newsbot/errors/list_api"] == 1
    assert "List failed: feed cm_yaowen20200213 page 1" in result.log
    assert result.files() == []
    assert "Traceback" not in result.log


def test_unknown_feed_is_one_404_error(crawl):
    result = crawl("netease", "-a", "feeds=cm_nosuchfeed", RETRY_TIMES=0)
    assert result.returncode == 1  # nothing discovered: the source failed (#18)
    assert result.stats["newsbot/errors/http_404"] == 1
    assert "Request failed: https://news.163.com/special/cm_nosuchfeed/" in result.log


def test_url_argument_skips_discovery(crawl, site):
    result = crawl(
        "netease",
        "-a",
        "url=https://m.163.com/dy/article/LB7P0QJ80519DDQ2.html?spss=adap_pc,"
        "http://www.163.com/news/article/LB8D3T5V000189FH.html",
    )
    assert written_ids(result) == {"LB7P0QJ80519DDQ2", "LB8D3T5V000189FH"}
    assert site.requests_to(r"/special/") == []
    assert sorted(hit.path for hit in site.requests_to(r"/article/")) == [
        "/www.163.com/dy/article/LB7P0QJ80519DDQ2.html",
        "/www.163.com/news/article/LB8D3T5V000189FH.html",
    ]
    veg = frontmatter.load(result.export_dir / "zh-CN/news/netease/LB8D3T5V000189FH.zh-CN.md")
    assert veg["date"] == "2026-11-21 14:03:09"  # only in the visible .post_info line
    assert veg["thumbnail"] == ""  # no list entry, no og:image


def test_bad_arguments_are_clear_errors(crawl):
    result = crawl("netease", "-a", "url=https://news.163.com/special/0001386F/rank_whole.html")
    assert "is not a NetEase article URL" in result.log
    assert result.returncode == 2 and result.files() == []
    result = crawl("netease", "-a", "pages=11")
    assert "at most 10 pages" in result.log and result.returncode == 2
    result = crawl("netease", "-a", "feeds=../x")
    assert "is not a list name" in result.log and result.returncode == 2
    assert "Traceback" not in result.log
