"""What a source makes of a saved article page, without a fixture folder:

    python -m tests.support.trypage SOURCE PAGE.html URL [CONTENT_TYPE]

For refreshing fixtures from real pages (see each tests/fixtures/<source>/README.md):
prints, as JSON, what the written file would hold (title, date, author, thumbnail,
images, the body's start and end) or why the article is dropped. The page is read
as the site would serve it at URL, with CONTENT_TYPE (default ``text/html``: the
charset comes from the page's ``<meta>``). SOURCE is a hand-written source or a
declared one (``newsbot/sources/<name>.toml``: its article selectors, without a
list entry).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

from newsbot.pages.declared import DeclaredArticlePage, Skipped
from newsbot.settings import NEWSBOT_TIMEZONE
from newsbot.sourceconfig import SourceConfig, load_all
from tests.support.expectations import (
    expectation,
    file_values,
    hand_written_sources,
    saved_response,
)


def declared(config: SourceConfig, page: Path, url: str, content_type: str) -> dict:
    """A declared source's article page object on the page, then the pipeline."""
    response = saved_response(url, page, content_type)
    zone = ZoneInfo(NEWSBOT_TIMEZONE)
    try:
        item = DeclaredArticlePage(config, response.text, url, site_zone=zone).to_item()
    except Skipped as exc:
        return {"skipped": str(exc)}
    return file_values(item)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    configs = load_all()
    parser.add_argument("source", choices=sorted({*hand_written_sources(), *configs}))
    parser.add_argument("page", type=Path, help="the saved page (its bytes as served)")
    parser.add_argument("url", help="the URL the page was served at")
    parser.add_argument("content_type", nargs="?", default="text/html")
    args = parser.parse_args(argv)
    if not args.page.is_file():
        parser.error(f"{args.page}: no such file")
    if args.source not in hand_written_sources():
        values = declared(configs[args.source], args.page, args.url, args.content_type)
        print(json.dumps(values, ensure_ascii=False, indent=1))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        case = Path(tmp)
        shutil.copyfile(args.page, case / "page.html")
        meta = {"url": args.url, "kind": "article", "content_type": args.content_type}
        (case / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        print(json.dumps(expectation(args.source, case), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
