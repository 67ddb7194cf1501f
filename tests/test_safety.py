"""Nothing lost, nothing silent (issue #14): each place where a run lost data or
failed without a word, reproduced, and what happens now."""

from __future__ import annotations

import errno
import json
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from newsbot.exporter import TEMP_PREFIX, ExportPathError, MarkdownExporter, remove_stale_temp_files
from newsbot.items import Article
from newsbot.pipelines import ArticleDropped, ExportPipeline
from newsbot.store import EXPORTED, SQLiteStore, read_record
from tests.conftest import make_crawler
from tests.support.sites.qq import qq_add_article
from tests.test_e2e_qq import CHANNELS, WRITTEN, page_path, written_ids

ONE_CHANNEL = ("-a", "channels=news_news_tech")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True,
                          text=True).stdout.rstrip("\n")  # fmt: skip


def exported(export: Path, article_id: str, url: str, **fields: str) -> Path:
    """A file as a run writes it (for the store's rebuild)."""
    item = Article(id=article_id, url=url, source="qq", lang="zh-CN", title="t",
                   date="2026-11-20 09:00:00", body="正文。", **fields)  # fmt: skip
    return MarkdownExporter(export).export(item)[1]


def within(seconds: float, work, fifo: Path):
    """``work()``'s result; fails if it takes longer (blocked on ``fifo``, which is
    then opened for writing so that the blocked reader ends)."""
    result, done = [], threading.Event()

    def run():
        result.append(work())
        done.set()

    threading.Thread(target=run, daemon=True).start()
    if not done.wait(seconds):
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))  # the reader is there: no ENXIO
        pytest.fail(f"blocked for {seconds}s on the FIFO {fifo}")
    return result[0]


# --- 2. git commit of what earlier runs left uncommitted ------------------------------


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


def test_git_commit_takes_the_files_an_earlier_run_left_uncommitted(crawl, site_repo):
    content = site_repo / "content"
    # A run whose commit never happened (killed, or git failed): files written,
    # the store knows them, nothing committed.
    first = crawl("qq", *CHANNELS, export_dir=content)
    assert first.returncode == 0 and len(first.files()) == 6
    (content / "draft.md").write_text("the editor's own draft\n")

    again = crawl("qq", *CHANNELS, export_dir=content, NEWSBOT_GIT_COMMIT=True)
    assert again.returncode == 0, again.log
    assert again.stats.get("newsbot/exported/written", 0) == 0  # nothing new this run
    committed = git(site_repo, "show", "--name-only", "--format=%s%n%b", "HEAD").splitlines()
    assert committed[0] == "newsbot: 6 new or updated articles" and "qq: 6" in committed
    assert git(site_repo, "status", "--porcelain") == "?? content/draft.md"


def test_git_commit_waits_for_a_git_still_running_then_names_the_lock(site_repo):
    from newsbot.sitegit import GitError, wait_for_index_lock

    lock = site_repo / ".git" / "index.lock"
    lock.write_text("")
    threading.Timer(0.3, lock.unlink).start()  # a killed run's git child finishing
    wait_for_index_lock(site_repo / ".git", wait=10)
    lock.write_text("")
    with pytest.raises(GitError, match=r"index\.lock exists .* remove the file if no git"):
        wait_for_index_lock(site_repo / ".git", wait=0.3)


# --- 3. JOBDIR ------------------------------------------------------------------------


def test_jobdir_rerun_fetches_the_lists_again_and_finds_new_articles(crawl, site, tmp_path):
    job = tmp_path / "job"
    first = crawl("qq", *CHANNELS, JOBDIR=job)
    assert written_ids(first) == WRITTEN
    qq_add_article(site, "20261123A0NEW100", "新文章一：城市更新项目启动")
    again = crawl("qq", *CHANNELS, JOBDIR=job)
    assert again.returncode == 0, again.log
    assert again.stats.get("dupefilter/filtered", 0) == 0
    assert again.stats.get("newsbot/exported/written") == 1
    assert "20261123A0NEW100" in written_ids(again)


