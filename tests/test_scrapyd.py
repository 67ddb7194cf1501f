"""Deploy the project to a real Scrapyd and run the qq spider there, against the fixture site.

A ``scrapyd`` process on 127.0.0.1 (free port, its own config and folders in tmp_path)
gets the egg that ``scrapyd-deploy --build-egg`` builds, lists and schedules qq, and runs
it like any deployed job; the files it writes are checked like in the end-to-end test.

The egg is built from a copy of the working tree: scrapyd-deploy writes a setup.py
when the project has none, and setuptools writes build/ and *.egg-info, which must not
land in the checkout. Jobs import ``newsbot`` from the egg only (the repository root is
not on their path; only ``tests``, for the test download handler, is).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.serve import HANDLER
from tests.test_e2e_qq import WRITTEN

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "newsbot"
VERSION = "1"
JOB_TIMEOUT = 120.0
START_TIMEOUT = 30.0


def require(what: str, available: bool) -> None:
    """Fail in CI (where the test extra is installed), skip elsewhere."""
    if available:
        return
    message = f"{what} is not installed (pip install -e '.[test]')"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def require_modules(*names: str) -> None:
    for name in names:
        require(name, importlib.util.find_spec(name) is not None)


def deploy_command() -> str:
    beside = Path(sys.executable).with_name("scrapyd-deploy")
    found = str(beside) if beside.is_file() else shutil.which("scrapyd-deploy")
    require("scrapyd-deploy", found is not None)
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without Scrapy/Scrapyd overrides, plus ``extra``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SCRAPY_", "SCRAPYD_")) and k != "PYTHONPATH"
    }
    env.update(extra)
    return env


@dataclass
class Scrapyd:
    url: str
    home: Path
    output: Path

    def get(self, endpoint: str, **params: str) -> dict:
        return self._check(
            endpoint, self._requests().get(self.url + endpoint, params=params, timeout=30)
        )

    def post(self, endpoint: str, data: list[tuple[str, str]], **kwargs) -> dict:
        response = self._requests().post(self.url + endpoint, data=data, timeout=60, **kwargs)
        return self._check(endpoint, response)

    def log(self) -> str:
        return self.output.read_text(errors="replace")

    def _check(self, endpoint: str, response) -> dict:
        assert response.status_code == 200, f"{endpoint}: HTTP {response.status_code}"
        answer = response.json()
        assert answer.get("status") == "ok", f"{endpoint}: {answer}\n{self.log()[-5000:]}"
        return answer

    @staticmethod
    def _requests():
        import requests

        return requests


@pytest.fixture
def scrapyd(tmp_path: Path, request: pytest.FixtureRequest) -> Scrapyd:
    """A real ``scrapyd`` in tmp_path; stopped (with its jobs) at the end, pass or fail."""
    require_modules("scrapyd", "scrapyd_client", "requests")
    import requests

    home = tmp_path / "scrapyd"
    home.mkdir()
    port = free_port()
    (home / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        f"eggs_dir = {home / 'eggs'}\n"
        f"logs_dir = {home / 'logs'}\n"
        f"items_dir = {home / 'items'}\n"
        f"dbs_dir = {home / 'dbs'}\n"
        "bind_address = 127.0.0.1\n"
        f"http_port = {port}\n"
        "max_proc = 1\n"
        "poll_interval = 0.5\n"
        "username =\n"
        "password =\n"
    )
    # Jobs need tests.support.localsite, but newsbot must come from the egg: put only
    # the tests package on their path, not the repository root.
    python_path = home / "python-path"
    python_path.mkdir()
    (python_path / "tests").symlink_to(ROOT / "tests", target_is_directory=True)
    env = clean_env(
        PYTHONPATH=str(python_path),
        # Override a ~/.scrapyd.conf or /etc/scrapyd that would move the server.
        SCRAPYD_BIND_ADDRESS="127.0.0.1",
        SCRAPYD_HTTP_PORT=str(port),
    )
    output = home / "scrapyd.out"
    with output.open("wb") as out:
        # cwd: Scrapyd reads ./scrapyd.conf; jobs run there too, away from the repo's scrapy.cfg.
        proc = subprocess.Popen(
            [sys.executable, "-m", "scrapyd"],
            cwd=home,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def stop() -> None:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=15)
        try:  # a job Scrapyd left running
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    request.addfinalizer(stop)

    server = Scrapyd(f"http://127.0.0.1:{port}/", home, output)
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if proc.poll() is not None:
            pytest.fail(f"scrapyd exited with {proc.returncode}:\n{server.log()}")
        try:
            answer = requests.get(server.url + "daemonstatus.json", timeout=2).json()
        except (requests.RequestException, ValueError):
            answer = {}
        if answer.get("status") == "ok":
            return server
        if time.monotonic() > deadline:
            pytest.fail(f"scrapyd did not answer in {START_TIMEOUT:.0f} s:\n{server.log()}")
        time.sleep(0.2)


def ignore_local_files(folder: str, names: list[str]) -> set[str]:
    """What a checkout holds besides the project: venvs, caches, build output, exports."""
    top = Path(folder) == ROOT
    return {
        name
        for name in names
        if name == "__pycache__"
        or name.endswith((".egg-info", ".egg", ".pyc"))
        or (top and (name.startswith(".") or name in {"build", "dist", "exports", "venv"}))
    }


def build_egg(tmp_path: Path) -> Path:
    command = deploy_command()
    project = tmp_path / "project"
    shutil.copytree(ROOT, project, ignore=ignore_local_files, symlinks=True)
    egg = tmp_path / "newsbot.egg"
    scratch = tmp_path / "deploy-tmp"  # scrapyd-deploy --build-egg leaves its temp folder
    scratch.mkdir()
    proc = subprocess.run(
        [command, "--build-egg", str(egg), "--debug"],
        cwd=project,
        env=clean_env(TMPDIR=str(scratch)),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0 and egg.is_file(), proc.stdout + proc.stderr
    return egg


def test_deploy_to_scrapyd_and_run_qq(scrapyd: Scrapyd, server, tmp_path: Path):
    egg = build_egg(tmp_path)
    with zipfile.ZipFile(egg) as archive:
        names = archive.namelist()
        entry_points = archive.read("EGG-INFO/entry_points.txt").decode()
    assert "newsbot/sources/qq.py" in names and "newsbot/settings.py" in names
    assert not [name for name in names if name.startswith("tests/")]
    assert "[scrapy]" in entry_points and "settings = newsbot.settings" in entry_points

    with egg.open("rb") as f:
        added = scrapyd.post(
            "addversion.json",
            [("project", PROJECT), ("version", VERSION)],
            files={"egg": ("newsbot.egg", f)},
        )
    assert added["project"] == PROJECT and added["spiders"] >= 1
    assert "qq" in scrapyd.get("listspiders.json", project=PROJECT)["spiders"]

    export_dir = tmp_path / "exports"
    handlers = json.dumps({"http": HANDLER, "https": HANDLER})
    settings = {
        "NEWSBOT_EXPORT_DIR": str(export_dir),
        "DOWNLOAD_HANDLERS": handlers,
        "NEWSBOT_TEST_SITE": server.url,
        "AUTOTHROTTLE_ENABLED": "False",
        "DOWNLOAD_DELAY": "0",
        "TELNETCONSOLE_ENABLED": "False",
    }
    job = scrapyd.post(
        "schedule.json",
        [
            ("project", PROJECT),
            ("spider", "qq"),
            *(("setting", f"{name}={value}") for name, value in settings.items()),
            ("channels", "news_news_tech,news_news_finance"),
            ("pages", "2"),
        ],
    )["jobid"]

    deadline = time.monotonic() + JOB_TIMEOUT
    while True:
        jobs = scrapyd.get("listjobs.json", project=PROJECT)
        if any(finished["id"] == job for finished in jobs["finished"]):
            break
        if time.monotonic() > deadline:
            pytest.fail(
                f"job {job} not finished after {JOB_TIMEOUT:.0f} s: {jobs}\n{scrapyd.log()}"
            )
        time.sleep(0.5)

    log_file = scrapyd.home / "logs" / PROJECT / "qq" / f"{job}.log"
    assert log_file.is_file(), scrapyd.log()
    log = log_file.read_text(errors="replace")
    [report] = [line for line in log.splitlines() if "Report qq:" in line] or [""]
    assert " exported=6 " in report and "(finish reason: finished)" in report, log
    assert "Traceback" not in log, log

    folder = export_dir / "zh-CN" / "news" / "qq"
    written = sorted(export_dir.rglob("*.md"))
    assert {p.name.split(".")[0] for p in written} == WRITTEN, log
    assert {p.parent for p in written} == {folder}

    items = scrapyd.home / "items" / PROJECT / "qq" / f"{job}.jl"
    lines = items.read_text(encoding="utf-8").splitlines()
    assert {json.loads(line)["id"] for line in lines} == WRITTEN
