"""The real qq spider through the real Scrapy engine, against the local fixture site."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.server import Reply
from tests.support.sites.qq import QQ_LIST_PATH, qq_busy_reply
from tests.test_e2e import assert_files_as_expected

GOLDEN = Path(__file__).parent / "fixtures" / "golden" / "20250210A06D7U00.zh-CN.md"
EXPECTED = Path(__file__).parent / "fixtures" / "qq"
WRITTEN = {
    "20250210A06D7U00",
    "20261120A05XK300",
    "20261120A07QPL00",
    "20261121A0DTFB00",
    "20261121A0RTRY00",
    "20261122A0FIN100",
}
CHANNELS = ("-a", "channels=news_news_tech,news_news_finance", "-a", "pages=2")


def page_path(article_id: str) -> str:
    return f"/news.qq.com/rain/a/{article_id}"


def written_ids(result) -> set[str]:
    return {p.name.split(".")[0] for p in result.files()}


def test_crawl_writes_one_file_per_article(crawl, site):
    site.fail(QQ_LIST_PATH, times=1, reply=qq_busy_reply())
    site.fail(page_path("20261121A0RTRY00"), times=1)
    result = crawl("qq", *CHANNELS)
    assert result.returncode == 0, result.log

    assert written_ids(result) == WRITTEN
    folder = result.export_dir / "zh-CN" / "news" / "qq"
    assert {p.parent for p in result.files()} == {folder}
    assert (folder / "20250210A06D7U00.zh-CN.md").read_bytes() == GOLDEN.read_bytes()
    assert_files_as_expected(result, "qq")

    stats = result.stats
    assert stats["newsbot/exported/written"] == 6
    assert stats["newsbot/dropped/missing_title"] == 1
    assert stats["newsbot/skipped/video"] == 1
    assert stats["newsbot/list/duplicate"] == 2
    assert stats["newsbot/errors/http_404"] == 1
    assert "Request failed: https://news.qq.com/rain/a/20261121A0GONE00 (HTTP 404)" in result.log
    assert "Report qq: discovered=8 new=8 exported=6" in result.log
    assert "Traceback" not in result.log

    # Nothing requested twice but the planned retries.
    pages = [hit.path for hit in site.requests_to(r"/rain/a/")]
    assert sorted(set(pages)) == sorted(pages_once := set(pages))
    assert pages.count(page_path("20261121A0RTRY00")) == 2
    assert len(pages) == len(pages_once) + 1
    assert len(site.requests_to(QQ_LIST_PATH)) == 4 + 1  # two channels x two pages + busy retry


def test_list_request_carries_the_site_headers_and_body(crawl, site):
    crawl("qq", "-a", "channels=news_news_tech")
    [hit] = site.requests_to(QQ_LIST_PATH)
    body = json.loads(hit.body)
    assert body["channel_id"] == "news_news_tech" and body["page"] == 0
    assert body["base_req"] == {"from": "pc"} and body["forward"] == "2"


def test_api_busy_every_time_is_one_error_and_the_crawl_goes_on(crawl, site):
    site.fail(QQ_LIST_PATH, times=100, reply=qq_busy_reply())
    result = crawl("qq", "-a", "channels=news_news_tech", RETRY_TIMES=2)
    assert result.returncode == 1  # nothing discovered: the source failed
    assert len(site.requests_to(QQ_LIST_PATH)) == 3
    assert result.stats["newsbot/errors/list_api"] == 1
    assert "List failed: channel news_news_tech page 0" in result.log
    assert result.files() == []


def test_invalid_json_and_html_error_pages_are_list_errors(crawl, site):
    site.fail(QQ_LIST_PATH, times=100, reply=Reply(200, b"<html>error</html>"))
    result = crawl("qq", "-a", "channels=news_news_tech", RETRY_TIMES=0)
    assert result.stats["newsbot/errors/list_api"] == 1
    assert "Traceback" not in result.log


def test_url_argument_skips_discovery(crawl, site):
    result = crawl(
        "qq",
        "-a",
        "url=https://new.qq.com/rain/a/20250210A06D7U00,"
        "https://view.inews.qq.com/a/20261121A0RTRY00",
    )
    assert written_ids(result) == {"20250210A06D7U00", "20261121A0RTRY00"}
    assert site.requests_to(QQ_LIST_PATH) == []


def test_bad_url_argument_is_a_clear_error(crawl):
    result = crawl("qq", "-a", "url=https://example.com/x")
    assert "is not a Tencent News article URL" in result.log
    assert result.returncode == 2 and result.files() == []
    assert "Traceback" not in result.log


def test_unreachable_site_ends_with_errors_not_tracebacks(crawl):
    result = crawl(
        "qq", "-a", "channels=news_news_tech", NEWSBOT_TEST_SITE="http://127.0.0.1:9", RETRY_TIMES=0
    )
    assert result.returncode == 1
    assert "FAILED: no answer from the site: every request failed" in result.log
    assert result.stats["newsbot/errors/DownloadConnectionRefusedError"] == 1
    assert "Request failed: https://i.news.qq.com/web_feed/getPCList" in result.log
    assert "errors=1" in result.log
    assert "Traceback" not in result.log