def test_jobdir_rerun_tries_again_the_articles_that_failed(crawl, site, tmp_path):
    job = tmp_path / "job"
    site.fail(page_path("20261121A0RTRY00"), times=100)  # every retry fails
    first = crawl("qq", *CHANNELS, JOBDIR=job)
    assert "20261121A0RTRY00" not in written_ids(first)
    site.failures.clear()
    again = crawl("qq", *CHANNELS, JOBDIR=job)
    assert written_ids(again) == WRITTEN, again.log


def test_jobdir_sigkill_then_rerun_loses_nothing(scrapy_cmd, site, tmp_path):
    job = tmp_path / "job"
    export = tmp_path / "exports"
    slow = {"JOBDIR": job, "CONCURRENT_REQUESTS": 1}
    site.state["delay"] = 0.3
    first = scrapy_cmd("crawl", "qq", *CHANNELS, popen=True, **slow)
    deadline = time.monotonic() + 60
    while not list(export.rglob("*.md")) and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)  # more requests seen and queued
    first.send_signal(signal.SIGKILL)
    first.communicate(timeout=60)
    assert 0 < len(list(export.rglob("*.md"))) < len(WRITTEN)

    site.state["delay"] = 0
    resumed = scrapy_cmd("crawl", "qq", *CHANNELS, **slow)
    assert resumed.returncode == 0, resumed.log
    assert "the crawl before was killed" in resumed.log
    assert written_ids(resumed) == WRITTEN
    assert not list(export.rglob(f"{TEMP_PREFIX}*"))


# --- 4. a template without {id}; nothing recorded that was not written -----------------


@pytest.mark.parametrize("template", ["{lang}/news/{source}/index.md", "{source}.md"])
def test_a_template_without_id_is_refused(template, tmp_path):
    with pytest.raises(ExportPathError, match=r"has no \{id\}"):
        MarkdownExporter(tmp_path, template)


def test_template_without_id_is_a_usage_error_before_any_request(crawl):
    result = crawl("qq", *CHANNELS, NEWSBOT_PATH_TEMPLATE="{lang}/news/{source}/latest.md")
    assert result.returncode == 2
    assert "NEWSBOT_PATH_TEMPLATE" in result.log and "has no {id}" in result.log
    assert "Spider opened" not in result.log and not result.export_dir.exists()


def test_an_article_whose_file_holds_another_is_not_recorded(tmp_path):
    crawler = make_crawler(NEWSBOT_EXPORT_DIR=str(tmp_path))
    step = ExportPipeline.from_crawler(crawler)

    def item(article_id: str, url: str) -> Article:
        return Article(id=article_id, url=url, source="s", lang="en", title="t",
                       date="2026-01-01 00:00:00", body="body")  # fmt: skip

    step.process_item(item("a:b", "https://e.example/1"))  # sanitised to "ab"
    with pytest.raises(ArticleDropped, match="path_taken"):
        step.process_item(item("ab", "https://e.example/2"))
    store = SQLiteStore.from_settings(crawler.settings)
    assert store.get("s", "https://e.example/1").status == EXPORTED
    assert store.get("s", "https://e.example/2") is None  # tried again next run
    assert crawler.stats.get_value("newsbot/errors/path_taken") == 1
    # The same article again is its own file: recorded, as before.
    step.process_item(item("a:b", "https://e.example/1"))
    assert crawler.stats.get_value("newsbot/exported/skipped_existing") == 1
    # NEWSBOT_OVERWRITE rewrites an article's own file, never another's.
    step.exporter.overwrite = True
    with pytest.raises(ArticleDropped, match="path_taken"):
        step.process_item(item("ab", "https://e.example/2"))
    assert read_record(step.exporter.file_path(item("ab", ""))).url == "https://e.example/1"


# --- 6. the store's rebuild from the export folder ---------------------------------------


