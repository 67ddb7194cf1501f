"""Spidermon monitors of every source's run, and the alerts they send.

Spidermon (SPIDERMON_ENABLED, on by default) runs :class:`SourceMonitorSuite` when
a source's crawl closes. Its monitors read the run report's numbers (the same
:func:`~newsbot.extensions.report.summarize_stats` that runs.jsonl records) and the
run history in runs.jsonl:

- Finish reason: one of SPIDERMON_EXPECTED_FINISH_REASONS (Spidermon's own monitor);
- Errors: failed requests and parser errors within NEWSBOT_MAX_ERROR_RATE of the new
  articles (the rate that fails the exit status) and NEWSBOT_MONITOR_MAX_ERRORS (-1: any);
- Discovered: the lists gave at least NEWSBOT_MONITOR_MIN_DISCOVERED articles;
- Exported: at least NEWSBOT_MONITOR_MIN_EXPORTED_RATIO of the new articles written;
- Field coverage: the share of parsed articles with each field of
  NEWSBOT_MONITOR_FIELD_COVERAGE (newsbot/fieldcoverage.py counts them);
- Dark source: not NEWSBOT_DARK_RUNS runs in a row without an exported article.

A failed monitor is one WARNING line naming the source and why, a stats key
``newsbot/monitors/failed/<monitor>`` (so runs.jsonl's ``monitors_failed``), and
the alerts of NEWSBOT_ALERTS: Spidermon's e-mail, Slack, Telegram or Discord
actions, configured by Spidermon's own SPIDERMON_* settings.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from scrapy.exceptions import NotConfigured as ScrapyNotConfigured
from scrapy.utils.misc import load_object
from spidermon import Monitor, MonitorSuite, monitors
from spidermon.contrib.scrapy.extensions import Spidermon
from spidermon.contrib.scrapy.monitors.monitors import FinishReasonMonitor
from spidermon.contrib.scrapy.runners import SpiderMonitorResult, SpiderMonitorRunner
from spidermon.exceptions import NotConfigured as ActionNotConfigured

from newsbot.extensions.report import RUNS_FILE, error_rate, failure_reasons, summarize_stats

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

# NEWSBOT_ALERTS names -> Spidermon's actions (any other value: an action's class path).
ALERT_ACTIONS = {
    "email": "spidermon.contrib.actions.email.smtp.SendSmtpEmail",
    "slack": "spidermon.contrib.actions.slack.notifiers.SendSlackMessageSpiderFinished",
    "telegram": "spidermon.contrib.actions.telegram.notifiers.SendTelegramMessageSpiderFinished",
    "discord": "spidermon.contrib.actions.discord.notifiers.SendDiscordMessageSpiderFinished",
}
TEMPLATES = Path(__file__).parent / "templates"
FAILED_PREFIX = "newsbot/monitors/failed/"


# --- the run history ------------------------------------------------------------------


def source_of(spider: Spider) -> str:
    """The source a crawl ran (a feed source's name, not the ``feed`` spider's)."""
    return getattr(spider, "source", "") or spider.name


def is_dark(runs: list[dict[str, Any]], last: int) -> bool:
    """Whether the last ``last`` runs of one source (oldest first) exported nothing.
    Fewer runs than that: not (yet) dark. ``scrapy report`` flags the same."""
    return len(runs) >= last and not any(run.get("exported") for run in runs[-last:])


def recent_runs(path: Path, source: str, count: int, chunk: int = 1 << 16) -> list[dict[str, Any]]:
    """The last ``count`` recorded runs of ``source`` in runs.jsonl, oldest first.

    Reads the file from its end, so a history of months costs no more than a day's.
    """
    found: list[dict[str, Any]] = []
    if count <= 0:
        return found
    try:
        handle = path.open("rb")
    except OSError:
        return found
    with handle:
        end = handle.seek(0, os.SEEK_END)
        rest = b""
        while end > 0 and len(found) < count:
            start = max(0, end - chunk)
            handle.seek(start)
            block = handle.read(end - start) + rest
            end = start
            lines = block.split(b"\n")
            rest = lines.pop(0) if start > 0 else b""  # maybe cut: read with the next block
            for line in reversed(lines):
                run = _parse(line)
                if run is not None and run.get("source") == source:
                    found.append(run)
                    if len(found) == count:
                        break
    return found[::-1]


def _parse(line: bytes) -> dict[str, Any] | None:
    try:
        run = json.loads(line)
    except ValueError:
        return None  # an empty line, or one cut by a crash
    return run if isinstance(run, dict) else None


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


# --- monitors -----------------------------------------------------------------------


class NewsbotMonitor(Monitor):
    """A monitor of one source's run: its numbers are the run report's."""

    longMessage = False  # the message alone, not "False is not true : ..."

    @property
    def crawler(self) -> Crawler:
        return self.data.crawler

    @property
    def report(self) -> dict[str, Any]:
        return summarize_stats(dict(self.data.stats))

    def setting(self, name: str, kind: str = "get") -> Any:
        return getattr(self.crawler.settings, kind)(name)

    def skip_on_redis_workers(self) -> None:
        """A worker of a distributed crawl writes no file (``scrapy drain`` does)."""
        if redis_role(self.crawler.settings) == "worker":
            self.skipTest("a Redis worker: scrapy drain writes the files")


@monitors.name("Finish reason")
class FinishReason(FinishReasonMonitor):
    """The crawl finished for an expected reason (SPIDERMON_EXPECTED_FINISH_REASONS)."""

    longMessage = False


@monitors.name("Errors")
class Errors(NewsbotMonitor):
    @monitors.name("errors within NEWSBOT_MAX_ERROR_RATE (and NEWSBOT_MONITOR_MAX_ERRORS)")
    def test_errors(self) -> None:
        report = self.report
        if not report["errors"]:
            return
        kinds = ", ".join(f"{k}={v}" for k, v in report["error_kinds"].items())
        allowed = self.setting("NEWSBOT_MONITOR_MAX_ERRORS", "getint")
        if allowed >= 0:
            self.assertLessEqual(
                report["errors"], allowed,
                f"{plural(report['errors'], 'error')} ({kinds}); at most {allowed} allowed",
            )  # fmt: skip
        rate = self.setting("NEWSBOT_MAX_ERROR_RATE", "getfloat")
        self.assertLessEqual(
            error_rate(report), rate,
            f"{plural(report['errors'], 'error')} ({kinds}) for "
            f"{plural(report['new'], 'new article')}; at most {rate:.0%} allowed",
        )  # fmt: skip


@monitors.name("Discovered")
class Discovered(NewsbotMonitor):
    @monitors.name("the lists gave articles")
    def test_discovered(self) -> None:
        report = self.report
        # A Redis worker's run discovered what all workers of the run did.
        shared = self.data.stats.get("newsbot/redis/run_discovered") or 0
        report["discovered"] = max(report["discovered"], shared)
        least = self.setting("NEWSBOT_MONITOR_MIN_DISCOVERED", "getint")
        if report["discovered"] >= least:
            return
        # Why, as the exit status says it: network down, requests failed, or a changed site.
        report["finish_reason"] = self.data.stats.get("finish_reason")
        why = "; ".join(failure_reasons({**report, "discovered": 0}))
        why = why.removeprefix("no article discovered: ").removeprefix("no article discovered ")
        self.fail(f"{plural(report['discovered'], 'article')} discovered, at least {least} "
                  f"expected: {why}")  # fmt: skip


@monitors.name("Exported")
class Exported(NewsbotMonitor):
    @monitors.name("new articles were written")
    def test_exported(self) -> None:
        self.skip_on_redis_workers()
        report = self.report
        new = report["new"]
        if new <= 0:
            self.skipTest("no new article in this run")
        share = self.setting("NEWSBOT_MONITOR_MIN_EXPORTED_RATIO", "getfloat")
        written = report["exported"] + report["skipped_existing"]
        lost = ", ".join(f"{k}={v}" for k, v in report["dropped"].items())
        self.assertGreaterEqual(
            written / new, share,
            f"{written} of {new} new articles written (at least {share:.0%} expected); "
            f"dropped: {lost or 'none'}; errors: {report['errors']}",
        )  # fmt: skip


@monitors.name("Field coverage")
class FieldCoverage(NewsbotMonitor):
    @monitors.name("parsed articles have their fields")
    def test_field_coverage(self) -> None:
        report = self.report
        parsed = report["parsed"]
        if not parsed:
            self.skipTest("no article parsed in this run")
        rules = self.setting("NEWSBOT_MONITOR_FIELD_COVERAGE", "getdict")
        short = []
        for field, least in rules.items():
            coverage = 1 - report["missing"].get(field, 0) / parsed
            if coverage < float(least):
                short.append(f"{field} in {coverage:.0%} of {parsed} articles "
                             f"(at least {float(least):.0%})")  # fmt: skip
        self.assertFalse(short, "; ".join(short))


@monitors.name("Dark source")
class DarkSource(NewsbotMonitor):
    @monitors.name("exported something in the last NEWSBOT_DARK_RUNS runs")
    def test_not_dark(self) -> None:
        self.skip_on_redis_workers()
        last = self.setting("NEWSBOT_DARK_RUNS", "getint")
        if last < 1:
            self.skipTest("NEWSBOT_DARK_RUNS is 0")
        path = Path(self.setting("NEWSBOT_STATE_DIR")) / RUNS_FILE
        history = recent_runs(path, source_of(self.data.spider), last - 1)
        runs = [*history, self.report]
        if is_dark(runs, last):
            source = source_of(self.data.spider)
            self.fail(f"exported nothing in its last {last} runs; {last_export(path, source)}")

LOOK_BACK = 1000  # runs of one source searched for its last export (a week at 10 minutes)


def last_export(path: Path, source: str) -> str:
    """When the source last exported an article, as far as runs.jsonl remembers."""
    runs = recent_runs(path, source, LOOK_BACK)
    done = [run for run in runs if run.get("exported")]
    if done:
        at = str(done[-1].get("finished_at", "?")).replace("T", " ")[:16]
        return f"last export in the run of {at} UTC"
    return f"none in its {len(runs)} recorded runs"


class SourceMonitorSuite(MonitorSuite):
    """The monitors of one source's run (SPIDERMON_SPIDER_CLOSE_MONITORS)."""

    monitors: ClassVar[list[type]] = [
        FinishReason, Errors, Discovered, Exported, FieldCoverage, DarkSource,
    ]  # fmt: skip

    def __init__(self, *args: Any, crawler: Crawler | None = None, **kwargs: Any) -> None:
        super().__init__(*args, crawler=crawler, **kwargs)
        self.data: Any = None
        if crawler is not None:
            self.add_monitors_failed_actions(alert_actions(crawler))

    def init_data(self, data: Any) -> None:
        super().init_data(data)
        self.data = data

    def on_monitors_finished(self, result: Any) -> None:
        """Record why monitors failed: stats (runs.jsonl) and the alerts' template data."""
        failures = failure_messages(result)
        stats = self.data.crawler.stats
        for name, message in failures.items():
            stats.set_value(FAILED_PREFIX + name, message)
        self.data.meta.update(source=source_of(self.data.spider), failures=failures)


