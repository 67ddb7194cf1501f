"""File naming and the atomic, non-clobbering write."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import frontmatter
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsbot.exporter import (
    ExportPathError,
    MarkdownExporter,
    WriteResult,
    remove_stale_temp_files,
    safe_component,
)
from newsbot.items import Article


def article(**kw) -> Article:
    values = dict(
        id="20250210A06D7U00",
        url="https://new.qq.com/rain/a/20250210A06D7U00",
        source="qq",
        lang="zh-CN",
        title="标题",
        date="2025-02-10 17:29:04",
        summary="摘要",
        body="正文",
    )
    values.update(kw)
    return Article(**values)


def test_default_path(tmp_path):
    path = MarkdownExporter(tmp_path).file_path(article())
    assert path == tmp_path / "zh-CN/news/qq/20250210A06D7U00.zh-CN.md"


def test_template_setting(tmp_path):
    exporter = MarkdownExporter(tmp_path, "{source}/{id}.md")
    assert exporter.file_path(article()) == tmp_path / "qq/20250210A06D7U00.md"


@pytest.mark.parametrize("template", ["../{id}.md", "/etc/{id}", "{nope}.md", "{0}.md"])
def test_bad_templates_are_refused(tmp_path, template):
    with pytest.raises(ExportPathError, match="NEWSBOT_PATH_TEMPLATE"):
        MarkdownExporter(tmp_path, template).file_path(article())


def test_a_symlinked_folder_inside_the_export_dir_is_written_through(tmp_path):
    """The path check is lexical: linking a section elsewhere is the user's choice."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "zh-CN").symlink_to(elsewhere, target_is_directory=True)
    result, path = MarkdownExporter(tmp_path / "content").export(article())
    assert result is WriteResult.WRITTEN
    assert (elsewhere / "news/qq/20250210A06D7U00.zh-CN.md").read_text() == path.read_text()


def test_files_get_the_usual_mode_and_no_temporary_file_stays(tmp_path):
    umask = os.umask(0o022)
    try:
        _, path = MarkdownExporter(tmp_path).export(article())
    finally:
        os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o644  # not mkstemp's 0600: the site's server reads it
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_id_without_value_uses_md5_of_title_and_date(tmp_path):
    path = MarkdownExporter(tmp_path).file_path(article(id=""))
    digest = hashlib.md5("标题2025-02-10 17:29:04".encode()).hexdigest()
    assert path.name == f"{digest}.zh-CN.md"


def test_site_rule_removes_reserved_characters():
    assert safe_component('a\\b/c*d?e:f"g<h>i|j', "x") == "abcdefghij"
    assert safe_component("..", "fallback") == "fallback"
    assert safe_component("CON", "fallback") == "fallback"


@settings(max_examples=500, deadline=None)
@given(st.text(min_size=0, max_size=400), st.text(max_size=50))
def test_any_id_and_source_stay_inside_the_export_dir(tmp_path_factory, item_id, source):
    root = tmp_path_factory.getbasetemp() / "exports"
    path = MarkdownExporter(root).file_path(article(id=item_id, source=source))
    assert path.is_relative_to(root.resolve())
    assert all(len(part.encode()) <= 255 for part in path.relative_to(root.resolve()).parts)


def test_write_reads_back(tmp_path):
    exporter = MarkdownExporter(tmp_path)
    result, path = exporter.export(article(title='He said "hi"\\'))
    assert result is WriteResult.WRITTEN
    post = frontmatter.load(path)
    assert post["title"] == 'He said "hi"\\' and post["summary"] == "摘要"
    assert list(path.parent.iterdir()) == [path]  # no temporary file left


def test_existing_file_is_not_overwritten(tmp_path):
    exporter = MarkdownExporter(tmp_path)
    _, path = exporter.export(article(title="first"))
    result, _ = exporter.export(article(title="second"))
    assert result is WriteResult.SKIPPED_EXISTING
    assert frontmatter.load(path)["title"] == "first"


def test_overwrite_when_asked(tmp_path):
    MarkdownExporter(tmp_path).export(article(title="first"))
    result, path = MarkdownExporter(tmp_path, overwrite=True).export(article(title="second"))
    assert result is WriteResult.OVERWRITTEN and frontmatter.load(path)["title"] == "second"


def test_stale_temp_files_are_removed_fresh_ones_kept(tmp_path):
    folder = tmp_path / "zh-CN" / "news" / "qq"
    folder.mkdir(parents=True)
    old, new = folder / ".newsbot-old.tmp", folder / ".newsbot-new.tmp"
    old.write_text("partial")
    new.write_text("partial")
    an_hour_ago = time.time() - 3600
    os.utime(old, (an_hour_ago, an_hour_ago))
    assert remove_stale_temp_files(tmp_path) == 1
    assert not old.exists() and new.exists()


def test_failed_write_leaves_no_partial_file(tmp_path, monkeypatch):
    exporter = MarkdownExporter(tmp_path)

    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="No space"):
        exporter.export(article())
    folder = Path(tmp_path / "zh-CN/news/qq")
    assert list(folder.iterdir()) == []
