"""The end-of-crawl report per source: one INFO line, and one JSON line appended
to ``{NEWSBOT_STATE_DIR}/runs.jsonl`` for ``scrapy report``."""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals

from newsbot.extensions import Required

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from twisted.python.failure import Failure

logger = logging.getLogger(__name__)

RUNS_FILE = "runs.jsonl"


def summarize_stats(stats: dict[str, Any]) -> dict[str, Any]:
    """The report's numbers, from a crawl's stats."""

    def group(prefix: str) -> dict[str, int]:
        return {k[len(prefix) :]: v for k, v in sorted(stats.items()) if k.startswith(prefix)}

    errors = group("newsbot/errors/")
    exceptions = group("spider_exceptions/")
    exceptions.pop("count", None)  # a total of the others
    errors.update({f"spider_exception/{k}": v for k, v in exceptions.items()})
    skipped = group("newsbot/skipped/")
    discovered = stats.get("newsbot/discovered", 0)
    return {
        "discovered": discovered,
        # Listed articles this run requested (not exported or rejected before).
        "new": discovered - skipped.get("already_exported", 0) - skipped.get("rejected_before", 0),
        "exported": stats.get("newsbot/exported/written", 0)
        + stats.get("newsbot/exported/overwritten", 0),
        "skipped_existing": stats.get("newsbot/exported/skipped_existing", 0),
        "skipped": skipped,
        "dropped": group("newsbot/dropped/"),
        "errors": sum(errors.values()),
        "error_kinds": errors,
        # Field coverage of the articles parsed (newsbot/fieldcoverage.py) and the
        # monitors that failed (newsbot/monitors.py).
        "parsed": stats.get("newsbot/fields/items", 0),
        "missing": {
            k.removesuffix("/missing"): v
            for k, v in group("newsbot/fields/").items()
            if k.endswith("/missing")
        },
        "monitors_failed": group("newsbot/monitors/failed/"),
        # Answers of the site itself (robots.txt not counted): 0 with errors means the
        # network or the site was down, not that the site changed.
        "responses": stats.get("downloader/response_count", 0)
        - stats.get("robotstxt/response_count", 0)
        if "downloader/request_count" in stats
        else None,
    }


# Default of NEWSBOT_MAX_ERROR_RATE for readers without settings (old runs.jsonl lines).
MAX_ERROR_RATE = 0.5


def error_rate(report: dict[str, Any]) -> float:
    """Errors per new article of a run (1.0 when it had errors and nothing new)."""
    errors = report.get("errors", 0)
    return errors / max(report.get("new", 0), errors, 1)


def failure_reasons(
    report: dict[str, Any], max_error_rate: float = MAX_ERROR_RATE
) -> list[str]:
    """Why a source's run counts as failed (empty: it did not): nothing discovered
    (told apart: the network or site was down, list requests failed, or the lists
    were fetched and gave nothing: a changed site), or errors over the rate."""
    errors = report.get("errors", 0)
    kinds = ", ".join(f"{k}={v}" for k, v in report.get("error_kinds", {}).items())
    responses = report.get("responses")
    if errors and responses == 0:
        return [f"no answer from the site: every request failed ({kinds}); "
                "is the network or the site down?"]  # fmt: skip
    if not report.get("discovered"):
        if errors:
            return [f"no article discovered: {errors} errors ({kinds})"]
        if report.get("finish_reason") == "closespider_timeout":
            return ["no article discovered before the deadline (NEWSBOT_MAX_TIME): "
                    "the site answered too slowly"]  # fmt: skip
        if responses == 0:
            return ["no article discovered: no list was requested"]
        return ["no article discovered: the lists were fetched but gave none "
                "(has the site changed?)"]  # fmt: skip
    if errors and error_rate(report) > max_error_rate:
        return [f"{errors} errors ({kinds}) for {report.get('new', 0)} new articles: "
                f"more than {max_error_rate:.0%} (NEWSBOT_MAX_ERROR_RATE)"]  # fmt: skip
    return []


class CrawlReport(Required):
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.state_dir = Path(crawler.settings.get("NEWSBOT_STATE_DIR"))
        self.started = time.monotonic()
        self.report: dict[str, Any] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlReport:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.item_error, signal=signals.item_error)
        return extension

    def item_error(self, item: Any, failure: Failure) -> None:
        """Count every item that failed in the pipeline (the log line is the log
        formatter's: URL and reason); its traceback only at DEBUG."""
        self.crawler.stats.inc_value("newsbot/errors/item")
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("Item error traceback:\n%s", failure.getTraceback())

    def spider_opened(self, spider: Spider) -> None:
        self.started = time.monotonic()
        deadline = self.crawler.settings.getfloat("CLOSESPIDER_TIMEOUT")
        logger.info("Start %s%s", getattr(spider, "source", "") or spider.name,
                    f" (deadline {deadline:g}s)" if deadline else "")  # fmt: skip

    def spider_closed(self, spider: Spider, reason: str) -> None:
        report = summarize_stats(self.crawler.stats.get_stats())
        source = getattr(spider, "source", "") or spider.name
        report.update(
            source=source,
            finished_at=datetime.now(UTC).isoformat(timespec="seconds"),
            duration_s=round(time.monotonic() - self.started, 3),
            finish_reason=reason,
        )
        self.report = report
        if reason == "closespider_timeout":
            logger.warning(
                "%s stopped at its deadline of %gs (NEWSBOT_MAX_TIME, crawlall --max-time)",
                source, self.crawler.settings.getfloat("CLOSESPIDER_TIMEOUT"),
            )  # fmt: skip
        logger.info(
            "Report %s: discovered=%d new=%d exported=%d skipped_existing=%d skipped=%s "
            "dropped=%s errors=%d %s duration=%.1fs (finish reason: %s)",
            source, report["discovered"], report["new"], report["exported"],
            report["skipped_existing"], report["skipped"], report["dropped"], report["errors"],
            report["error_kinds"], report["duration_s"], reason,
        )  # fmt: skip
        self.append(report)

    def append(self, report: dict[str, Any]) -> None:
        try:
            self.state_dir.mkdir(parents=True, exist_ok=True)
            # One short line per write with O_APPEND: concurrent runs do not interleave.
            with (self.state_dir / RUNS_FILE).open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(report, ensure_ascii=False, sort_keys=True) + "\n")
        except OSError as exc:
            logger.error("Could not append the run report to %s: %s", self.state_dir, exc)
