"""``scrapy report --html``: the health page, a self-contained static file."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image

from newsbot.healthpage import render, source_rows
from tests.conftest import run_scrapy
from tests.support.runhistory import DARK, FAILING, NOW, SOURCES, make_runs, write_runs


def test_rows_dark_sources_first_then_failing_then_the_rest():
    rows = source_rows(make_runs(), now=NOW, days=3, dark_runs=3)
    assert [r.source for r in rows][:2] == [DARK, FAILING]
    assert [r.status for r in rows] == ["dark", "failing"] + ["ok"] * (len(SOURCES) - 2)
    dark = rows[0]
    # Its last article was exported before the lists went dark (30 runs ago).
    assert NOW - dark.last_success >= timedelta(minutes=300)
    failing = rows[1]
    assert failing.error_kinds["DownloadTimeoutError"] == 1
    assert failing.error_kinds["http_404"] >= 2
    assert len(failing.points) == 3 * 24 * 6


def test_the_page_is_self_contained_and_flags_the_dark_source():
    page = render(make_runs(), now=NOW, days=3, dark_runs=3)
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page.lower()
    # Nothing to load: no links or sources, no imports, no url() in the CSS.
    assert not re.search(r"\b(src|href)\s*=|@import|url\(", page, re.I)
    rows = re.findall(r'<tr class="source (\w+)" id="source-(\w+)"', page)
    assert rows[0] == ("dark", DARK) and rows[1] == ("failing", FAILING)
    assert page.count("<svg") == len(SOURCES)
    assert "DARK" in page and "exported nothing in its last 3 runs" in page
    assert "1 dark, 1 failing, 5 ok" in page


def test_the_page_escapes_what_the_history_says():
    runs = [{"source": "<b>x</b>", "finished_at": NOW.isoformat(), "exported": 1,
             "error_kinds": {"<i>k</i>": 1}, "errors": 1}]  # fmt: skip
    page = render(runs, now=NOW, days=1, dark_runs=3)
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page
    assert "<i>k</i>" not in page


def test_report_html_writes_the_page(tmp_path):
    state = tmp_path / "state"
    write_runs(state, make_runs())
    out = tmp_path / "site" / "report.html"
    proc = run_scrapy(["report", "-s", f"NEWSBOT_STATE_DIR={state}", "--html", str(out),
                       "--days", "3", "--check"])  # fmt: skip
    assert proc.returncode == 1, proc.stderr  # --check: a source is dark
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert f"Wrote {out}: 7 sources, 1 dark, 1 failing" in proc.stdout
    assert f"WARNING: {DARK} exported nothing in its last 3 runs" in proc.stdout


# --- in a real browser: headless Chromium ------------------------------------------

RED = (0xC6, 0x28, 0x28)  # the DARK badge and the dark row's edge


def chromium() -> str:
    """The Chromium binary (NEWSBOT_TEST_CHROMIUM may name another one): a failure
    in CI when missing (.ci/run installs it), else a skip."""
    name = os.environ.get("NEWSBOT_TEST_CHROMIUM", "chromium")
    found = shutil.which(name)
    if not found:
        reason = f"{name} not found (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI=true requires it")
        pytest.skip(reason)
    return found


def headless(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    command = [
        chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-dev-shm-usage", "--hide-scrollbars", "--window-size=1280,900",
        f"--user-data-dir={tmp_path / 'chromium-profile'}", *args,
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_the_page_in_headless_chromium(tmp_path):
    state = tmp_path / "state"
    write_runs(state, make_runs())
    page = tmp_path / "report.html"
    proc = run_scrapy(["report", "-s", f"NEWSBOT_STATE_DIR={state}", "--html", str(page),
                       "--days", "3"])  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    url = page.resolve().as_uri()

    # It renders: the DOM Chromium built has every source's row, the dark one first.
    dom = headless(tmp_path, "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr
    rows = re.findall(r'<tr class="source (\w+)" id="source-(\w+)">', dom.stdout)
    assert len(rows) == len(SOURCES) and rows[0] == ("dark", DARK), rows
    assert '<span class="badge dark">DARK</span>' in dom.stdout
    assert dom.stdout.count("<svg") == len(SOURCES)

    # A screenshot under the test's folder, with the dark flag drawn near the top.
    shot = tmp_path / "health.png"
    taken = headless(tmp_path, f"--screenshot={shot}", url)
    assert taken.returncode == 0 and shot.is_file(), taken.stderr
    with Image.open(shot) as image:
        image = image.convert("RGB")
        assert image.size == (1280, 900)
        height = image.size[1]
        red_rows = {y for y in range(height) for x in range(0, 80, 2)
                    if image.getpixel((x, y)) == RED}  # fmt: skip
        # The dark row's red edge: drawn, and the first row of the table (top third).
        assert red_rows and min(red_rows) < height // 3, sorted(red_rows)[:5]
        colours = image.getcolors(maxcolors=1 << 16) or []
        assert len(colours) > 20  # text, charts and badges, not a blank page
