"""The monitors in real crawls (the engine, the fixture server): they run in every
crawl, record what failed in runs.jsonl, and fail as they should on a source that
goes dark, a parser that loses dates and a run where every request fails."""

from __future__ import annotations

import json

from tests.support.server import Reply
from tests.support.sites.qq import QQ_LIST_PATH
from tests.test_faults import URLS, VICTIM_PATH, with_date

FINANCE = ("-a", "channels=news_news_finance")


def last_run(tmp_path) -> dict:
    lines = (tmp_path / "state" / "runs.jsonl").read_text(encoding="utf-8").splitlines()
    return json.loads(lines[-1])


def warnings(result) -> list[str]:
    return [line for line in result.log.splitlines() if "[Spidermon]" in line]


def test_monitors_run_in_every_crawl_and_pass_on_a_healthy_one(crawl, tmp_path):
    result = crawl("qq", *FINANCE)
    run = last_run(tmp_path)
    assert run["exported"] > 0 and run["monitors_failed"] == {}, run
    assert run["parsed"] == run["exported"] and set(run["missing"]) <= {"thumbnail"}
    assert any("qq: 6 monitors passed" in line for line in warnings(result)), result.log


def test_one_setting_turns_them_off(crawl, tmp_path, site):
    site.fail(QQ_LIST_PATH, times=99, reply=Reply(500, b"oops"))
    result = crawl("qq", *FINANCE, RETRY_TIMES=0, SPIDERMON_ENABLED=False)
    assert warnings(result) == [] and last_run(tmp_path)["monitors_failed"] == {}


def test_a_source_that_goes_dark(crawl, tmp_path, site):
    state = tmp_path / "state"
    state.mkdir()
    earlier = {"source": "qq", "discovered": 5, "new": 0, "exported": 0, "errors": 0}
    (state / "runs.jsonl").write_text(
        "\n".join(json.dumps(r) for r in ({**earlier, "exported": 4}, earlier, earlier)) + "\n"
    )
    # The list answers, but with no entries: the site changed (or stopped publishing).
    site.fail(QQ_LIST_PATH, times=99, reply=Reply.json({"code": 0, "message": "", "data": []}))
    result = crawl("qq", *FINANCE)
    failed = last_run(tmp_path)["monitors_failed"]
    assert set(failed) == {"Discovered", "Dark source"}, failed
    assert "has the site changed?" in failed["Discovered"]
    assert failed["Dark source"].startswith("exported nothing in its last 3 runs; last export")
    assert any("qq: monitor failed: Dark source" in line for line in warnings(result))


def test_a_parser_that_loses_dates(crawl, tmp_path, site):
    site.fail(VICTIM_PATH, times=9, reply=Reply(200, with_date("")))
    crawl("qq", "-a", URLS)
    run = last_run(tmp_path)
    assert run["missing"].get("date") == 1 and run["dropped"] == {"missing_date": 1}
    assert set(run["monitors_failed"]) == {"Field coverage"}, run
    assert run["monitors_failed"]["Field coverage"] == "date in 50% of 2 articles (at least 100%)"


def test_all_errors_and_the_alert_it_sends(crawl, tmp_path, site):
    site.fail(QQ_LIST_PATH, times=99, reply=Reply(500, b"oops"))
    result = crawl(
        "qq", *FINANCE, RETRY_TIMES=0,
        NEWSBOT_ALERTS="telegram", SPIDERMON_TELEGRAM_FAKE=True,
        SPIDERMON_TELEGRAM_SENDER_TOKEN="test-secret", SPIDERMON_TELEGRAM_RECIPIENTS="-100",
    )  # fmt: skip
    failed = last_run(tmp_path)["monitors_failed"]
    assert set(failed) == {"Errors", "Discovered"}, failed
    assert failed["Errors"] == "1 error (http_500=1) for 0 new articles; at most 50% allowed"
    assert "newsbot: qq: 2 monitor(s) failed" in result.log  # the (fake) Telegram message
    assert "Traceback" not in result.log