def redis_role(settings: Any) -> str:
    """"": a crawl on its own; "worker" or "writer" (scrapy drain) of a Redis crawl."""
    if not settings.get("NEWSBOT_REDIS_URL"):
        return ""
    return "writer" if settings.get("NEWSBOT_REDIS_ROLE") == "writer" else "worker"


def failure_messages(result: Any) -> dict[str, str]:
    """Each failed monitor's name and its message (not the traceback)."""
    failures = {}
    for item in result.monitors_failed_results:
        lines = [line for line in str(item.error or "").splitlines() if line.strip()]
        message = lines[-1] if lines else "failed"
        failures[item.monitor.monitor_name] = message.removeprefix("AssertionError: ")
    return failures


# --- alerts ----------------------------------------------------------------------------


def alert_actions(crawler: Crawler) -> list[Any]:
    """The Spidermon actions NEWSBOT_ALERTS names, configured (or one ERROR line each)."""
    actions = []
    for name in crawler.settings.getlist("NEWSBOT_ALERTS"):
        path = ALERT_ACTIONS.get(name.strip().lower(), name.strip())
        try:
            action_class = load_object(path)
            _add_templates()
            actions.append(action_class.from_crawler(crawler))
        except ImportError as exc:
            logger.error(
                "NEWSBOT_ALERTS: %s alerts need the alerts extra "
                "(pip install 'newsbot[alerts]'): %s", name, exc,
            )  # fmt: skip
        except (ActionNotConfigured, NameError, ValueError) as exc:
            logger.error("NEWSBOT_ALERTS: %s alerts are not configured: %s", name, exc)
    return actions


