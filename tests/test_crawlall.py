"""``scrapy crawlall`` and ``scrapy report``: one job for all sources, run history."""

from __future__ import annotations

import json
import re

from newsbot.commands.report import stale_sources, table
from tests.conftest import run_scrapy
from tests.support.sites.qq import QQ_LIST_PATH, qq_busy_reply
from tests.test_e2e_qq import WRITTEN, written_ids


def test_crawlall_runs_the_sources_and_records_the_run(scrapy_cmd, tmp_path):
    result = scrapy_cmd(
        "crawlall", "--sources", "qq", NEWSBOT_QQ_CHANNELS="news_news_tech,news_news_finance"
    )
    # The fixture site has a 404 article: one error, so the run counts as failed.
    assert result.returncode == 1
    assert "newsbot: source qq FAILED: 1 errors (http_404=1)" in result.log
    assert written_ids(result) == {i for i in WRITTEN if i != "20261121A0DTFB00"}  # page 2 not read
    runs = (tmp_path / "state" / "runs.jsonl").read_text(encoding="utf-8").splitlines()
    run = json.loads(runs[-1])
    assert run["source"] == "qq" and run["exported"] == 5 and run["errors"] == 1
    assert run["dropped"] == {} and run["duration_s"] > 0


def test_crawlall_succeeds_when_every_source_does(scrapy_cmd):
    result = scrapy_cmd("crawlall", "--sources", "qq", NEWSBOT_QQ_CHANNELS="news_news_finance")
    assert result.returncode == 0, result.log
    assert "FAILED" not in result.log


def test_crawlall_fails_when_a_source_discovers_nothing(scrapy_cmd, site):
    site.fail(QQ_LIST_PATH, times=100, reply=qq_busy_reply())
    result = scrapy_cmd("crawlall", "--sources", "qq", RETRY_TIMES=0,
                        NEWSBOT_QQ_CHANNELS="news_news_finance")  # fmt: skip
    assert result.returncode == 1
    assert "no article discovered (has the site changed?)" in result.log


def test_crawlall_max_time_stops_a_slow_source(scrapy_cmd, site):
    site.state["delay"] = 3.0
    result = scrapy_cmd("crawlall", "--sources", "qq", "--max-time", "1",
                        NEWSBOT_QQ_CHANNELS="news_news_finance")  # fmt: skip
    assert "finish reason: closespider_timeout" in result.log


def test_crawlall_rejects_unknown_sources(scrapy_cmd):
    result = scrapy_cmd("crawlall", "--sources", "qq,nosuch")
    assert result.returncode == 2 and "unknown sources: nosuch" in result.log


def test_report_prints_runs_and_flags_silent_sources(tmp_path):
    state = tmp_path / "state"
    state.mkdir()
    runs = [
        {"source": "qq", "finished_at": f"2026-11-2{i}T10:00:00+00:00", "discovered": 5,
         "new": 0, "exported": 0, "skipped_existing": 0, "dropped": {}, "errors": 0,
         "duration_s": 1.5, "finish_reason": "finished"}
        for i in range(3)
    ]  # fmt: skip
    (state / "runs.jsonl").write_text(
        "\n".join(json.dumps(r) for r in runs) + "\n{cut off", encoding="utf-8"
    )
    proc = run_scrapy(["report", "-s", f"NEWSBOT_STATE_DIR={state}", "--check"])
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["finished", "(UTC)", "source", "discovered", "new", "exported",
                                "existing", "dropped", "errors", "seconds", "finish"]  # fmt: skip
    assert len(lines) == 5 and "WARNING: qq exported nothing in its last 3 runs" in lines[-1]
    ok = run_scrapy(["report", "-s", f"NEWSBOT_STATE_DIR={state}", "--stale", "4"])
    assert ok.returncode == 0 and "WARNING" not in ok.stdout


def test_stale_sources_needs_enough_history():
    history = [{"source": "a", "exported": 0}, {"source": "b", "exported": 0},
               {"source": "b", "exported": 3}, {"source": "b", "exported": 0}]  # fmt: skip
    assert stale_sources(history, 2) == []
    assert stale_sources(history, 1) == ["a", "b"]
    assert "source" in table(history)


def test_crawlall_writes_files_for_every_source(scrapy_cmd):
    from collections import Counter

    import frontmatter
    from scrapy.spiderloader import get_spider_loader
    from scrapy.utils.project import get_project_settings

    from newsbot.registry import all_sources

    settings = get_project_settings()
    sources = all_sources(get_spider_loader(settings), settings)
    result = scrapy_cmd("crawlall")
    written = Counter(p.relative_to(result.export_dir).parts[2] for p in result.files())
    assert set(written) == set(sources), result.log
    for path in result.files():
        post = frontmatter.load(path)
        source = path.relative_to(result.export_dir).parts[2]
        assert post["categories"] == [source] and post["title"] and post.content
    # The fixture sites list some pages they do not serve (404s): nothing else fails.
    failures = [line for line in result.log.splitlines() if "FAILED:" in line]
    assert failures and all(re.search(r"errors \(http_404=\d+\)$", f) for f in failures), failures
