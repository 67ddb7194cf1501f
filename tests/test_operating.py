"""Operating newsbot on a schedule (#18): exit statuses a scheduler can act on, the
same for ``crawl`` and ``crawlall``; usage errors before any request; time limits;
quiet, attributable logs."""

from __future__ import annotations

import re
import time

import pytest

from tests.support.server import Reply
from tests.support.sites.qq import QQ_LIST_PATH, qq_busy_reply

FINANCE = {"NEWSBOT_QQ_CHANNELS": "news_news_finance"}
# Each way to run one source: `scrapy crawl qq` and `scrapy crawlall --sources qq`.
RUNS = {"crawl": ("crawl", "qq"), "crawlall": ("crawlall", "--sources", "qq")}


def runs_recorded(tmp_path) -> list[str]:
    path = tmp_path / "state" / "runs.jsonl"
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


# --- 0 and 1: the same for crawl and crawlall -------------------------------------


@pytest.mark.parametrize("how", sorted(RUNS))
def test_a_fine_run_exits_0_with_a_summary(scrapy_cmd, how):
    result = scrapy_cmd(*RUNS[how], **FINANCE)
    assert result.returncode == 0, result.log
    assert "newsbot: 1 source: 1 ok; " in result.log and "exit status 0" in result.log


@pytest.mark.parametrize("how", sorted(RUNS))
def test_no_network_exits_1_and_says_the_site_did_not_answer(scrapy_cmd, how):
    result = scrapy_cmd(*RUNS[how], NEWSBOT_TEST_SITE="http://127.0.0.1:9", RETRY_TIMES=0,
                        **FINANCE)  # fmt: skip
    assert result.returncode == 1, result.log
    line = next(x for x in result.log.splitlines() if "FAILED" in x)
    assert "newsbot: source qq FAILED: no answer from the site: every request failed" in line
    assert "network or the site down" in line and "site changed" not in line


@pytest.mark.parametrize("how", sorted(RUNS))
def test_a_list_answering_404_exits_1(scrapy_cmd, site, how):
    site.fail(QQ_LIST_PATH, times=9, reply=Reply(404, b"<h1>Not Found</h1>"))
    result = scrapy_cmd(*RUNS[how], **FINANCE)
    assert result.returncode == 1, result.log
    assert "FAILED: no article discovered: 1 errors (http_404=1)" in result.log


@pytest.mark.parametrize("how", sorted(RUNS))
def test_lists_that_give_nothing_exit_1_as_a_changed_site(scrapy_cmd, site, how):
    site.fail(QQ_LIST_PATH, times=9, reply=Reply.json({"code": 0, "msg": "", "data": []}))
    result = scrapy_cmd(*RUNS[how], **FINANCE)
    assert result.returncode == 1, result.log
    assert "the lists were fetched but gave none (has the site changed?)" in result.log


def test_a_busy_list_api_is_not_a_changed_site(scrapy_cmd, site):
    site.fail(QQ_LIST_PATH, times=9, reply=qq_busy_reply())
    result = scrapy_cmd("crawl", "qq", RETRY_TIMES=0, **FINANCE)
    assert result.returncode == 1
    assert "no article discovered: 1 errors (list_api=1)" in result.log
    assert "site changed" not in result.log


@pytest.mark.parametrize("how", sorted(RUNS))
def test_errors_over_the_rate_exit_1_and_below_it_0(scrapy_cmd, site, how):
    # The tech channel lists 6 new articles, one of them a 404 on the fixture site.
    tech = {"NEWSBOT_QQ_CHANNELS": "news_news_tech"}
    below = scrapy_cmd(*RUNS[how], **tech)
    assert below.returncode == 0, below.log
    assert " errors=1 " in below.log
    strict = scrapy_cmd(*RUNS[how], NEWSBOT_MAX_ERROR_RATE="0.1", **tech,
                        NEWSBOT_EXPORT_DIR=str(below.export_dir) + "-2")  # fmt: skip
    assert strict.returncode == 1
    assert "more than 10% (NEWSBOT_MAX_ERROR_RATE)" in strict.log


# --- 2: usage errors, before any request, nothing recorded -------------------------

BAD = {
    # name: (command, what the one line says)
    "unknown_argument": (("crawl", "qq", "-a", "bogus=1"),
                         "-a bogus: qq takes no such argument; it takes channels, pages, url"),
    "empty_value": (("crawl", "qq", "-a", "channels="),
                    "-a channels: empty value; give channels=VALUE or leave it out"),
    "bad_number": (("crawl", "qq", "-a", "pages=abc"),
                   "-a pages must be a whole number >= 1, got 'abc'"),
    "zero": (("crawl", "qq", "-a", "pages=0"), "-a pages must be a whole number >= 1, got '0'"),
    "bad_url": (("crawl", "qq", "-a", "url=https://example.com/x"),
                "is not a Tencent News article URL"),
    "unknown_feed_source": (("crawl", "feed", "-a", "source=nosuch"),
                            "-a source must name a declared source: "),
    "declared_unknown_list": (("crawl", "arstechnica", "-a", "lists=nosuch"),
                              "-a lists: unknown list(s) ['nosuch']"),
    "bad_setting": (("crawl", "qq", "-s", "NEWSBOT_MAX_TIME=soon"),
                    "NEWSBOT_MAX_TIME='soon': must be seconds >= 0"),
    "bad_rate": (("crawlall", "--sources", "qq", "-s", "NEWSBOT_MAX_ERROR_RATE=2"),
                 "NEWSBOT_MAX_ERROR_RATE='2': must be a share from 0 to 1"),
    "bad_retries": (("crawl", "qq", "-s", "NEWSBOT_LIST_RETRIES=1.5"),
                    "NEWSBOT_LIST_RETRIES='1.5': must be a whole number >= -1"),
    "unknown_source": (("crawlall", "--sources", "qq,nosuch"), "unknown sources: nosuch"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BAD))
