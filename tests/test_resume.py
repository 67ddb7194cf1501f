"""JOBDIR: a crawl interrupted with SIGINT resumes where it stopped."""

from __future__ import annotations

import json
import signal
import time
from collections import Counter

from tests.test_e2e_qq import CHANNELS, WRITTEN, written_ids


def test_sigint_then_resume_exports_every_article_once(scrapy_cmd, site, tmp_path):
    job = tmp_path / "job"
    # One request at a time keeps the rest in the scheduler (persisted in JOBDIR)
    # instead of in the downloader, which finishes what it holds on SIGINT.
    slow = {"JOBDIR": job, "CONCURRENT_REQUESTS": 1}
    site.state["delay"] = 0.4
    first = scrapy_cmd("crawl", "qq", *CHANNELS, popen=True, **slow)
    export = tmp_path / "exports"
    deadline = time.monotonic() + 60
    while not list(export.rglob("*.md")) and time.monotonic() < deadline:
        time.sleep(0.05)
    first.send_signal(signal.SIGINT)
    log, _ = first.communicate(timeout=120)
    assert "shutting down gracefully" in log.lower()
    interrupted = json.loads(sorted(tmp_path.glob("stats-*.json"))[-1].read_text())
    assert interrupted["finish_reason"] == "shutdown"
    done_first = len(list(export.rglob("*.md")))
    assert 0 < done_first < len(WRITTEN)

    site.state["delay"] = 0
    resumed = scrapy_cmd("crawl", "qq", *CHANNELS, **slow)
    assert resumed.returncode == 0, resumed.log
    assert written_ids(resumed) == WRITTEN
    assert done_first + resumed.stats.get("newsbot/exported/written", 0) == len(WRITTEN)
    pages = Counter(hit.path for hit in site.requests_to(r"/rain/a/"))
    assert max(pages.values()) == 1, pages  # no page fetched twice across the two runs
