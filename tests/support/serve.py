"""Serve the fixture sites by hand: ``python -m tests.support.serve [--port N]``.

Prints the settings that point a crawl at it, e.g.::

    PYTHONPATH=. scrapy crawl qq -a channels=news_news_tech -a pages=2 <printed settings>

``PYTHONPATH=.``: the test download handler is ``tests.support.localsite``, and a
dependency (scrapy-impersonate) installs a top-level ``tests`` package of its own.
"""

from __future__ import annotations

import argparse
import json
import time

from tests.support.server import FixtureServer
from tests.support.sites import all_sites

HANDLER = "tests.support.localsite.LocalSiteHandler"


def crawl_settings(url: str) -> list[str]:
    handlers = json.dumps({"http": HANDLER, "https": HANDLER})
    return ["-s", f"DOWNLOAD_HANDLERS={handlers}", "-s", f"NEWSBOT_TEST_SITE={url}"]


def shell_flags(url: str) -> str:
    """The crawl settings for the server at ``url``, quoted for a shell."""
    return " ".join(
        f"'{part}'" if " " in part or "{" in part else part for part in crawl_settings(url)
    )


def wait_for_interrupt() -> None:
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8800)
    args = parser.parse_args()
    with FixtureServer(all_sites(), args.port) as server:
        flags = shell_flags(server.url)
        print(f"Fixture sites at {server.url}. Crawl them (from this folder) with:\n"
              f"  PYTHONPATH=. scrapy crawl qq {flags}")  # fmt: skip
        wait_for_interrupt()


if __name__ == "__main__":
    main()
