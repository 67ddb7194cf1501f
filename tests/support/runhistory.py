"""A made-up runs.jsonl: a few sources crawled every ten minutes for some days, one
of them dark for its last runs, one failing with errors (tests, README screenshot)."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

NOW = datetime.fromisoformat("2026-12-06T06:00:00+00:00")
SOURCES = ("ifeng", "netease", "people", "qq", "sina", "thepaper", "xinhua")
DARK = "people"  # its lists stopped giving articles 5 hours ago
FAILING = "sina"  # its last run had 404s


def make_runs(now: datetime = NOW, days: int = 3, every_min: int = 10) -> list[dict[str, Any]]:
    rand = random.Random(18)
    runs = []
    count = days * 24 * 60 // every_min
    for step in range(count, 0, -1):
        at = now - timedelta(minutes=step * every_min)
        for source in SOURCES:
            hour = (at.hour + 8) % 24  # Beijing time: quieter at night
            busy = 0.15 if hour < 7 else 0.6
            new = sum(rand.random() < busy for _ in range(6))
            errors = {"http_404": 1} if rand.random() < 0.03 else {}
            discovered = 20
            if source == DARK and step <= 30:
                discovered = new = 0
            if source == FAILING and step == 1:
                errors = {"http_404": 2, "DownloadTimeoutError": 1}
            exported = max(0, new - sum(errors.values()))
            runs.append({
                "source": source, "finished_at": at.isoformat(timespec="seconds"),
                "discovered": discovered, "new": new, "exported": exported,
                "skipped_existing": 0, "skipped": {}, "dropped": {},
                "errors": sum(errors.values()), "error_kinds": errors,
                "duration_s": round(rand.uniform(1, 9), 1), "finish_reason": "finished",
                "parsed": exported, "missing": {},
                "monitors_failed": {"Discovered": "0 articles discovered, at least 1 "
                                    "expected: the lists were fetched but gave none: "
                                    "has the site changed?"} if not discovered else {},
            })  # fmt: skip
    return runs


def write_runs(state_dir: Path, runs: list[dict[str, Any]]) -> Path:
    state_dir.mkdir(parents=True, exist_ok=True)
    path = state_dir / "runs.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in runs), encoding="utf-8")
    return path