def test_rebuild_reads_front_matter_safely(tmp_path, caplog):
    export, state = tmp_path / "exports", tmp_path / "state"
    good = exported(export, "good", "https://new.qq.com/rain/a/good")
    folder = good.parent
    source_line = "\n\n[qq](https://new.qq.com/rain/a/{})\n"
    (folder / "yaml.zh-CN.md").write_text('---\ntitle: "x\n---\nbody' + source_line.format("y"))
    (folder / "python.zh-CN.md").write_text(
        "---\ndate: !!python/object/apply:os.system ['echo pwned']\n---\nbody"
        + source_line.format("p")
    )
    bomb = ["a: &a [x, x, x, x, x, x, x, x, x]"] + [
        f"{chr(98 + n)}: &{chr(98 + n)} [*{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, "
        f"*{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}]"
        for n in range(9)
    ]
    (folder / "bomb.zh-CN.md").write_text(
        "---\n" + "\n".join(bomb) + "\ndate: x\n---\nbody" + source_line.format("b")
    )
    os.mkfifo(folder / "fifo.zh-CN.md")
    started = time.monotonic()
    within(10, lambda: SQLiteStore(state / "s.sqlite3", export).close(), folder / "fifo.zh-CN.md")
    assert time.monotonic() - started < 5
    store = SQLiteStore(state / "s.sqlite3", export)
    urls = {row[0] for row in store.db.execute("SELECT url FROM articles")}
    # Every file with a source line is an exported article; bad front matter costs its date.
    assert urls == {f"https://new.qq.com/rain/a/{name}" for name in ("good", "y", "p", "b")}
    assert store.get("qq", "https://new.qq.com/rain/a/good").update_time == "2026-11-20 09:00:00"
    assert store.get("qq", "https://new.qq.com/rain/a/p").update_time == ""
    assert "Unreadable front matter" in caplog.text


def test_rebuild_keys_articles_by_the_source_in_their_path_not_their_label(tmp_path):
    export = tmp_path / "exports"
    exported(export, "a", "https://www.tradingview.com/news/a", label="Reuters")
    template = "{lang}/news/{source}/{id}.{lang}.md"
    store = SQLiteStore(tmp_path / "s.sqlite3", export, template)
    assert store.get("qq", "https://www.tradingview.com/news/a") is not None
    assert store.get("Reuters", "https://www.tradingview.com/news/a") is None


def test_an_empty_store_is_rebuilt(tmp_path):
    export, path = tmp_path / "exports", tmp_path / "state" / "s.sqlite3"
    exported(export, "a", "https://new.qq.com/rain/a/a")
    path.parent.mkdir()
    sqlite3.connect(path).close()  # an existing, empty file: left by a failed rebuild
    assert len(SQLiteStore(path, export)) == 1


def test_read_record_refuses_what_is_not_a_regular_file(tmp_path):
    fifo = tmp_path / "x.md"
    os.mkfifo(fifo)
    assert within(5, lambda: read_record(fifo), fifo) is None
    assert read_record(tmp_path) is None


# --- 7. a corrupt store --------------------------------------------------------------------


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_corrupt_store_is_moved_aside_and_rebuilt(tmp_path, caplog, damage):
    export, path = tmp_path / "exports", tmp_path / "state" / "s.sqlite3"
    exported(export, "a", "https://new.qq.com/rain/a/a")
    store = SQLiteStore(path, export)
    for n in range(2000):
        store.add(store.get("qq", "https://new.qq.com/rain/a/a").__class__("qq", f"u{n}", "p"))
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    data = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(b"not a database" * 100)
    else:
        path.write_bytes(data[:4096] + b"\x00" * 4096 + data[8192:])  # a page zeroed
    caplog.set_level(logging.INFO)
    store = SQLiteStore(path, export)
    assert store.get("qq", "https://new.qq.com/rain/a/a") is not None
    assert len(store) == 1
    moved = [r for r in caplog.records if "is unreadable" in r.getMessage()]
    assert len(moved) == 1 and r"moved to" in moved[0].getMessage()
    assert list(path.parent.glob("s.sqlite3.corrupt-*"))


def test_a_crawl_with_a_corrupt_store_works_and_says_so(crawl, tmp_path):
    first = crawl("qq", *CHANNELS)
    assert first.returncode == 0
    for path in (tmp_path / "state").glob("exported-*.sqlite3*"):
        path.write_bytes(b"\x00garbage" * 64)
    again = crawl("qq", *CHANNELS)
    assert again.returncode == 0, again.log
    assert "Traceback" not in again.log
    assert again.log.count("is unreadable") == 1
    assert again.stats["newsbot/skipped/already_exported"] == 6


# --- 8. bounded pages ----------------------------------------------------------------------


