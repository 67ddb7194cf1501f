"""Writes: a killed writer never leaves a partial .md; failed writes are loud."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import frontmatter

from newsbot.exporter import TEMP_PREFIX, remove_stale_temp_files
from tests.test_e2e_qq import CHANNELS

WRITER = """
import sys
from newsbot.exporter import MarkdownExporter
from newsbot.items import Article
exporter = MarkdownExporter(sys.argv[1])
body = "段落。" * 200_000  # ~1.8 MB per file: writes take long enough to be interrupted
for n in range(10_000):
    exporter.export(Article(id=f"a{n}", url=f"https://e.example/{n}", source="s", lang="en",
                            title=f"t{n}", date="2025-01-01 00:00:00", body=body))
"""


def test_sigkill_at_any_point_leaves_only_whole_files(tmp_path):
    for delay in (0.3, 0.55, 0.8, 1.1):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)])
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    files = list(tmp_path.rglob("*.md"))
    assert files, "the writer wrote nothing before being killed"
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert text.endswith(f"[s](https://e.example/{path.name.split('.')[0][1:]})\n"), path
        assert frontmatter.loads(text)["title"].startswith("t")
    temps = list(tmp_path.rglob(f"{TEMP_PREFIX}*"))
    assert remove_stale_temp_files(tmp_path, min_age=0) == len(temps)
    assert not list(tmp_path.rglob(f"{TEMP_PREFIX}*"))


def test_unwritable_export_folder_is_one_error_per_article_and_a_failed_run(crawl, tmp_path):
    export = tmp_path / "exports"
    export.mkdir()
    (export / "zh-CN").write_text("a file where the language folder should be")
    result = crawl("qq", *CHANNELS, export_dir=export)
    assert result.returncode == 1
    errors = [line for line in result.log.splitlines() if "Could not write" in line]
    assert len(errors) == 6 and "Traceback" not in result.log
    assert result.stats["newsbot/dropped/write_failed"] == 6
    assert (export / "zh-CN").read_text() == "a file where the language folder should be"
