"""The health page: ``scrapy report --html report.html``.

One static, self-contained HTML file (inline CSS and SVG; no script, font, image
or anything else to load): a row per source with its last run, a chart of the
articles it exported per run over the last days, its errors by kind and its last
success; dark sources first, then failing ones. Built from runs.jsonl, on the
numbers ``scrapy report`` and the monitors use.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path
from typing import Any

from newsbot.extensions.report import failure_reasons
from newsbot.monitors import is_dark

STATUS_ORDER = {"dark": 0, "failing": 1, "ok": 2}
EXPECTED_FINISH = ("finished", "closespider_timeout")
CHART_W, CHART_H, MAX_BARS = 240, 40, 144


@dataclass
class Point:
    at: datetime
    exported: int
    bad: bool  # the run failed (errors, nothing discovered, a monitor)


@dataclass
class SourceRow:
    source: str
    status: str  # dark | failing | ok
    why: list[str]
    last: dict[str, Any]
    last_at: datetime | None
    last_success: datetime | None
    points: list[Point] = field(default_factory=list)
    error_kinds: Counter[str] = field(default_factory=Counter)


def finished_at(run: dict[str, Any]) -> datetime | None:
    try:
        at = datetime.fromisoformat(str(run.get("finished_at", "")))
    except ValueError:
        return None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def run_problems(run: dict[str, Any], expected_finish: tuple[str, ...]) -> list[str]:
    """Why a recorded run failed: its failed monitors' messages or, when none failed
    (or they were off), the run report's reasons."""
    failed = run.get("monitors_failed") or {}
    if failed:
        return [f"{name}: {message}" for name, message in failed.items()]
    report = {"errors": 0, "error_kinds": {}, "discovered": 0, **run}
    reasons = failure_reasons(report)
    reason = run.get("finish_reason")
    if reason and reason not in expected_finish:
        reasons.append(f"finish reason {reason}")
    return reasons


def source_rows(
    runs: list[dict[str, Any]],
    *,
    now: datetime,
    days: float,
    dark_runs: int,
    expected_finish: tuple[str, ...] = EXPECTED_FINISH,
) -> list[SourceRow]:
    by_source: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for run in runs:
        by_source[str(run["source"])].append(run)
    start = now - timedelta(days=days)
    rows = []
    for source, history in by_source.items():
        last = history[-1]
        why = run_problems(last, expected_finish)
        if dark_runs > 0 and is_dark(history, dark_runs):
            status = "dark"
            if not any(w.startswith("Dark source:") for w in why):
                why.insert(0, f"Dark source: exported nothing in its last {dark_runs} runs")
        else:
            status = "failing" if why else "ok"
        success = next((r for r in reversed(history) if r.get("exported")), None)
        row = SourceRow(
            source, status, why, last, finished_at(last), finished_at(success) if success else None
        )
        for run in history:
            at = finished_at(run)
            if at is None or at < start or at > now:
                continue
            row.points.append(Point(at, int(run.get("exported") or 0),
                                    bool(run_problems(run, expected_finish))))  # fmt: skip
            row.error_kinds.update(run.get("error_kinds") or {})
        rows.append(row)
    rows.sort(key=lambda r: (STATUS_ORDER[r.status], r.source))
    return rows


def ago(at: datetime | None, now: datetime) -> str:
    if at is None:
        return "never"
    seconds = max(0, (now - at).total_seconds())
    if seconds < 3600:
        return f"{seconds / 60:.0f} min ago"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.0f} h ago"
    return f"{seconds / 86400:.0f} days ago"


def when(at: datetime | None) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if at else "—"


def chart(points: list[Point], now: datetime, days: float) -> str:
    """Articles exported per run as bars (runs put together when there are many);
    red bars: runs that failed."""
    span = timedelta(days=days).total_seconds()
    bars = MAX_BARS if len(points) > MAX_BARS else max(len(points), 1)
    exported = [0] * bars
    bad = [False] * bars
    used = [False] * bars
    for point in points:
        slot = int((1 - (now - point.at).total_seconds() / span) * bars) if span else 0
        slot = min(max(slot, 0), bars - 1)
        exported[slot] += point.exported
        bad[slot] |= point.bad
        used[slot] = True
    top = max(exported) or 1
    width = CHART_W / bars
    parts = []
    for i in range(bars):
        if not used[i]:
            continue
        height = max(1.0, exported[i] / top * (CHART_H - 12)) if exported[i] else 1.0
        colour = "#c62828" if bad[i] else ("#1565c0" if exported[i] else "#9e9e9e")
        parts.append(
            f'<rect x="{i * width:.1f}" y="{CHART_H - height:.1f}" '
            f'width="{max(width - 0.4, 0.6):.1f}" height="{height:.1f}" fill="{colour}">'
            f"<title>{exported[i]} exported{' (failed)' if bad[i] else ''}</title></rect>"
        )
    label = f'<text x="{CHART_W}" y="9" text-anchor="end" class="max">max {max(exported)}</text>'
    return (
        f'<svg class="chart" width="{CHART_W}" height="{CHART_H}" '
        f'viewBox="0 0 {CHART_W} {CHART_H}" role="img" '
        f'aria-label="articles exported per run, last {days:g} days">'
        f"{label}{''.join(parts)}</svg>"
    )


