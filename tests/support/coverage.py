"""Per-field coverage of the parsers on the saved pages, for every source:

    python -m tests.support.coverage [SOURCE ...]      # default: every source

For each article case (hand-written sources: ``tests/fixtures/<source>/<case>/``
with ``page.html``; declared sources: their article cases and the articles their
list cases carry, as in tests/test_sources.py) it prints which of the fields match
the case's ``expected.json``: title, date (to the minute), author, thumbnail, body
start, body end and the number of body images. ``+`` matches, ``X`` does not, ``.``
the case does not say (no author expected; an article the pipeline drops, where
the first column says whether the drop reason matches; a two-step article whose
answers only the crawl test reads). Exit status 1 when a
field does not match; tests/test_coverage.py runs the same per source.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

FIELDS = ("title", "date", "author", "thumbnail", "body_start", "body_end", "images")
HEADS = ("title", "date", "author", "thumb", "start", "end", "imgs")


@dataclass
class Row:
    source: str
    case: str
    result: dict[str, bool | None] = field(default_factory=dict)  # None: not said
    note: str = ""

    @property
    def mismatches(self) -> list[str]:
        return [name for name in FIELDS if self.result.get(name) is False]


def _flat(text: str) -> str:
    return " ".join((text or "").split())


def compare(got: dict[str, Any], want: dict[str, Any], body: str | None = None) -> dict:
    """Field by field: ``got`` holds title, date (``YYYY-MM-DD HH:MM:SS``), author,
    thumbnail, images (list) and either the whole Markdown ``body`` or its edges
    (``body_start``/``body_end``)."""
    result: dict[str, bool | None] = {
        "title": got.get("title") == want.get("title"),
        "date": str(got.get("date") or "")[:16] == str(want.get("date") or "")[:16]
        and bool(want.get("date")),
        "author": got.get("author") == want["author"] if "author" in want else None,
        "thumbnail": got.get("thumbnail") == want.get("thumbnail"),
        "images": len(got.get("images") or []) == len(want.get("images") or []),
    }
    start, end = _flat(want.get("body_start", "")), _flat(want.get("body_end", ""))
    if body is not None:
        flat = _flat(body)
        result["body_start"] = bool(start) and flat.startswith(start)
        result["body_end"] = bool(end) and flat.endswith(end)
    else:
        result["body_start"] = bool(start) and _flat(got.get("body_start", "")) == start
        result["body_end"] = bool(end) and _flat(got.get("body_end", "")) == end
    return result


def hand_written_rows(source: str) -> Iterator[Row]:
    from tests.support.expectations import article_cases, expectation

    for case in article_cases(source):
        want = json.loads((case / "expected.json").read_text(encoding="utf-8"))
        got = expectation(source, case)
        if "dropped" in want or "dropped" in got:
            same = want.get("dropped") == got.get("dropped")
            note = f"dropped: {want.get('dropped')} / parsers: {got.get('dropped')}"
            yield Row(source, case.name, {name: None for name in FIELDS} | {"title": same}, note)
            continue
        yield Row(source, case.name, compare(got, want))


def declared_rows(name: str) -> Iterator[Row]:
    from newsbot.dates import normalize_date
    from newsbot.html import clean_body
    from newsbot.markdown import to_markdown
    from newsbot.pages.declared import DeclaredArticlePage, Skipped, entry_item
    from tests.test_sources import (
        SITE_ZONE,
        SOURCES,
        _same_entry,
        articles,
        entry_of,
        list_entries,
        list_page,
        lists,
        now_of,
        written,
    )

    config = SOURCES[name]

    def row(case: str, item, want: dict) -> Row:
        cleaned = clean_body(item.body_html, item.url)
        got = {"title": item.title, "author": item.author, "thumbnail": item.thumbnail,
               "date": normalize_date(item.date, SITE_ZONE), "images": cleaned.images}  # fmt: skip
        return Row(name, case, compare(got, want, body=to_markdown(cleaned.html)))

    entries = list_entries(name)
    fmt = config.article.request.format if config.article and config.article.then else ""
    for case in articles(name):
        want = case.expected
        if not written(want) or fmt:
            note = "two-step article: read by the crawl test" if fmt else f"{sorted(want)[0]}"
            yield Row(name, case.name, {name_: None for name_ in FIELDS}, note)
            continue
        page = DeclaredArticlePage(config, case.text(), case.url, entry_of(name, case, entries),
                                   site_zone=SITE_ZONE, now=now_of(name), fmt=fmt)  # fmt: skip
        try:
            item = page.to_item()
        except Skipped as exc:
            yield Row(name, case.name, {"title": False}, f"skipped: {exc}")
            continue
        yield row(case.name, item, want)
    for case in lists(name):
        if not case.expected:
            continue
        page = list_page(name, case)
        for number, want in enumerate(case.listed_articles(), 1):
            if not written(want):
                continue
            label = f"{case.name}#{want.get('id') or number}"
            entry = next((e for e in page.entries if _same_entry(e, want)), None)
            if entry is None:
                yield Row(name, label, {"title": False}, "no list entry")
                continue
            yield row(label, entry_item(config, entry, site_zone=SITE_ZONE, now=now_of(name)), want)


def hand_written_sources() -> list[str]:
    from tests.support.expectations import hand_written_sources as names

    return names()


def declared_sources() -> list[str]:
    from newsbot.sourceconfig import load_all

    return sorted(load_all())


def rows(source: str) -> list[Row]:
    if source in hand_written_sources():
        return list(hand_written_rows(source))
    return list(declared_rows(source))


def table(all_rows: list[Row]) -> str:
    width = max([len(f"{r.source}/{r.case}") for r in all_rows] + [10])
    lines = [f"{'source/case':<{width}}  " + " ".join(f"{h:>6}" for h in HEADS)]
    for r in all_rows:
        marks = ["." if r.result.get(n) is None else "+" if r.result[n] else "X" for n in FIELDS]
        note = f"  {r.note}" if r.note else ""
        name = f"{r.source}/{r.case}"
        lines.append(f"{name:<{width}}  " + " ".join(f"{m:>6}" for m in marks) + note)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sources", nargs="*", help="default: every source")
    args = parser.parse_args(argv)
    sources = args.sources or hand_written_sources() + declared_sources()
    all_rows = [r for source in sources for r in rows(source)]
    print(table(all_rows))
    bad = [r for r in all_rows if r.mismatches]
    counted = sum(1 for r in all_rows for n in FIELDS if r.result.get(n) is not None)
    wrong = sum(len(r.mismatches) for r in bad)
    print(f"\n{len(all_rows)} cases, {counted} fields checked, {wrong} do not match"
          + (f": {', '.join(f'{r.source}/{r.case}' for r in bad)}" if bad else ""))  # fmt: skip
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