def test_usage_errors_exit_2_before_any_request(scrapy_cmd, site, tmp_path, case):
    args, message = BAD[case]
    result = scrapy_cmd(*args)
    assert result.returncode == 2, result.log
    assert message in result.log
    assert site.hits == []  # not even robots.txt
    assert runs_recorded(tmp_path) == []  # no phantom run for `scrapy report`
    assert "Spider opened" not in result.log and "Traceback" not in result.log


def test_a_list_url_outside_the_source_is_a_warning_naming_it(scrapy_cmd):
    other = "https://news.example.com/web_feed/getPCList"
    result = scrapy_cmd("crawl", "qq", NEWSBOT_QQ_LIST_API=other, **FINANCE)
    assert f"List URL {other} is outside qq's allowed_domains (qq.com)" in result.log
    assert result.returncode == 1  # nothing discovered


# --- time limits -------------------------------------------------------------------


@pytest.mark.parametrize("how", sorted(RUNS))
def test_a_stalled_server_gives_up_within_the_deadline(scrapy_cmd, site, how):
    site.state["delay"] = 30.0  # accepts, answers nothing for 30 s
    began = time.monotonic()
    result = scrapy_cmd(*RUNS[how], NEWSBOT_MAX_TIME=3, **FINANCE)
    took = time.monotonic() - began
    assert took < 15, took  # start-up, the 3 s deadline, shutdown
    assert result.returncode == 1
    assert re.search(r"qq stopped at its deadline of 3s \(NEWSBOT_MAX_TIME", result.log)
    assert "FAILED: no article discovered before the deadline" in result.log


def test_a_stalled_robots_txt_gives_up_after_its_own_timeout(scrapy_cmd, site):
    site.state["slow_paths"] = {"/i.news.qq.com/robots.txt": 30.0}
    began = time.monotonic()
    result = scrapy_cmd("crawl", "qq", NEWSBOT_ROBOTSTXT_TIMEOUT=1, **FINANCE)
    assert time.monotonic() - began < 15
    assert len(site.requests_to(r"i\.news\.qq\.com/robots\.txt")) == 1  # not retried
    assert result.returncode == 0, result.log


def test_list_requests_have_their_own_timeout_and_retries(scrapy_cmd, site):
    site.state["slow_paths"] = {QQ_LIST_PATH: 3.0}
    result = scrapy_cmd("crawl", "qq", NEWSBOT_LIST_TIMEOUT=1, NEWSBOT_LIST_RETRIES=1,
                        RETRY_TIMES=5, **FINANCE)  # fmt: skip
    assert len(site.requests_to(QQ_LIST_PATH)) == 2
    assert result.stats["newsbot/errors/DownloadTimeoutError"] == 1
    assert result.returncode == 1


# --- logs --------------------------------------------------------------------------


def test_quiet_prints_only_problems_and_the_summary(scrapy_cmd, site):
    site.fail(QQ_LIST_PATH, times=9, reply=Reply(404, b"<h1>Not Found</h1>"))
    result = scrapy_cmd("crawlall", "--sources", "qq,sina", "--quiet", **FINANCE)
    lines = [x for x in result.log.splitlines() if x.strip()]
    assert all(" INFO: " not in x and " DEBUG: " not in x for x in lines), lines
    assert lines[-1].startswith("newsbot: 2 sources: 1 ok, 1 failed (qq); ")
    assert any("FAILED" in x for x in lines) and len(lines) <= 8, lines


@pytest.mark.parametrize("how", sorted(RUNS))
def test_a_locked_export_folder_exits_75_before_any_request(scrapy_cmd, site, tmp_path, how):
    from scrapy.settings import Settings

    from newsbot.runner import export_lock

    held = Settings({"NEWSBOT_EXPORT_DIR": str(tmp_path / "exports"),
                     "NEWSBOT_STATE_DIR": str(tmp_path / "state")})  # fmt: skip
    with export_lock(held):
        result = scrapy_cmd(*RUNS[how], **FINANCE)
    assert result.returncode == 75, result.log
    assert "another newsbot run" in result.log and "FAILED" not in result.log
    assert site.hits == [] and runs_recorded(tmp_path) == []


def test_articles_given_with_url_that_all_fail_to_connect_are_a_network_failure(scrapy_cmd):
    urls = "url=https://news.qq.com/rain/a/20261121A0RTRY00,https://news.qq.com/rain/a/20250210A06D7U00"
    result = scrapy_cmd("crawl", "qq", "-a", urls, NEWSBOT_TEST_SITE="http://127.0.0.1:9",
                        RETRY_TIMES=0)  # fmt: skip
    assert result.returncode == 1
    assert "FAILED: no answer from the site: every request failed" in result.log
