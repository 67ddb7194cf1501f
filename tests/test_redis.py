"""Distributed crawling on Redis: workers (`scrapy crawl` with NEWSBOT_REDIS_URL)
and one writer (`scrapy drain`), against a real redis-server started per test."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.settings import Settings

from newsbot import settings as project_settings
from newsbot.distributed.addon import RedisAddon
from newsbot.store import EXPORTED, QUEUED, REJECTED, Record, SQLiteStore, read_record, state_key
from tests.conftest import make_crawler
from tests.support.redisserver import RedisServer, free_port
from tests.test_e2e_qq import CHANNELS, GOLDEN, WRITTEN, written_ids
from tests.test_site_repo import git

ARTICLE_PAGES = r"/rain/a/"
LIST = r"/web_feed/getPCList"


@pytest.fixture
def redis_server(tmp_path):
    """A redis-server of its own on a free port (skipped without one, failed on CI)."""
    if not RedisServer.available():
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is not installed (CI=true): .ci/run installs it")
        pytest.skip("redis-server is not installed")
    with RedisServer(tmp_path / "redis") as server:
        yield server


# --- the store ------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "redis"])
def open_store(request, tmp_path):
    """Opens the store of an export folder the way a run does, SQLite or Redis."""
    opened = []
    if request.param == "redis":
        server = request.getfixturevalue("redis_server")
        from newsbot.distributed.store import RedisStore

        def factory(export_dir: Path):
            return RedisStore(server.client(), "newsbot", export_dir)
    else:

        def factory(export_dir: Path):
            path = tmp_path / "state" / f"exported-{state_key(export_dir)}.sqlite3"
            return SQLiteStore(path, export_dir)

    def open_(export_dir: Path):
        store = factory(export_dir)
        opened.append(store)
        return store

    yield open_
    for store in opened:
        store.close()


def copy_golden(export_dir: Path, name: str = GOLDEN.name) -> Path:
    folder = export_dir / "zh-CN" / "news" / "qq"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    shutil.copy(GOLDEN, path)
    return path


def test_store_records(open_store, tmp_path):
    store = open_store(tmp_path / "exports")
    assert len(store) == 0 and store.get("qq", "https://a") is None
    first = Record("qq", "https://a", "/x/a.md", "2026-11-20 08:00:00")
    store.add(first)
    assert store.get("qq", "https://a") == first and len(store) == 1
    assert store.get("sina", "https://a") is None
    gone = Record("qq", "https://b", status=REJECTED, reason="http_404", checked_at=12.5)
    store.add(gone)
    replaced = Record("qq", "https://a", "/x/a.md", "2026-11-21 09:00:00", checked_at=1.25)
    store.add(replaced)
    assert len(store) == 2
    assert store.get("qq", "https://a") == replaced and store.get("qq", "https://b") == gone
    store.close()
    again = open_store(tmp_path / "exports")
    assert len(again) == 2 and again.get("qq", "https://b") == gone


def test_store_is_rebuilt_from_the_files_once(open_store, tmp_path):
    export_dir = tmp_path / "exports"
    golden = copy_golden(export_dir)
    (export_dir / "notes.md").write_text("no source line\n", encoding="utf-8")
    store = open_store(export_dir)
    expected = read_record(golden)
    assert len(store) == 1
    rebuilt = store.get(expected.source, expected.url)
    assert (rebuilt.path, rebuilt.update_time, rebuilt.status) == (
        expected.path,
        expected.update_time,
        EXPORTED,
    )
    store.close()
    copy_golden(export_dir, "copy.zh-CN.md")  # same article: a rescan would still find 1
    (export_dir / "zh-CN" / "news" / "qq" / "copy.zh-CN.md").write_text(
        GOLDEN.read_text(encoding="utf-8").replace("20250210A06D7U00", "20250210A0OTHER0"),
        encoding="utf-8",
    )
    assert len(open_store(export_dir)) == 1  # no rescan of a store that exists


def test_redis_store_is_rebuilt_even_after_a_worker_wrote_to_it(redis_server, tmp_path):
    from newsbot.distributed.store import RedisStore

    worker = RedisStore(redis_server.client(), "newsbot", tmp_path / "worker-exports")
    worker.add(Record("qq", "https://gone", status=REJECTED, reason="http_404"))
    export_dir = tmp_path / "site"
    expected = read_record(copy_golden(export_dir))
    writer = RedisStore(redis_server.client(), "newsbot", export_dir)
    assert len(writer) == 2 and writer.get(expected.source, expected.url).status == EXPORTED
    worker.close()
    writer.close()


def test_redis_store_remembers_queued_articles_until_written(redis_server):
    from newsbot.distributed.store import RedisStore

    store = RedisStore(redis_server.client(), "newsbot")
    queued = Record("qq", "https://a", "", "2026-11-20 08:00:00", status=QUEUED)
    store.mark_queued(queued)
    assert store.get("qq", "https://a") == queued and len(store) == 0
    written = Record("qq", "https://a", "/x/a.md", "2026-11-20 08:00:00")
    store.add(written)
    assert store.get("qq", "https://a") == written
    store.mark_queued(Record("qq", "https://a", "", "2026-11-22 08:00:00", status=QUEUED))
    assert store.get("qq", "https://a") == written  # an update waits for NEWSBOT_UPDATE
    store.add(Record("qq", "https://b", status=REJECTED, reason="http_404"))
    store.mark_queued(Record("qq", "https://b", status=QUEUED))
    assert store.get("qq", "https://b").status == QUEUED  # it came back
    store.close()


# --- the add-on -----------------------------------------------------------------


def test_without_redis_url_nothing_changes():
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    settings.set("NEWSBOT_REDIS_URL", "", priority="cmdline")
    before = settings.copy_to_dict()
    with pytest.raises(NotConfigured):
        RedisAddon().update_settings(settings)
    assert settings.copy_to_dict() == before
    crawler = make_crawler(NEWSBOT_REDIS_URL="")
    assert crawler.settings["SCHEDULER"] == "scrapy.core.scheduler.Scheduler"
    assert crawler.settings["NEWSBOT_STORE"] == "newsbot.store.SQLiteStore"
    assert "newsbot.pipelines.ExportPipeline" in crawler.settings.getdict("ITEM_PIPELINES")


def test_with_redis_url_a_crawl_is_a_worker_and_drain_the_writer():
    from newsbot.distributed.pipeline import RedisItemPipeline

    worker = make_crawler(NEWSBOT_REDIS_URL="redis://127.0.0.1:1/0").settings
    assert worker["SCHEDULER"] == "newsbot.distributed.SourceScheduler"
    assert worker["DUPEFILTER_CLASS"] == "newsbot.distributed.SourceDupeFilter"
    assert worker.getbool("SCHEDULER_PERSIST")
    assert worker["NEWSBOT_STORE"] == "newsbot.distributed.store.RedisStore"
    pipelines = worker.getdict("ITEM_PIPELINES")
    assert pipelines[RedisItemPipeline] == 900
    assert "newsbot.pipelines.ExportPipeline" not in pipelines
    assert "newsbot.pipelines.ConvertPipeline" in pipelines

    writer = make_crawler(
        NEWSBOT_REDIS_URL="redis://127.0.0.1:1/0", NEWSBOT_REDIS_ROLE="writer"
    ).settings
    assert writer["SCHEDULER"] == "scrapy.core.scheduler.Scheduler"
    assert writer["NEWSBOT_STORE"] == "newsbot.distributed.store.RedisStore"
    assert "newsbot.pipelines.ExportPipeline" in writer.getdict("ITEM_PIPELINES")

    chosen = make_crawler(NEWSBOT_REDIS_URL="redis://h/0", NEWSBOT_STORE="my.Store").settings
    assert chosen["NEWSBOT_STORE"] == "my.Store"


# --- workers and the writer, end to end -------------------------------------------


class Process:
    """A scrapy process whose output is read as it comes (a full pipe would stall it)."""

    def __init__(self, proc: subprocess.Popen, stats_file: Path) -> None:
        self.proc = proc
        self.stats_file = stats_file
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self.lines.extend, args=(proc.stdout,), daemon=True)
        self.reader.start()

    def wait(self, timeout: float = 180) -> int:
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise
        self.reader.join(10)
        return code

    @property
    def log(self) -> str:
        return "".join(self.lines)

    @property
    def stats(self) -> dict:
        return json.loads(self.stats_file.read_text()) if self.stats_file.exists() else {}


@pytest.fixture
def worker(scrapy_cmd, redis_server, tmp_path):
    """Start ``scrapy crawl qq`` as a worker of the Redis crawl (no waiting)."""
    count = iter(range(1000))

    def start(*args: str, **settings) -> Process:
        stats_file = tmp_path / f"worker-{next(count)}.json"
        settings = {
            "NEWSBOT_REDIS_URL": redis_server.url,
            "NEWSBOT_TEST_STATS_FILE": str(stats_file),
            "NEWSBOT_REDIS_HEARTBEAT": 2,
            **settings,
        }
        proc = scrapy_cmd(
            "crawl", "qq", *(args or CHANNELS), popen=True,
            export_dir=tmp_path / "worker-exports", **settings,
        )  # fmt: skip
        return Process(proc, stats_file)

    return start


@pytest.fixture
def drain(scrapy_cmd, redis_server, tmp_path):
    def run(export_dir: Path | None = None, *args: str, **settings):
        return scrapy_cmd(
            "drain", *args, export_dir=export_dir or tmp_path / "site",
            NEWSBOT_REDIS_URL=redis_server.url, **settings,
        )  # fmt: skip

    return run


def contents(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.md"))}


def leftovers(redis_server) -> list[str]:
    """Keys of the qq crawl and the item queues still in Redis (none once all is done)."""
    client = redis_server.client()
    keys = sorted(k.decode() for k in client.keys("newsbot:*"))
    client.close()
    return [k for k in keys if not k.startswith("newsbot:store") and not k.endswith(":lastrun")]


def test_workers_and_one_writer_write_what_one_process_writes(
    crawl, worker, drain, site, redis_server, tmp_path
):
    embedded = crawl("qq", *CHANNELS, export_dir=tmp_path / "embedded")
    assert embedded.returncode == 0 and written_ids(embedded) == WRITTEN
    site.hits.clear()

    site.state["delay"] = 0.3  # long enough for the workers to share the crawl
    workers = [worker(CONCURRENT_REQUESTS=2) for _ in range(3)]
    for process in workers:
        assert process.wait() == 0, process.log
        assert "Traceback" not in process.log
    assert not (tmp_path / "worker-exports").exists()  # workers write no file
    pages = [hit.path for hit in site.requests_to(ARTICLE_PAGES)]
    assert len(pages) == len(set(pages)) == 8  # each article requested once, by one worker
    stats = [process.stats for process in workers]
    assert sum(s.get("newsbot/queued", 0) for s in stats) == 6
    assert sum(1 for s in stats if s.get("scheduler/dequeued/redis")) >= 2
    assert leftovers(redis_server) == ["newsbot:items"]

    written = drain()
    assert written.returncode == 0, written.log
    assert written.stats["newsbot/exported/written"] == 6
    assert "newsbot/exported/skipped_existing" not in written.stats
    assert contents(written.export_dir) == contents(embedded.export_dir)
    assert leftovers(redis_server) == []

    # The run's fingerprints are gone: the next run reads the lists again, and the
    # shared store spares it every article.
    site.hits.clear()
    site.state["delay"] = 0
    again = worker()
    assert again.wait() == 0, again.log
    assert len(site.requests_to(LIST)) == 4 and site.requests_to(ARTICLE_PAGES) == []
    assert again.stats["newsbot/skipped/already_exported"] == 6
    assert "Report qq: discovered=8 new=0" in again.log


def processing_pids(redis_server) -> set[int]:
    """Pids of the workers holding requests (fields host:pid:token#n)."""
    client = redis_server.client()
    fields = client.hkeys("newsbot:qq:processing")
    client.close()
    return {int(f.decode().split("#")[0].split(":")[-2]) for f in fields}


def wait_for(condition, timeout: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.02)


def items_queued(redis_server) -> int:
    client = redis_server.client()
    count = client.llen("newsbot:items")
    client.close()
    return count


def test_a_worker_killed_midway_loses_nothing(crawl, worker, drain, site, redis_server, tmp_path):
    embedded = crawl("qq", *CHANNELS, export_dir=tmp_path / "embedded")
    site.state["delay"] = 1.0
    workers = {w.proc.pid: w for w in (worker(CONCURRENT_REQUESTS=2) for _ in range(2))}
    wait_for(
        lambda: items_queued(redis_server) >= 1 and processing_pids(redis_server) & set(workers),
        what="a worker holding requests after the first item",
    )
    victim = sorted(processing_pids(redis_server) & set(workers))[0]
    workers[victim].proc.send_signal(signal.SIGKILL)
    assert workers[victim].wait() == -signal.SIGKILL
    [survivor] = [w for pid, w in workers.items() if pid != victim]
    assert survivor.wait() == 0, survivor.log
    # It waited for the dead worker's heartbeat to expire and did its requests.
    assert survivor.stats["newsbot/redis/reclaimed"] >= 1
    assert leftovers(redis_server) == ["newsbot:items"]

    site.state["delay"] = 0
    rerun = worker()
    assert rerun.wait() == 0, rerun.log
    written = drain()
    assert written.returncode == 0, written.log
    assert written.stats["newsbot/exported/written"] == 6
    assert contents(written.export_dir) == contents(embedded.export_dir)
    assert leftovers(redis_server) == []


def test_requests_of_a_killed_worker_come_back_when_the_next_one_starts(
    worker, drain, site, redis_server
):
    site.state["delay"] = 1.0
    first = worker(CONCURRENT_REQUESTS=2)
    wait_for(lambda: processing_pids(redis_server), what="the worker holding requests")
    first.proc.send_signal(signal.SIGKILL)
    first.wait()
    time.sleep(2.5)  # its heartbeat (NEWSBOT_REDIS_HEARTBEAT=2) expires
    site.state["delay"] = 0
    rerun = worker()
    assert rerun.wait() == 0, rerun.log
    assert rerun.stats["newsbot/redis/reclaimed"] >= 1
    assert "Requeued" in rerun.log
    written = drain()
    assert written.returncode == 0, written.log
    assert written_ids(written) == WRITTEN
    assert (written.export_dir / "zh-CN/news/qq/20250210A06D7U00.zh-CN.md").read_bytes() == (
        GOLDEN.read_bytes()
    )
    assert leftovers(redis_server) == []


def test_drain_keeps_what_it_could_not_write_and_takes_back_what_a_killed_one_held(
    worker, drain, redis_server, tmp_path
):
    urls = (
        "url=https://new.qq.com/rain/a/20250210A06D7U00,https://new.qq.com/rain/a/20261121A0RTRY00"
    )
    assert worker("-a", urls).wait() == 0
    client = redis_server.client()
    raw = client.lindex("newsbot:items", 0)
    client.rpush("newsbot:items", raw, b"not an item")  # a second copy, and garbage
    # A writer killed while writing left one item in the processing list.
    client.lmove("newsbot:items", "newsbot:items:processing", "LEFT", "RIGHT")

    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    failed = drain(blocked / "site")  # every write fails: nothing is lost
    assert failed.returncode == 1
    assert failed.stats["newsbot/redis/recovered"] == 1
    assert failed.stats["newsbot/dropped/write_failed"] == 3
    assert failed.stats["newsbot/errors/bad_item"] == 1
    assert client.llen("newsbot:items:processing") == 3 and client.llen("newsbot:items") == 0
    assert client.lrange("newsbot:items:bad", 0, -1) == [b"not an item"]

    repo = tmp_path / "site"  # the writer's machine holds the site's repository
    (repo / "content").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "editor@example.com")
    git(repo, "config", "user.name", "Editor")
    git(repo, "commit", "-q", "--allow-empty", "-m", "site")
    written = drain(repo / "content", NEWSBOT_GIT_COMMIT=True)
    assert written.returncode == 0, written.log
    assert written.stats["newsbot/redis/recovered"] == 3
    assert written.stats["newsbot/exported/written"] == 2
    assert written.stats["newsbot/exported/skipped_existing"] == 1  # the copy: no second file
    assert written_ids(written) == {"20250210A06D7U00", "20261121A0RTRY00"}
    assert client.llen("newsbot:items:processing") == 0 and client.llen("newsbot:items") == 0
    assert git(repo, "show", "--name-only", "--format=%s", "HEAD").splitlines() == [
        "newsbot: 2 new or updated articles",
        "",
        "content/zh-CN/news/qq/20250210A06D7U00.zh-CN.md",
        "content/zh-CN/news/qq/20261121A0RTRY00.zh-CN.md",
    ]

    client.set("newsbot:writer", "elsewhere:1:abc", ex=60)
    locked = drain()
    assert locked.returncode == 75
    assert "another scrapy drain (elsewhere:1:abc)" in locked.log
    client.close()


@pytest.mark.parametrize(
    "command",
    [("crawl", "qq", *CHANNELS), ("crawlall", "--sources", "qq"), ("drain",)],
    ids=["crawl", "crawlall", "drain"],
)
def test_unreachable_redis_is_one_clear_error(scrapy_cmd, tmp_path, command):
    url = f"redis://127.0.0.1:{free_port()}/0"
    result = scrapy_cmd(*command, NEWSBOT_REDIS_URL=url)
    assert result.returncode == 1
    assert f"Redis at NEWSBOT_REDIS_URL={url} is unreachable" in result.log
    assert "Traceback" not in result.log
    assert result.log.count(" ERROR: ") == 1
    assert not result.export_dir.exists() and not (tmp_path / "state").exists()
