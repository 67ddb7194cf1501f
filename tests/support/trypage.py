"""What a hand-written source makes of a saved page, without a fixture folder:

    python -m tests.support.trypage SOURCE PAGE.html URL [CONTENT_TYPE]

For refreshing fixtures from real pages (see each tests/fixtures/<source>/README.md):
prints, as JSON, what the written file would hold (title, date, author, thumbnail,
images, the body's start and end) or why the article is dropped. The page is read
as the site would serve it at URL, with CONTENT_TYPE (default ``text/html``: the
charset comes from the page's ``<meta>``).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

from tests.support.expectations import expectation, hand_written_sources


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", choices=hand_written_sources())
    parser.add_argument("page", type=Path, help="the saved page (its bytes as served)")
    parser.add_argument("url", help="the URL the page was served at")
    parser.add_argument("content_type", nargs="?", default="text/html")
    args = parser.parse_args(argv)
    if not args.page.is_file():
        parser.error(f"{args.page}: no such file")
    with tempfile.TemporaryDirectory() as tmp:
        case = Path(tmp)
        shutil.copyfile(args.page, case / "page.html")
        meta = {"url": args.url, "kind": "article", "content_type": args.content_type}
        (case / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        print(json.dumps(expectation(args.source, case), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
