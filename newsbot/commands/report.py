"""``scrapy report``: the recent runs per source, from {NEWSBOT_STATE_DIR}/runs.jsonl.

Flags a source that exported nothing in its last ``--stale`` runs (default
NEWSBOT_DARK_RUNS, as the monitors); with ``--check`` that also makes the exit
status 1 (for monitoring). ``--html PATH`` writes the health page instead of the
table (newsbot/healthpage.py).
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from newsbot import healthpage
from newsbot.extensions.report import RUNS_FILE
from newsbot.monitors import is_dark

if TYPE_CHECKING:
    import argparse

COLUMNS = (
    ("finished_at", "finished (UTC)"),
    ("source", "source"),
    ("discovered", "discovered"),
    ("new", "new"),
    ("exported", "exported"),
    ("skipped_existing", "existing"),
    ("dropped", "dropped"),
    ("errors", "errors"),
    ("duration_s", "seconds"),
    ("finish_reason", "finish"),
)


def read_runs(path: Path) -> list[dict[str, Any]]:
    """The runs of ``runs.jsonl``; a line that is not UTF-8 JSON (cut by a crash,
    damaged on disk) is skipped with a warning naming its number."""
    runs = []
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, 1):
            try:
                run = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError:
                warn(path, number, "not UTF-8")
                continue
            except (ValueError, RecursionError):
                if raw.strip():
                    warn(path, number, "not JSON")
                continue  # the others still count
            if isinstance(run, dict) and isinstance(run.get("source"), str):
                runs.append(run)
    return runs


def warn(path: Path, number: int, why: str) -> None:
    print(f"WARNING: {path} line {number} skipped: {why}", file=sys.stderr)


def cell(run: dict[str, Any], key: str) -> str:
    value = run.get(key, "")
    if isinstance(value, dict):
        return str(sum(value.values()))
    if key == "finished_at":
        return str(value).replace("T", " ")[:19]
    return str(value)


def table(runs: list[dict[str, Any]]) -> str:
    rows = [[title for _, title in COLUMNS]] + [[cell(r, k) for k, _ in COLUMNS] for r in runs]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    return "\n".join(
        "  ".join(value.ljust(width) for value, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


def stale_sources(runs: list[dict[str, Any]], last: int) -> list[str]:
    by_source: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for run in runs:
        by_source[run["source"]].append(run)
    return sorted(
        source
        for source, history in by_source.items()
        if is_dark(history, last)
    )


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "[options]"

    def short_desc(self) -> str:
        return "Print the recent runs per source and flag sources that produce nothing"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--runs", type=int, default=20, help="how many recent runs to show")
        parser.add_argument(
            "--stale", type=int, default=None, metavar="N",
            help="flag sources that exported nothing in their last N runs "
            "(default: NEWSBOT_DARK_RUNS)",
        )  # fmt: skip
        parser.add_argument("--html", metavar="PATH", help="write the health page to PATH")
        parser.add_argument(
            "--days", type=float, default=7,
            help="days of history the health page charts (default 7)",
        )  # fmt: skip
        parser.add_argument("--check", action="store_true", help="exit 1 when a source is flagged")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if opts.stale is None:
            opts.stale = self.settings.getint("NEWSBOT_DARK_RUNS") or 3
        if opts.runs < 1 or opts.stale < 1:
            raise UsageError("--runs and --stale must be at least 1")
        if opts.days <= 0:
            raise UsageError("--days must be more than 0")
        path = Path(self.settings.get("NEWSBOT_STATE_DIR")) / RUNS_FILE
        if not path.is_file() and not opts.html:
            print(f"No runs recorded yet ({path} does not exist).")
            return
        runs = read_runs(path) if path.is_file() else []
        if opts.html:  # a page even before the first run: "0 sources"
            counts = healthpage.write(
                Path(opts.html), runs, days=opts.days, dark_runs=opts.stale,
                expected_finish=tuple(self.settings.getlist("SPIDERMON_EXPECTED_FINISH_REASONS")),
            )  # fmt: skip
            print(f"Wrote {opts.html}: {counts['sources']} sources, {counts['dark']} dark, "
                  f"{counts['failing']} failing")  # fmt: skip
        else:
            print(table(runs[-opts.runs :]))
        flagged = stale_sources(runs, opts.stale)
        for source in flagged:
            print(f"WARNING: {source} exported nothing in its last {opts.stale} runs")
        if flagged and opts.check:
            self.exitcode = 1
