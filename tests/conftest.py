"""Shared fixtures: a crawler for components, the fixture server, a crawl runner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from scrapy.utils.test import get_crawler

from newsbot import settings as project_settings
from tests.support.serve import crawl_settings
from tests.support.server import FixtureServer, FixtureSite
from tests.support.sites import all_sites

ROOT = Path(__file__).resolve().parent.parent


def make_crawler(**settings):
    """A crawler with the project's settings plus ``settings``, for building components.

    Its extensions are built, so components find the ExportState (whose store
    lives in a NEWSBOT_STATE_DIR the caller should point at a temporary folder).
    """
    merged = {
        name: getattr(project_settings, name)
        for name in dir(project_settings)
        if name.isupper() and not name.startswith("TWISTED")
    }
    merged["NEWSBOT_STATE_DIR"] = tempfile.mkdtemp(prefix="newsbot-state-")
    merged.update(settings)
    crawler = get_crawler(settings_dict=merged)
    crawler.stats.open_spider()
    return crawler


@pytest.fixture
def site() -> FixtureSite:
    return all_sites()


@pytest.fixture
def server(site: FixtureSite):
    with FixtureServer(site) as running:
        yield running


@dataclass
class CrawlResult:
    returncode: int
    log: str
    stats: dict
    export_dir: Path

    def files(self) -> list[Path]:
        return sorted(p for p in self.export_dir.rglob("*.md"))


def scrapy_env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(ROOT))


def run_scrapy(args: list[str], cwd: Path = ROOT, timeout: float = 300):
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *args],
        cwd=cwd, env=scrapy_env(), capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


def start_scrapy(args: list[str], cwd: Path = ROOT) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "scrapy", *args],
        cwd=cwd, env=scrapy_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


@pytest.fixture
def scrapy_cmd(server: FixtureServer, tmp_path: Path):
    """Run a scrapy command (a real process, the real engine) against the fixture server,
    with a per-test export folder and state dir, throttling off and stats captured."""

    def run(*args: str, export_dir: Path | None = None, popen: bool = False, **settings):
        export_dir = export_dir or tmp_path / "exports"
        stats_file = tmp_path / f"stats-{len(list(tmp_path.glob('stats-*')))}.json"
        base = {
            "NEWSBOT_EXPORT_DIR": str(export_dir),
            "NEWSBOT_TEST_STATS_FILE": str(stats_file),
            "NEWSBOT_STATE_DIR": str(tmp_path / "state"),
            "EXTENSIONS": json.dumps(
                {**project_settings.EXTENSIONS, "tests.support.statsdump.StatsDump": 900}
            ),
            "AUTOTHROTTLE_ENABLED": "False",
            "DOWNLOAD_DELAY": "0",
            "NEWSBOT_RETRY_BACKOFF": "0.05",
            "TELNETCONSOLE_ENABLED": "False",
        }
        base.update({k: str(v) for k, v in settings.items()})
        flags = crawl_settings(server.url)
        for key, value in base.items():
            flags += ["-s", f"{key}={value}"]
        if popen:
            return start_scrapy([*args, *flags])
        proc = run_scrapy([*args, *flags])
        stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
        return CrawlResult(proc.returncode, proc.stderr + proc.stdout, stats, export_dir)

    return run


@pytest.fixture
def crawl(scrapy_cmd):
    """Run ``scrapy crawl SPIDER ARGS`` against the fixture server."""

    def run(spider: str, *args: str, **kwargs) -> CrawlResult:
        return scrapy_cmd("crawl", spider, *args, **kwargs)

    return run
