"""Feeding the site repository: the git commit per run and the export-folder lock."""

from __future__ import annotations

import subprocess
import time

import pytest

from tests.support.sites.qq import qq_add_article
from tests.test_e2e_qq import CHANNELS


def git(repo, *args) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True,
                          text=True).stdout.rstrip("\n")  # fmt: skip


@pytest.fixture
def site_repo(tmp_path):
    repo = tmp_path / "site"
    (repo / "content").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "editor@example.com")
    git(repo, "config", "user.name", "Editor")
    (repo / "hugo.toml").write_text('title = "site"\n')
    git(repo, "add", "hugo.toml")
    git(repo, "commit", "-qm", "site")
    return repo


def test_one_commit_with_exactly_the_new_files(crawl, site, site_repo):
    (site_repo / "hugo.toml").write_text('title = "edited, not committed"\n')
    (site_repo / "content" / "draft.md").write_text("the editor's own draft\n")
    result = crawl("qq", *CHANNELS, export_dir=site_repo / "content", NEWSBOT_GIT_COMMIT=True)
    assert result.returncode == 0, result.log
    assert git(site_repo, "rev-list", "--count", "HEAD") == "2"
    committed = git(site_repo, "show", "--name-only", "--format=%s%n%b", "HEAD").splitlines()
    assert committed[0] == "newsbot: 6 new or updated articles" and "qq: 6" in committed
    files = [line for line in committed if line.startswith("content/")]
    assert len(files) == 6 and all(f.startswith("content/zh-CN/news/qq/") for f in files)
    status = git(site_repo, "status", "--porcelain")
    assert status.splitlines() == [" M hugo.toml", "?? content/draft.md"]

    again = crawl("qq", *CHANNELS, export_dir=site_repo / "content", NEWSBOT_GIT_COMMIT=True)
    assert "Nothing new: no commit" in again.log
    assert git(site_repo, "rev-list", "--count", "HEAD") == "2"

    qq_add_article(site, "20261123A0NEW100", "新文章一：城市更新项目启动")
    crawl("qq", *CHANNELS, export_dir=site_repo / "content", NEWSBOT_GIT_COMMIT=True)
    assert git(site_repo, "show", "--name-only", "--format=", "HEAD").splitlines() == [
        "content/zh-CN/news/qq/20261123A0NEW100.zh-CN.md"
    ]


def test_detached_head_is_a_clear_error_and_files_stay(crawl, site_repo):
    git(site_repo, "checkout", "-q", "--detach")
    result = crawl("qq", *CHANNELS, export_dir=site_repo / "content", NEWSBOT_GIT_COMMIT=True)
    assert result.returncode == 1
    assert "Files are written but not committed" in result.log and "detached HEAD" in result.log
    assert len(result.files()) == 6


def test_conflicted_repo_is_a_clear_error(crawl, site_repo):
    git(site_repo, "checkout", "-qb", "other")
    (site_repo / "hugo.toml").write_text('title = "other"\n')
    git(site_repo, "commit", "-qam", "other")
    git(site_repo, "checkout", "-q", "main")
    (site_repo / "hugo.toml").write_text('title = "main"\n')
    git(site_repo, "commit", "-qam", "main")
    subprocess.run(["git", "merge", "other"], cwd=site_repo, capture_output=True)
    result = crawl("qq", *CHANNELS, export_dir=site_repo / "content", NEWSBOT_GIT_COMMIT=True)
    assert result.returncode == 1 and "merge, rebase or conflict in progress" in result.log
    assert len(result.files()) == 6


def test_export_dir_outside_a_repo_is_a_clear_error(crawl, tmp_path):
    result = crawl("qq", *CHANNELS, export_dir=tmp_path / "plain", NEWSBOT_GIT_COMMIT=True)
    assert result.returncode == 1 and "is not inside a git repository" in result.log


def test_second_run_on_the_same_folder_exits_with_a_clear_message(scrapy_cmd, site, tmp_path):
    site.state["delay"] = 0.5
    first = scrapy_cmd("crawl", "qq", *CHANNELS, popen=True)
    lock_dir = tmp_path / "state"
    deadline = time.monotonic() + 30
    while not list(lock_dir.glob("run-*.lock")) and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1)
    second = scrapy_cmd("crawl", "qq", *CHANNELS)
    out, _ = first.communicate(timeout=120)
    assert second.returncode == 75
    assert "another newsbot run (pid" in second.log and "is writing to" in second.log
    assert first.returncode == 0, out
    assert len(second.files()) == 6  # the first run's files, untouched


def test_second_run_can_wait_for_the_first(scrapy_cmd, site, tmp_path):
    site.state["delay"] = 0.3
    first = scrapy_cmd("crawl", "qq", "-a", "channels=news_news_finance", popen=True)
    deadline = time.monotonic() + 30
    while not list((tmp_path / "state").glob("run-*.lock")) and time.monotonic() < deadline:
        time.sleep(0.1)
    second = scrapy_cmd("crawl", "qq", *CHANNELS, NEWSBOT_LOCK_WAIT=120)
    first.communicate(timeout=120)
    assert second.returncode == 0, second.log
    assert len(second.files()) == 6
