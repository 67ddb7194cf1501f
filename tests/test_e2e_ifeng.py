"""The real ifeng spider through the real Scrapy engine, against the local fixture site."""

from __future__ import annotations

import json
from pathlib import Path

import frontmatter

from tests.support.server import Reply
from tests.support.sites.ifeng import IFENG_LIST_PATH, IFENG_MORE_PATH, ifeng_busy_reply
from tests.test_e2e import assert_files_as_expected

EXPECTED = Path(__file__).parent / "fixtures" / "ifeng"
WRITTEN = {"8xKf2mN7qPa", "8xKg5rT1wLb", "8xKh9vB4sMc"}
ARTICLES = r"\.ifeng\.com/c/"


def written_ids(result) -> set[str]:
    return {p.name.split(".")[0] for p in result.files()}


def test_crawl_writes_one_file_per_article(crawl, site):
    site.fail(IFENG_LIST_PATH, times=1)  # HTTP 500 once: Scrapy's retry
    site.fail("/news.ifeng.com/c/8xKf2mN7qPa", times=1)
    result = crawl("ifeng", "-a", "pages=2")
    assert result.returncode == 0, result.log

    assert written_ids(result) == WRITTEN
    folder = result.export_dir / "zh-CN" / "news" / "ifeng"
    assert {p.parent for p in result.files()} == {folder}
    assert_files_as_expected(result, "ifeng")
    for path in result.files():
        want = json.loads((EXPECTED / path.name.split(".")[0] / "expected.json").read_text())
        post = frontmatter.load(path)
        assert post["thumbnail"] == want["thumbnail"]
        images = [line for line in post.content.splitlines() if line.startswith("![")]
        assert [line[line.index("(") + 1 : -1] for line in images] == want["images"]
        assert "loading_" not in post.content and "d.ifengimg.com" not in post.content

    stats = result.stats
    assert stats["newsbot/exported/written"] == 3
    assert stats["newsbot/skipped/video"] == 1
    assert stats["newsbot/list/duplicate"] == 1  # listed again on the second page
    assert stats["newsbot/errors/http_404"] == 1
    assert "Request failed: https://news.ifeng.com/c/8xKj0nC6dNd (HTTP 404)" in result.log
    assert "Report ifeng: discovered=4 new=4 exported=3" in result.log
    assert "Traceback" not in result.log

    # Every article page once, but the planned retry.
    pages = [hit.path for hit in site.requests_to(ARTICLES)]
    assert pages.count("/news.ifeng.com/c/8xKf2mN7qPa") == 2
    assert len(pages) == len(set(pages)) + 1 == 4 + 1
    assert "/finance.ifeng.com/c/8xKg5rT1wLb" in pages  # fetched on the host it is listed on
    # The list page (500, then 200) and one continuation from its last item.
    assert len(site.requests_to(IFENG_LIST_PATH)) == 2
    [more] = site.requests_to(IFENG_MORE_PATH)
    assert "/default/7301552012345660000/1795133550000/20/3-35197-/" in more.path


def test_one_page_by_default_and_columns_as_lists(crawl, site):
    result = crawl("ifeng", "-a", "lists=3-35197-")
    assert written_ids(result) == {"8xKf2mN7qPa", "8xKg5rT1wLb"}
    assert site.requests_to(IFENG_MORE_PATH) == []


def test_last_page_stops_paging(crawl, site):
    result = crawl("ifeng", "-a", "pages=5")
    more = site.requests_to(IFENG_MORE_PATH)
    assert len(more) == 2  # the second answer is empty and says isEnd
    assert result.stats["newsbot/exported/written"] == 3


def test_list_error_answers_are_retried_then_one_error(crawl, site):
    site.fail(IFENG_LIST_PATH, times=100, reply=Reply(200, b"<html><body>busy</body></html>"))
    result = crawl("ifeng", RETRY_TIMES=2)
    assert result.returncode == 1  # nothing discovered: the source failed (#18)
    assert len(site.requests_to(IFENG_LIST_PATH)) == 3
    assert result.stats["newsbot/errors/list_api"] == 1
    assert "List failed: https://news.ifeng.com/shanklist/3-35197-/ page 1" in result.log
    assert "no newsstream" in result.log
    assert result.files() == []
    assert "Traceback" not in result.log


def test_continuation_error_code_is_a_list_error(crawl, site):
    site.fail(
        "/shankapi.ifeng.com/shanklist/_/getColumnInfo/_/default/7301552012345660000/"
        "1795133550000/20/3-35197-/getColumnInfoCallback",
        times=100,
        reply=ifeng_busy_reply(),
    )
    result = crawl("ifeng", "-a", "pages=2", RETRY_TIMES=1)
    assert result.stats["newsbot/errors/list_api"] == 1
    assert "page 2" in result.log and "系统繁忙" in result.log
    assert written_ids(result) == {"8xKf2mN7qPa", "8xKg5rT1wLb"}  # page 1 still crawled


def test_url_argument_skips_discovery(crawl, site):
    result = crawl(
        "ifeng",
        "-a",
        "url=http://news.ifeng.com/c/8xKh9vB4sMc?_share=wx,"
        "https://finance.ifeng.com/c/8xKg5rT1wLb,https://news.ifeng.com/c/8xKh9vB4sMc",
    )
    assert written_ids(result) == {"8xKh9vB4sMc", "8xKg5rT1wLb"}
    assert site.requests_to(IFENG_LIST_PATH) == []
    assert result.stats["newsbot/list/duplicate"] == 1


def test_bad_arguments_are_clear_errors(crawl):
    for argument in ("url=https://news.ifeng.com/shanklist/3-35197-/", "lists=ftp://x/"):
        result = crawl("ifeng", "-a", argument)
        assert "newsbot: -a " in result.log  # one usage line naming the argument
        assert result.returncode == 2 and result.files() == []
        assert "Traceback" not in result.log


def test_unusable_list_setting_is_one_error_not_a_traceback(crawl, site):
    result = crawl("ifeng", NEWSBOT_IFENG_LISTS="nonsense,3-35197-")
    assert result.stats["newsbot/errors/bad_argument"] == 1
    assert "Not an ifeng list-page URL, skipped: 'nonsense'" in result.log
    assert written_ids(result) == {"8xKf2mN7qPa", "8xKg5rT1wLb"}  # the column still crawled
    assert "Traceback" not in result.log
