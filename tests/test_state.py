"""What the per-crawl state keeps."""

from __future__ import annotations

from pathlib import Path

from newsbot.extensions.state import ExportState
from tests.conftest import make_crawler


def test_written_files_are_kept_only_for_the_site_commit(tmp_path):
    """A crawl without NEWSBOT_GIT_COMMIT keeps nothing per article in memory."""
    path = Path("zh-CN/news/qq/x.zh-CN.md")
    for commit, expected in ((False, []), (True, [("qq", path)])):
        state = ExportState(
            make_crawler(NEWSBOT_STATE_DIR=str(tmp_path), NEWSBOT_GIT_COMMIT=commit)
        )
        state.wrote("qq", path)
        assert state.written == expected