CSS = """
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px;
       color: #212121; background: #fafafa; }
h1 { font-size: 20px; margin: 0 0 4px; }
.summary { margin: 0 0 16px; color: #555; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; vertical-align: top; padding: 8px 10px;
         border-bottom: 1px solid #e0e0e0; }
th { font-size: 12px; text-transform: uppercase; color: #616161; background: #f5f5f5; }
tr.dark { background: #ffebee; box-shadow: inset 6px 0 #c62828; }
tr.failing { background: #fff8e1; box-shadow: inset 6px 0 #f9a825; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px;
         font-weight: 700; color: #fff; }
.badge.dark { background: #c62828; } .badge.failing { background: #ef6c00; }
.badge.ok { background: #2e7d32; }
.name { font-weight: 700; font-size: 15px; margin-right: 6px; }
.why { margin: 4px 0 0; padding-left: 18px; color: #b71c1c; font-size: 13px; }
.muted { color: #757575; font-size: 12px; }
.max { font-size: 9px; fill: #757575; }
td.when { white-space: nowrap; }
.kinds { font-size: 13px; } .kinds span { white-space: nowrap; margin-right: 8px; }
"""


def render(
    runs: list[dict[str, Any]],
    *,
    now: datetime | None = None,
    days: float = 7,
    dark_runs: int = 3,
    expected_finish: tuple[str, ...] = EXPECTED_FINISH,
) -> str:
    now = now or datetime.now(UTC)
    rows = source_rows(runs, now=now, days=days, dark_runs=dark_runs,
                       expected_finish=expected_finish)  # fmt: skip
    return page(rows, now=now, days=days, dark_runs=dark_runs)


def page(rows: list[SourceRow], *, now: datetime, days: float, dark_runs: int) -> str:
    counts = Counter(r.status for r in rows)
    body = []
    for row in rows:
        last = row.last
        why = "".join(f"<li>{escape(w)}</li>" for w in row.why)
        kinds = "".join(
            f"<span>{escape(k)} ×{v}</span>" for k, v in row.error_kinds.most_common()
        ) or '<span class="muted">none</span>'
        body.append(
            f'<tr class="source {row.status}" id="source-{escape(row.source)}">'
            f'<td><span class="name">{escape(row.source)}</span>'
            f'<span class="badge {row.status}">{row.status.upper()}</span>'
            f'{f"<ul class=why>{why}</ul>" if why else ""}</td>'
            f"<td class=when>{when(row.last_at)}<div class=muted>{ago(row.last_at, now)} · "
            f"{escape(str(last.get('finish_reason', '')))}</div>"
            f"<div class=muted>discovered {int(last.get('discovered') or 0)} · "
            f"new {int(last.get('new') or 0)} · exported {int(last.get('exported') or 0)} · "
            f"errors {int(last.get('errors') or 0)}</div></td>"
            f"<td>{chart(row.points, now, days)}"
            f"<div class=muted>{len(row.points)} runs, "
            f"{sum(p.exported for p in row.points)} articles</div></td>"
            f'<td class="kinds">{kinds}</td>'
            f"<td class=when>{when(row.last_success)}"
            f"<div class=muted>{ago(row.last_success, now)}</div></td>"
            "</tr>"
        )
    summary = (
        f"{len(rows)} sources: {counts['dark']} dark, {counts['failing']} failing, "
        f"{counts['ok']} ok · generated {when(now)} · charts: the last {days:g} days "
        f"(blue: articles exported per run, red: failed runs) · dark: nothing exported "
        f"in {dark_runs} runs in a row"
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>newsbot health: {counts['dark']} dark, {counts['failing']} failing</title>"
        f"<style>{CSS}</style></head><body>"
        f'<h1>newsbot health</h1><p class="summary">{summary}</p>'
        "<table><thead><tr><th>source</th><th>last run</th>"
        f"<th>exported per run</th><th>errors by kind ({days:g} days)</th>"
        "<th>last success</th></tr></thead><tbody>"
        + "".join(body)
        + "</tbody></table></body></html>\n"
    )


def write(
    path: Path,
    runs: list[dict[str, Any]],
    *,
    now: datetime | None = None,
    days: float = 7,
    dark_runs: int = 3,
    expected_finish: tuple[str, ...] = EXPECTED_FINISH,
) -> dict[str, int]:
    """Write the page (atomically: a web server may be serving it); counts per status."""
    now = now or datetime.now(UTC)
    rows = source_rows(runs, now=now, days=days, dark_runs=dark_runs,
                       expected_finish=expected_finish)  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_text(page(rows, now=now, days=days, dark_runs=dark_runs), encoding="utf-8")
    temp.replace(path)
    counts = Counter(r.status for r in rows)
    return {"sources": len(rows), **{s: counts[s] for s in STATUS_ORDER}}