def test_a_huge_pages_argument_is_refused_at_once(crawl):
    started = time.monotonic()
    result = crawl("qq", "-a", "pages=1000000000")
    assert result.returncode == 2
    assert "NEWSBOT_MAX_PAGES=100" in result.log
    assert time.monotonic() - started < 60


def test_list_requests_are_taken_lazily(crawl, site):
    """Scrapy takes start requests as fast as the spider gives them while the
    downloader is busy: 3 channels x 100 pages were all queued in the first second."""
    site.state["delay"] = 0.3
    result = crawl("qq", "-a", "pages=100", CONCURRENT_REQUESTS=1, CLOSESPIDER_TIMEOUT=3)
    assert result.stats["finish_reason"] == "closespider_timeout"
    assert result.stats["scheduler/enqueued"] < 40, result.stats["scheduler/enqueued"]


# --- 11. item errors are counted, one line each, no item in the log -----------------------


def test_item_errors_count_fail_the_run_and_log_one_line(crawl):
    result = crawl("qq", *CHANNELS, NEWSBOT_STORE="tests.support.faulty.FullDiskStore")
    assert result.returncode == 1, result.log
    assert result.stats["newsbot/errors/item"] >= 6
    assert "errors=" in result.log and "'item': " in result.log
    lines = [line for line in result.log.splitlines() if "Item error: " in line]
    assert len(lines) == result.stats["newsbot/errors/item"]
    assert all("https://new.qq.com/rain/a/" in line and "disk is full" in line for line in lines)
    assert "Traceback" not in result.log and "body_html" not in result.log


def test_no_item_body_in_the_log_even_at_debug(crawl):
    result = crawl("qq", *CHANNELS, LOG_LEVEL="DEBUG")
    assert result.returncode == 0
    assert "Scraped from <200 https://news.qq.com/rain/a/20261120A05XK300>: " in result.log
    assert "星衡能源宣布" not in result.log  # the first paragraph of that article


# --- 12. Redis unreachable in render --------------------------------------------------------


def test_render_with_redis_unreachable_is_one_line(scrapy_cmd, tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"id": "a"}\n')
    result = scrapy_cmd("render", str(feed), NEWSBOT_REDIS_URL="redis://127.0.0.1:9/0")
    assert result.returncode == 1
    assert "is unreachable" in result.log and "Traceback" not in result.log


# --- 14. bad settings: one line, exit 2, nothing started ------------------------------------


BAD_SETTINGS = {
    "NEWSBOT_IMAGES": "bogus",
    "NEWSBOT_TIMEZONE": "Mars/Olympus",
    "NEWSBOT_LOCK_WAIT": "abc",
    "NEWSBOT_STORE": "no.such.Class",
    "NEWSBOT_PATH_TEMPLATE": "../{id}.md",
    "NEWSBOT_OVERWRITE": "maybe",
    "NEWSBOT_MIN_BODY_CHARS": "-1",
    "NEWSBOT_QQ_ITEM_COUNT": "0",
    "NEWSBOT_IMAGES_CONVERT": "bmp",
    "NEWSBOT_MAX_PAGES": "many",
}


@pytest.mark.parametrize(("name", "value"), BAD_SETTINGS.items(), ids=list(BAD_SETTINGS))
def test_a_bad_setting_is_one_line_and_exit_2(crawl, tmp_path, name, value):
    result = crawl("qq", *ONE_CHANNEL, **{name: value})
    assert result.returncode == 2, result.log
    problems = [line for line in result.log.splitlines() if line.startswith("newsbot: bad")]
    assert len(problems) == 1 and problems[0].startswith(f"newsbot: bad setting {name}=")
    assert "Traceback" not in result.log and "Task exception" not in result.log
    assert "Spider opened" not in result.log
    assert not result.export_dir.exists() and not (tmp_path / "state").exists()


def test_a_state_folder_that_is_a_file_is_a_usage_error(crawl, tmp_path):
    taken = tmp_path / "state-file"
    taken.write_text("not a folder")
    result = crawl("qq", *ONE_CHANNEL, NEWSBOT_STATE_DIR=taken)
    assert result.returncode == 2 and "Traceback" not in result.log
    assert f"bad setting NEWSBOT_STATE_DIR='{taken}': must be a folder (that path is a file)" in (
        result.log
    )