def _add_templates() -> None:
    from spidermon.templates import template_loader  # needs jinja2: the alerts extra

    template_loader.add_path(str(TEMPLATES))


# --- the extension and its log --------------------------------------------------------


class MonitorResultLog(SpiderMonitorResult):
    """Spidermon's result, logged as one line per run (per failed monitor, per failed
    alert) instead of a banner and tracebacks per monitor."""

    def finish_step(self) -> None:
        super(SpiderMonitorResult, self).finish_step()
        self.write_step_summary()

    def log(self, msg: str, level: int = logging.DEBUG) -> None:
        self.spider.logger.log(level, "[Spidermon] %s", msg)

    def write_title(self) -> None:
        pass

    def write_item_result(self, item: Any, extra: Any = None) -> None:
        self.log(f"{item.name}... {self.step[item].status}{f' ({extra})' if extra else ''}")

    def write_step_summary(self) -> None:
        source = source_of(self.spider)
        if self.step is self._step_monitors:
            failures = failure_messages(self)
            passed = len(self.monitors_passed_results)
            if not failures:
                self.log_info(f"{source}: {passed} monitors passed")
            for name, message in failures.items():
                self.log(f"{source}: monitor failed: {name}: {message}", logging.WARNING)
            return
        for result in self.step.error_results:
            lines = [line for line in str(result.error or "").splitlines() if line.strip()]
            why = lines[-1] if lines else "failed"
            self.log(f"{source}: alert {result.item.name} failed: {why}", logging.ERROR)


class MonitorRunner(SpiderMonitorRunner):
    def create_result(self) -> MonitorResultLog:
        return MonitorResultLog(self.spider)


class Monitors(Spidermon):
    """Spidermon's extension with a short log (see :class:`MonitorResultLog`); not
    in ``scrapy drain`` (the writer of a Redis crawl is no source's run)."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Monitors:
        if redis_role(crawler.settings) == "writer":
            raise ScrapyNotConfigured
        return super().from_crawler(crawler)

    def _run_suites(self, spider: Spider, suites: list[MonitorSuite]) -> None:
        data = self._generate_data_for_spider(spider)
        for suite in suites:
            MonitorRunner(spider=spider).run(suite, **data)
