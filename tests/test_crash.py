"""Crash consistency: a crawl or a render SIGKILLed at random moments, a few rounds,
then one run to the end. After each kill every file is whole; after the next run no
temporary file is left, the store of exported articles matches the files, every
article is there once, and (git-commit mode) every file is committed.

The kill moments are random (seeded per test run and printed on failure) within
the writing phase, bounded: three rounds of at most a few seconds each."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from subprocess import Popen

import frontmatter
import pytest
from scrapy.settings import Settings

from newsbot.exporter import TEMP_PREFIX
from newsbot.store import EXPORTED, SOURCE_LINE_RE, SQLiteStore
from tests.conftest import ROOT, scrapy_env
from tests.support.sites.qq import qq_add_article
from tests.test_e2e_qq import CHANNELS, WRITTEN

ROUNDS = 3
SEED = random.randrange(1 << 30)
EXTRA = {f"20261124A{n:05d}00" for n in range(40)}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True,
                          text=True).stdout.rstrip("\n")  # fmt: skip


def check_whole_files(export: Path) -> dict[str, Path]:
    """Every Markdown file parses and ends in its source line; URL -> file, no URL twice."""
    by_url: dict[str, Path] = {}
    for path in sorted(export.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        match = SOURCE_LINE_RE.match(text.rstrip("\n").rsplit("\n", 1)[-1])
        assert match and text.endswith(")\n"), f"partial file {path} (seed {SEED})"
        post = frontmatter.loads(text)
        assert post["title"] and post["date"], path
        assert match["url"] not in by_url, f"{match['url']} twice: {path}, {by_url[match['url']]}"
        by_url[match["url"]] = path
    return by_url


def check_store_matches_disk(export: Path, state: Path, by_url: dict[str, Path]) -> None:
    settings = Settings({"NEWSBOT_EXPORT_DIR": str(export), "NEWSBOT_STATE_DIR": str(state)})
    store = SQLiteStore.from_settings(settings)
    rows = store.db.execute("SELECT url, path FROM articles WHERE status=?", (EXPORTED,))
    recorded = {url: Path(path) for url, path in rows}
    store.close()
    assert recorded.keys() == by_url.keys()
    assert all(recorded[url].resolve() == path.resolve() for url, path in by_url.items())


def kill_rounds(start, export: Path) -> int:
    """Start and SIGKILL ``ROUNDS`` runs at random moments once each has written its
    first new file (start-up time varies with the machine's load); whole files after
    each. Returns how many runs were killed (not finished before)."""
    rng = random.Random(SEED)
    kills = 0
    for _ in range(ROUNDS):
        before = len(list(export.rglob("*.md")))
        proc = start()
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            if len(list(export.rglob("*.md"))) > before:
                break
            time.sleep(0.02)
        time.sleep(rng.uniform(0.0, 1.5))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.communicate(timeout=120)
        check_whole_files(export)
    return kills


@pytest.fixture
def many_articles(site):
    for number, article_id in enumerate(sorted(EXTRA)):
        qq_add_article(site, article_id, f"第{number}篇：测试文章标题", page=number % 2)
    site.state["delay"] = 0.05  # long enough a crawl to be killed in the middle
    return WRITTEN | EXTRA


def export_folder(tmp_path: Path, git_mode: bool) -> Path:
    """The export folder: a site repository's content/ in git-commit mode."""
    if not git_mode:
        return tmp_path / "exports"
    repo = tmp_path / "site"
    (repo / "content").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    (repo / "hugo.toml").write_text("title = 'site'\n")
    git(repo, "add", "hugo.toml")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "site")
    return repo / "content"


def check_committed(export: Path, count: int) -> None:
    assert git(export.parent, "status", "--porcelain") == ""
    assert len(git(export.parent, "ls-files", "content").splitlines()) == count


GIT_MODES = pytest.mark.parametrize("git_mode", [False, True], ids=["files", "git-commit"])


@GIT_MODES
def test_crawl_killed_at_random_points_then_completed(scrapy_cmd, site, tmp_path, many_articles,
                                                      git_mode):  # fmt: skip
    export = export_folder(tmp_path, git_mode)
    options = {"export_dir": export, "CONCURRENT_REQUESTS": 2, "NEWSBOT_GIT_COMMIT": git_mode}

    kills = kill_rounds(lambda: scrapy_cmd("crawl", "qq", *CHANNELS, popen=True, **options),
                        export)  # fmt: skip
    assert kills, f"every run ended before its kill (seed {SEED})"

    site.state["delay"] = 0
    final = scrapy_cmd("crawl", "qq", *CHANNELS, **options)
    assert final.returncode == 0, final.log
    assert not list(export.rglob(f"{TEMP_PREFIX}*")), f"temporary files left (seed {SEED})"
    by_url = check_whole_files(export)
    assert {path.name.split(".")[0] for path in by_url.values()} == many_articles
    check_store_matches_disk(export, tmp_path / "state", by_url)
    if git_mode:
        check_committed(export, len(many_articles))


def render(feed: Path, export: Path, state: Path, git_mode: bool,
           log: int = subprocess.DEVNULL) -> Popen:  # fmt: skip
    args = ["render", str(feed), "-s", f"NEWSBOT_EXPORT_DIR={export}",
            "-s", f"NEWSBOT_STATE_DIR={state}", "-s", f"NEWSBOT_GIT_COMMIT={git_mode}"]  # fmt: skip
    return subprocess.Popen([sys.executable, "-m", "scrapy", *args], cwd=ROOT,
                            env=scrapy_env(), stdout=log, stderr=log, text=True)  # fmt: skip


@GIT_MODES
def test_render_killed_at_random_points_then_completed(tmp_path, git_mode):
    feed, state = tmp_path / "feed.jsonl", tmp_path / "state"
    export = export_folder(tmp_path, git_mode)
    body = "<p>" + "这是一段用于测试的正文内容。" * 400 + "</p>"  # ~20 KB of HTML per article
    with feed.open("w", encoding="utf-8") as handle:
        for n in range(1500):
            record = {"id": f"r{n:05d}", "url": f"https://example.com/a/{n}", "source": "feedtest",
                      "lang": "en", "title": f"Article {n}", "date": "2026-11-20 09:00:00",
                      "body_html": body}  # fmt: skip
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")

    kills = kill_rounds(lambda: render(feed, export, state, git_mode), export)
    assert kills, f"every render ended before its kill (seed {SEED})"

    final = render(feed, export, state, git_mode, subprocess.PIPE)
    log, _ = final.communicate(timeout=600)
    assert final.returncode == 0, log[-3000:]
    assert not list(export.rglob(f"{TEMP_PREFIX}*"))
    by_url = check_whole_files(export)
    assert len(by_url) == 1500
    check_store_matches_disk(export, state, by_url)
    if git_mode:
        check_committed(export, 1500)
