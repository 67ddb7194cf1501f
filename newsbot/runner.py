"""What the crawl, crawlall and render commands share around running crawlers:
the checks before a run (usage errors), the lock on the export folder, the
site-repo commit, the exit status.

Exit statuses, the same for ``scrapy crawl`` and ``scrapy crawlall`` (README,
"Exit statuses"): 0 every source fine; 1 a source failed (see
``failure_reasons``), Redis or the commit failed; 2 a usage error found before
any request (``usage_problems``); 75 another run holds the export folder.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

from filelock import FileLock, Timeout
from scrapy.settings import SETTINGS_PRIORITIES

from newsbot import images
from newsbot.distributed.addon import WRITER
from newsbot.extensions.report import CrawlReport, failure_reasons
from newsbot.extensions.state import ExportState
from newsbot.sitegit import GitError, commit_written
from newsbot.store import state_key

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler, CrawlerProcessBase
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

EXIT_FAILED = 1
EXIT_BAD_ARGUMENT = 2
EXIT_LOCKED = 75  # EX_TEMPFAIL: another run holds the export folder; try later


# Errors that make a run fail whatever else it did.
FAILING_ERRORS = (
    "newsbot/errors/write",
    "newsbot/errors/item",
    "newsbot/errors/store",
    "newsbot/errors/path_taken",
)


class RunLocked(RuntimeError):
    pass


class LockUnavailable(RuntimeError):
    """The lock file cannot be made (the state folder is a file, read-only, full)."""


@contextmanager
def export_lock(settings: BaseSettings) -> Iterator[Path]:
    """Hold the lock of NEWSBOT_EXPORT_DIR (a file in NEWSBOT_STATE_DIR) for a run.

    Waits up to NEWSBOT_LOCK_WAIT seconds for another run to finish, then raises
    RunLocked. The OS releases the lock if the process dies (filelock: flock).
    """
    export_dir = settings.get("NEWSBOT_EXPORT_DIR")
    state_dir = Path(settings.get("NEWSBOT_STATE_DIR"))
    path = state_dir / f"run-{state_key(export_dir)}.lock"
    holder = path.with_suffix(".pid")  # who holds it, for the message of the next run
    lock = FileLock(path, timeout=max(settings.getfloat("NEWSBOT_LOCK_WAIT"), 0))
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
        lock.acquire(poll_interval=0.2)
    except Timeout:
        pid = holder.read_text().strip() if holder.exists() else ""
        raise RunLocked(
            f"another newsbot run (pid {pid or 'unknown'}) is writing to {export_dir}; "
            f"lock file {path}. Wait for it, or set NEWSBOT_LOCK_WAIT to wait longer."
        ) from None
    except OSError as exc:
        raise LockUnavailable(f"cannot make the lock file {path}: {exc}") from None
    try:
        holder.write_text(str(os.getpid()))
        yield path
    finally:
        lock.release()


def writes_files(settings: BaseSettings) -> bool:
    """Whether a crawler writes into NEWSBOT_EXPORT_DIR: every one without Redis;
    with NEWSBOT_REDIS_URL only the writer (``scrapy drain``), the workers push
    their items to Redis (and run side by side, even on one machine)."""
    return not settings.get("NEWSBOT_REDIS_URL") or settings.get("NEWSBOT_REDIS_ROLE") == WRITER


def redis_unavailable(settings: BaseSettings) -> str:
    """Why NEWSBOT_REDIS_URL (when set) cannot be used, or ''."""
    if not settings.get("NEWSBOT_REDIS_URL"):
        return ""
    from newsbot.distributed.connection import RedisUnavailable, check_redis

    try:
        check_redis(settings)
    except RedisUnavailable as exc:
        return str(exc)
    return ""


def usage_problems(
    settings: BaseSettings, spiders: list[tuple[type[Spider], dict[str, Any]]] = ()
) -> list[str]:
    """Why a run cannot start (empty: it can), found before any crawler is made:
    unusable NEWSBOT_* values (newsbot.validation) and spider arguments. Unknown
    NEWSBOT_* names are a warning each."""
    from newsbot.validation import check_settings, unknown_settings

    for line in unknown_settings(settings):
        logger.warning("%s", line)
    problems = [f"bad setting {problem}" for problem in check_settings(settings)]
    for spidercls, kwargs in spiders:
        check = getattr(spidercls, "check_arguments", None)
        problem = check(settings, kwargs) if check else ""
        if problem:
            problems.append(f"{spidercls.name}: {problem}" if len(spiders) > 1 else problem)
    return problems


def report_usage_problems(problems: list[str]) -> int:
    """Print the usage problems, one ``newsbot: <problem>`` line each on stderr (as
    every command does, newsbot.validation); the exit status 2."""
    for problem in problems:
        print(f"newsbot: {problem}", file=sys.stderr, flush=True)
    return EXIT_BAD_ARGUMENT


def apply_deadline(settings: BaseSettings) -> None:
    """NEWSBOT_MAX_TIME as each source's CLOSESPIDER_TIMEOUT, unless that is given on
    the command line (``-s CLOSESPIDER_TIMEOUT``, ``crawlall --max-time``)."""
    if (settings.getpriority("CLOSESPIDER_TIMEOUT") or 0) >= SETTINGS_PRIORITIES["cmdline"]:
        return
    try:
        deadline = settings.getfloat("NEWSBOT_MAX_TIME")
    except ValueError:
        return  # usage_problems reports it
    settings.set("CLOSESPIDER_TIMEOUT", max(deadline, 0), priority="project")


def run_sources(process: CrawlerProcessBase, crawlers: list[Crawler]) -> int:
    """``run_crawlers`` for crawl and crawlall: also a source that failed makes the
    status 1, with one line per failed source and one summary line."""
    status = run_crawlers(process, crawlers)
    failures = source_failures(crawlers) if status != EXIT_LOCKED else {}
    for source, reasons in failures.items():
        print(f"newsbot: source {source} FAILED: {'; '.join(reasons)}", flush=True)
    if failures and not status:
        status = EXIT_FAILED
    if status not in (EXIT_LOCKED, EXIT_BAD_ARGUMENT) and crawlers:
        print(f"newsbot: {summary(crawlers, failures)}; exit status {status}", flush=True)
    return status


def summary(crawlers: list[Crawler], failures: dict[str, list[str]]) -> str:
    exported = 0
    for crawler in crawlers:
        try:
            exported += CrawlReport.of(crawler).report.get("exported", 0)
        except RuntimeError:
            pass
    ok = len(crawlers) - len(failures)
    failed = f", {len(failures)} failed ({', '.join(failures)})" if failures else ""
    written = plural(exported, "article")
    return f"{plural(len(crawlers), 'source')}: {ok} ok{failed}; {written} written"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def run_crawlers(process: CrawlerProcessBase, crawlers: list[Crawler]) -> int:
    """Start the crawlers under the export lock (if they write files), commit what
    they wrote if asked, and return the exit status: 0, or why the run failed."""
    settings = process.settings
    problem = redis_unavailable(settings)
    if problem:
        # Before anything started: no request made, no file or Redis key written.
        logger.error("%s", problem)
        print(f"newsbot: {problem}", flush=True)
        return EXIT_FAILED
    lock = export_lock(settings) if any(writes_files(c.settings) for c in crawlers) else None
    try:
        with lock or nullcontext():
            process.start()
            status = git_commit(settings, crawlers)
    except RunLocked as exc:
        logger.error("%s", exc)
        print(f"newsbot: {exc}", flush=True)
        return EXIT_LOCKED
    except LockUnavailable as exc:
        logger.error("%s", exc)
        print(f"newsbot: {exc}", flush=True)
        return EXIT_FAILED
    if process.bootstrap_failed:
        return EXIT_FAILED
    if any(c.stats.get_value("newsbot/redis/writer_locked") for c in crawlers):
        return EXIT_LOCKED  # another scrapy drain writes this site
    if any(c.stats.get_value("newsbot/errors/redis") for c in crawlers):
        return EXIT_FAILED  # Redis failed during the run (its work resumes later)
    if any(c.stats.get_value("newsbot/errors/bad_argument") for c in crawlers):
        return EXIT_BAD_ARGUMENT
    if any(c.stats.get_value(key) for c in crawlers for key in FAILING_ERRORS):
        # Files that should exist do not (disk full, read-only ...), or an item failed
        # in the pipeline (its state not recorded): the next run tries again.
        return EXIT_FAILED
    return status


def git_commit(settings: BaseSettings, crawlers: list[Crawler]) -> int:
    if not settings.getbool("NEWSBOT_GIT_COMMIT"):
        return 0
    written: list[tuple[str, Path]] = []
    for crawler in crawlers:
        written.extend(ExportState.of(crawler).written)
    folders = [images.static_dir(settings)] if images.images_mode(settings) == images.STATIC else []
    try:
        commit = commit_written(Path(settings.get("NEWSBOT_EXPORT_DIR")), written, folders)
    except GitError as exc:
        logger.error("Files are written but not committed: %s", exc)
        return EXIT_FAILED
    if commit:
        logger.info("Committed %s", commit)
    else:
        logger.info("Nothing new: no commit")
    return 0


def source_failures(crawlers: list[Crawler]) -> dict[str, list[str]]:
    """Per source, why its run failed (sources that did fine are left out)."""
    failures = {}
    for crawler in crawlers:
        try:
            report = CrawlReport.of(crawler).report
        except RuntimeError:
            continue  # never started (Redis unreachable): the exit status says why
        shared = crawler.stats.get_value("newsbot/redis/run_discovered") if report else None
        if shared:
            # A worker of a distributed run: its source discovered what all workers did.
            report = {**report, "discovered": max(report["discovered"], shared)}
        rate = crawler.settings.getfloat("NEWSBOT_MAX_ERROR_RATE")
        reasons = failure_reasons(report, rate) if report else ["did not run to the end"]
        if (
            crawler.spider
            and report
            and report.get("finish_reason")
            not in (
                "finished",
                "closespider_timeout",
            )
        ):
            reasons.append(f"finish reason {report['finish_reason']}")
        if reasons:
            failures[report.get("source") or crawler.spidercls.name] = reasons
    return failures
