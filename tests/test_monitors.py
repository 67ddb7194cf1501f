"""The Spidermon monitors on made-up stats (as Spidermon recommends testing them):
each passes on a healthy run and fails, saying why, on the run it must catch."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy import Spider

from newsbot.monitors import MonitorRunner, SourceMonitorSuite, is_dark, recent_runs
from tests.conftest import make_crawler

HEALTHY = {
    "finish_reason": "finished",
    "newsbot/discovered": 10,
    "newsbot/skipped/already_exported": 4,
    "newsbot/exported/written": 6,
    "newsbot/fields/items": 6,
    "newsbot/fields/thumbnail/missing": 2,
}
DARK = {"finish_reason": "finished"}  # the lists gave nothing
LOST_DATES = {
    "finish_reason": "finished",
    "newsbot/discovered": 4,
    "newsbot/fields/items": 4,
    "newsbot/fields/date/missing": 4,
    "newsbot/dropped/missing_date": 4,
}
ALL_ERRORS = {"finish_reason": "finished", "newsbot/errors/http_500": 3}


def run_monitors(stats: dict, history: list[dict] = (), source: str = "qq", **settings):
    """Run the suite as Spidermon's extension does at spider close; the result and
    the crawler (its stats hold what the suite recorded)."""
    # The extension is off: the test runs the suite itself.
    crawler = make_crawler(SPIDERMON_ENABLED=False, **settings)
    state = Path(crawler.settings["NEWSBOT_STATE_DIR"])
    with (state / "runs.jsonl").open("a", encoding="utf-8") as handle:
        for run in history:
            handle.write(json.dumps({"source": source, **run}) + "\n")
    spider = Spider(name=source)
    # As the crawl's stats have them (the e-mail report shows the run time).
    stats = {"start_time": datetime(2026, 12, 6, 5, 0, tzinfo=UTC),
             "finish_time": datetime(2026, 12, 6, 5, 1, tzinfo=UTC), **stats}  # fmt: skip
    suite = SourceMonitorSuite(crawler=crawler)
    runner = MonitorRunner(spider=spider)
    runner.run(suite, stats=stats, crawler=crawler, spider=spider, job=None, stats_history=[])
    return runner.result, crawler


def failed(result) -> dict[str, str]:
    from newsbot.monitors import failure_messages

    return failure_messages(result)


def test_a_healthy_run_passes_every_monitor():
    result, crawler = run_monitors(HEALTHY)
    assert failed(result) == {}
    assert len(result.monitors_passed_results) == 6
    assert not any(k.startswith("newsbot/monitors/") for k in crawler.stats.get_stats())


def test_a_dark_run_fails_discovered_and_says_the_site_may_have_changed():
    result, _ = run_monitors(DARK, history=[{"exported": 3}])
    failures = failed(result)
    assert set(failures) == {"Discovered"}
    assert "0 articles discovered" in failures["Discovered"]
    assert "has the site changed?" in failures["Discovered"]


def test_a_source_dark_for_n_runs_fails_from_the_history():
    history = [{"exported": 5, "finished_at": "2026-12-06T05:30:02+00:00"},
               {"exported": 0}, {"exported": 0}]  # fmt: skip
    result, crawler = run_monitors(DARK, history=history)
    failures = failed(result)
    assert failures["Dark source"] == (
        "exported nothing in its last 3 runs; last export in the run of 2026-12-06 05:30 UTC"
    )
    # Recorded for runs.jsonl (CrawlReport runs after the monitors).
    stats = crawler.stats.get_stats()
    assert stats["newsbot/monitors/failed/Dark source"] == failures["Dark source"]
    # Other sources' runs do not count; NEWSBOT_DARK_RUNS sets how many.
    result, _ = run_monitors(DARK, history=history, source="sina", NEWSBOT_DARK_RUNS=4)
    assert "Dark source" not in failed(result)
    result, _ = run_monitors(DARK, history=history[1:], NEWSBOT_DARK_RUNS=3)
    assert failed(result)["Dark source"].endswith("; none in its 2 recorded runs")


def test_a_parser_that_loses_dates_fails_field_coverage_and_exported():
    result, _ = run_monitors(LOST_DATES)
    failures = failed(result)
    assert set(failures) == {"Field coverage", "Exported"}
    assert failures["Field coverage"] == "date in 0% of 4 articles (at least 100%)"
    assert "0 of 4 new articles written" in failures["Exported"]
    assert "missing_date=4" in failures["Exported"]


def test_all_errors_fails_errors_and_discovered():
    result, _ = run_monitors(ALL_ERRORS)
    failures = failed(result)
    assert set(failures) == {"Errors", "Discovered"}
    assert failures["Errors"] == "3 errors (http_500=3) for 0 new articles; at most 50% allowed"
    assert "3 errors (http_500=3)" in failures["Discovered"]


def test_errors_fail_over_the_exit_status_rate_not_at_the_first_one():
    # The fixture sites (and real ones) 404 an article now and then: not an alert.
    one = {**HEALTHY, "newsbot/errors/http_404": 1}
    assert failed(run_monitors(one)[0]) == {}
    strict = failed(run_monitors(one, NEWSBOT_MAX_ERROR_RATE=0.1)[0])
    assert strict["Errors"].endswith("; at most 10% allowed")
    capped = failed(run_monitors(one, NEWSBOT_MONITOR_MAX_ERRORS=0)[0])
    assert capped["Errors"] == "1 error (http_404=1); at most 0 allowed"


def test_discovered_tells_a_network_failure_from_a_changed_site():
    down = {**ALL_ERRORS, "downloader/request_count": 3, "downloader/exception_count": 3}
    message = failed(run_monitors(down)[0])["Discovered"]
    assert "no answer from the site: every request failed" in message
    assert "site changed" not in message


def test_redis_workers_leave_exports_to_the_writer():
    history = [{"exported": 0}] * 3
    stats = {**DARK, "newsbot/redis/run_discovered": 12, "newsbot/discovered": 0}
    result, _ = run_monitors(stats, history=history, NEWSBOT_REDIS_URL="redis://localhost:1")
    assert failed(result) == {}  # the run's lists gave 12 (to all workers); no file here
    skipped = [r.monitor.monitor_name for r in result.monitor_results if r.status == "SKIPPED"]
    assert {"Exported", "Dark source"} <= set(skipped)


def test_no_monitors_in_the_writer_of_a_redis_crawl():
    from scrapy.exceptions import NotConfigured

    from newsbot.monitors import Monitors

    writer = make_crawler(NEWSBOT_REDIS_URL="redis://localhost:1", NEWSBOT_REDIS_ROLE="writer")
    with pytest.raises(NotConfigured):
        Monitors.from_crawler(writer)


def test_unexpected_finish_reason_fails():
    result, _ = run_monitors({**HEALTHY, "finish_reason": "shutdown"})
    assert set(failed(result)) == {"Finish reason"}


def test_thresholds_are_settings():
    result, _ = run_monitors(
        {**HEALTHY, "newsbot/errors/http_404": 2, "newsbot/fields/date/missing": 1},
        NEWSBOT_MONITOR_MAX_ERRORS=2,
        NEWSBOT_MONITOR_FIELD_COVERAGE={"date": 0.8, "thumbnail": 0.9},
    )
    assert failed(result) == {"Field coverage": "thumbnail in 67% of 6 articles (at least 90%)"}


def test_the_log_is_one_line_per_failed_monitor(caplog):
    caplog.set_level(logging.DEBUG)
    run_monitors(ALL_ERRORS)
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert warnings == [
        "[Spidermon] qq: monitor failed: Errors: 3 errors (http_500=3) for 0 new articles; "
        "at most 50% allowed",
        "[Spidermon] qq: monitor failed: Discovered: 0 articles discovered, at least 1 "
        "expected: 3 errors (http_500=3)",
    ]
    assert "Traceback" not in caplog.text


ALERTS = {
    "telegram": {"SPIDERMON_TELEGRAM_FAKE": True, "SPIDERMON_TELEGRAM_SENDER_TOKEN": "t",
                 "SPIDERMON_TELEGRAM_RECIPIENTS": ["-100"]},
    "discord": {"SPIDERMON_DISCORD_FAKE": True, "SPIDERMON_DISCORD_WEBHOOK_URL": "https://d/x"},
    "slack": {"SPIDERMON_SLACK_FAKE": True, "SPIDERMON_SLACK_SENDER_TOKEN": "t",
              "SPIDERMON_SLACK_SENDER_NAME": "newsbot", "SPIDERMON_SLACK_RECIPIENTS": ["#ops"]},
    "email": {"SPIDERMON_EMAIL_FAKE": True, "SPIDERMON_EMAIL_SENDER": "bot@example.org",
              "SPIDERMON_EMAIL_TO": ["ops@example.org"], "SPIDERMON_SMTP_HOST": "localhost",
              "SPIDERMON_SMTP_USER": "u", "SPIDERMON_SMTP_PASSWORD": "p"},
}  # fmt: skip


@pytest.mark.parametrize("channel", sorted(ALERTS))
def test_failed_monitors_send_the_configured_alert(channel, caplog):
    caplog.set_level(logging.INFO)
    settings = {"NEWSBOT_ALERTS": [channel], **ALERTS[channel]}
    result, _ = run_monitors(ALL_ERRORS, **settings)
    sent = [r.getMessage() for r in caplog.records if r.name.startswith("spidermon.contrib")]
    assert len(sent) == 1, caplog.text
    assert "newsbot: qq: 2 monitor(s) failed" in sent[0] or channel == "email"
    if channel == "email":
        assert "Subject: newsbot: monitors failed for qq" in sent[0]
    assert "Errors: 3 errors (http_500=3)" in sent[0]
    assert not result.monitors_failed_action_results[0].error

    caplog.clear()
    run_monitors(HEALTHY, **settings)  # nothing failed: nothing sent
    assert not [r for r in caplog.records if r.name.startswith("spidermon.contrib")]


def test_alerts_are_off_by_default_and_a_bad_one_is_one_error_line(caplog):
    result, _ = run_monitors(ALL_ERRORS)
    assert result.monitors_failed_action_results == []
    caplog.clear()
    caplog.set_level(logging.INFO)
    result, _ = run_monitors(ALL_ERRORS, NEWSBOT_ALERTS=["slack"])
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert errors == [
        "NEWSBOT_ALERTS: slack alerts are not configured: "
        "You must provide a value for SPIDERMON_SLACK_SENDER_TOKEN setting."
    ]
    assert set(failed(result)) == {"Errors", "Discovered"}


def test_recent_runs_reads_the_history_from_its_end(tmp_path):
    path = tmp_path / "runs.jsonl"
    lines = []
    for i in range(300):
        lines.append(json.dumps({"source": "qq" if i % 3 == 0 else "sina", "n": i}))
    lines.insert(150, '{"source": "qq", "n": ')  # a line cut by a crash
    path.write_text("\n".join(lines) + "\n")
    runs = recent_runs(path, "qq", 4, chunk=64)
    assert [r["n"] for r in runs] == [288, 291, 294, 297]
    assert len(recent_runs(path, "qq", 1000, chunk=100)) == 100
    assert recent_runs(tmp_path / "missing.jsonl", "qq", 3) == []


def test_is_dark():
    assert is_dark([{"exported": 0}] * 3, 3)
    assert not is_dark([{"exported": 0}] * 2, 3)
    assert not is_dark([{"exported": 0}, {"exported": 1}, {"exported": 0}], 3)
