"""``scrapy render``: a saved feed gives the same files as the crawl that saved it."""

from __future__ import annotations

import json

from tests.conftest import run_scrapy
from tests.test_e2e_qq import CHANNELS


def state(tmp_path) -> list[str]:
    """Keep the run's state (store, runs.jsonl, lock) out of the working copy."""
    return ["-s", f"NEWSBOT_STATE_DIR={tmp_path / 'state'}"]


def tree(folder):
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*.md")}


def test_feed_renders_to_the_crawled_files(crawl, tmp_path):
    feed = tmp_path / "items.jsonl"
    crawled = crawl("qq", *CHANNELS, "-O", str(feed))
    assert len(feed.read_text(encoding="utf-8").splitlines()) == 6
    record = json.loads(feed.read_text(encoding="utf-8").splitlines()[0])
    assert {
        "id",
        "url",
        "source",
        "lang",
        "title",
        "date",
        "author",
        "thumbnail",
        "summary",
        "body_html",
        "body",
    } <= set(record)

    out = tmp_path / "rendered"
    proc = run_scrapy(["render", str(feed), "-s", f"NEWSBOT_EXPORT_DIR={out}", *state(tmp_path)])
    assert proc.returncode == 0, proc.stderr
    assert tree(out) == tree(crawled.export_dir)


def test_body_is_made_from_body_html_when_absent(crawl, tmp_path):
    feed = tmp_path / "items.jsonl"
    crawled = crawl("qq", *CHANNELS, "-O", str(feed))
    stripped = tmp_path / "no-body.jsonl"
    lines = [json.loads(line) for line in feed.read_text(encoding="utf-8").splitlines()]
    for record in lines:
        del record["body"], record["summary"]
    stripped.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in lines) + "\n", encoding="utf-8"
    )
    out = tmp_path / "rendered"
    proc = run_scrapy(
        ["render", str(stripped), "-s", f"NEWSBOT_EXPORT_DIR={out}", *state(tmp_path)]
    )
    assert proc.returncode == 0, proc.stderr
    assert tree(out) == tree(crawled.export_dir)


def test_bad_lines_are_reported_and_the_rest_rendered(tmp_path):
    feed = tmp_path / "items.jsonl"
    good = {
        "id": "a1",
        "url": "https://example.com/a1",
        "source": "demo",
        "lang": "en",
        "title": "T",
        "date": "2025-01-01 08:00:00",
        "body_html": "<p>Hello, this is a rendered test article.</p>",
    }
    feed.write_text("{broken\n" + json.dumps(good) + "\n[1]\n", encoding="utf-8")
    out = tmp_path / "out"
    proc = run_scrapy(["render", str(feed), "-s", f"NEWSBOT_EXPORT_DIR={out}", *state(tmp_path)])
    assert proc.returncode == 1
    assert "line 1 skipped: not JSON" in proc.stderr and "line 3 skipped" in proc.stderr
    assert (
        (out / "en/news/demo/a1.en.md")
        .read_text(encoding="utf-8")
        .endswith("Hello, this is a rendered test article.\n\n[demo](https://example.com/a1)\n")
    )


def test_missing_feed_is_a_usage_error(tmp_path):
    proc = run_scrapy(["render", str(tmp_path / "nope.jsonl"), *state(tmp_path)])
    assert proc.returncode == 2 and "no such feed file" in proc.stderr