def test_a_lock_file_that_cannot_be_made_is_one_error(tmp_path):
    from scrapy.settings import Settings

    from newsbot.runner import LockUnavailable, export_lock

    (tmp_path / "file").write_text("")
    settings = Settings({"NEWSBOT_EXPORT_DIR": str(tmp_path / "e"), "NEWSBOT_LOCK_WAIT": 0,
                         "NEWSBOT_STATE_DIR": str(tmp_path / "file" / "state")})  # fmt: skip
    with pytest.raises(LockUnavailable, match="cannot make the lock file"), export_lock(settings):
        pass


@pytest.mark.parametrize("command", [("crawlall", "--sources", "qq"), ("render", "FEED")])
def test_every_command_checks_the_settings(scrapy_cmd, tmp_path, command):
    feed = tmp_path / "feed.jsonl"
    feed.write_text("{}\n")
    args = [str(feed) if part == "FEED" else part for part in command]
    result = scrapy_cmd(*args, NEWSBOT_LOCK_WAIT="soon")
    assert result.returncode == 2
    assert "newsbot: bad setting NEWSBOT_LOCK_WAIT='soon': must be a number >= 0" in result.log


def test_the_defaults_pass_and_unknown_names_are_a_warning(caplog):
    from scrapy.settings import Settings

    from newsbot import settings as defaults
    from newsbot.validation import check_settings, validate_settings

    settings = Settings()
    settings.setmodule(defaults)
    assert check_settings(settings) == []
    settings.set("NEWSBOT_LOCK_WIAT", "5")
    validate_settings(settings)
    assert "unknown setting NEWSBOT_LOCK_WIAT is ignored (did you mean NEWSBOT_LOCK_WAIT?)" in (
        caplog.text
    )


# --- 15. report and a damaged runs.jsonl -----------------------------------------------------


def test_report_skips_non_utf8_lines_with_a_warning(scrapy_cmd, tmp_path):
    state = tmp_path / "state"
    state.mkdir()
    good = {"source": "qq", "finished_at": "2026-12-01T00:00:00+00:00", "discovered": 3,
            "exported": 3, "errors": 0}  # fmt: skip
    (state / "runs.jsonl").write_bytes(
        json.dumps(good).encode()
        + b"\n"
        + b'{"source": "\xff\xfe"}\n'
        + b"{cut\n"
        + json.dumps(good).encode()
        + b"\n"
    )
    result = scrapy_cmd("report")
    assert result.returncode == 0, result.log
    assert "line 2 skipped: not UTF-8" in result.log and "line 3 skipped: not JSON" in result.log
    assert result.log.count("\nqq ") + result.log.count(" qq ") >= 2


# --- 16. temporary files; bundles without their index ----------------------------------------


def test_temp_files_of_an_ended_writer_go_at_the_next_start(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    folder = tmp_path / "zh-CN" / "news" / "qq"
    folder.mkdir(parents=True)
    stale = folder / f"{TEMP_PREFIX}{dead}-0.tmp"
    stale.write_text("half")
    live = folder / f"{TEMP_PREFIX}{os.getppid()}-0.tmp"  # a writer still running
    live.write_text("half")
    assert remove_stale_temp_files(tmp_path) == 1
    assert not stale.exists() and live.exists()


def test_bundle_images_go_when_the_index_cannot_be_written(tmp_path, monkeypatch):
    crawler = make_crawler(NEWSBOT_EXPORT_DIR=str(tmp_path), NEWSBOT_IMAGES="bundle")
    step = ExportPipeline.from_crawler(crawler)
    item = Article(id="a1", url="https://e.example/a1", source="s", lang="en", title="t",
                   date="2026-01-01 00:00:00", body="body")  # fmt: skip
    bundle = step.exporter.file_path(item).parent
    bundle.mkdir(parents=True)
    (bundle / ("img-" + "0" * 40 + ".jpg")).write_bytes(b"\xff\xd8 image")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(step.exporter, "export", full)
    with pytest.raises(ArticleDropped, match="write_failed"):
        step.process_item(item)
    assert not bundle.exists()  # Hugo would publish a folder of images
