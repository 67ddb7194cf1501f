"""``python -m tests.support.trypage``: a saved page through a source's parsers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.trypage import main

CASE = Path(__file__).parent / "fixtures" / "people" / "c1001-44613028"


def test_prints_what_the_file_would_hold(capsys):
    meta = json.loads((CASE / "meta.json").read_text("utf-8"))
    assert main(["people", str(CASE / "page.html"), meta["url"], meta["content_type"]]) == 0
    got = json.loads(capsys.readouterr().out)
    want = json.loads((CASE / "expected.json").read_text("utf-8"))
    assert {k: got[k] for k in ("title", "date", "author", "body_end")} == {
        k: want[k] for k in ("title", "date", "author", "body_end")
    }


def test_a_missing_page_is_a_usage_error(capsys, tmp_path):
    with pytest.raises(SystemExit) as exit:
        main(["people", str(tmp_path / "nothing.html"), "http://x.people.com.cn/"])
    assert exit.value.code == 2 and "no such file" in capsys.readouterr().err


def test_a_declared_source_reads_the_page_with_its_article_selectors(capsys):
    """Without the list entry the page alone gives the fields (the crawl's list may give
    some of them first): title, author and body are the page's here."""
    case = CASE.parent.parent / "techcrunch" / "article-post"
    meta = json.loads((case / "meta.json").read_text("utf-8"))
    want = json.loads((case / "expected.json").read_text("utf-8"))
    assert main(["techcrunch", str(case / "page.html"), meta["url"]]) == 0
    got = json.loads(capsys.readouterr().out)
    assert (got["title"], got["author"]) == (want["title"], want["author"])
    assert got["body_end"][-40:] == want["body_end"][-40:]


def test_an_unknown_source_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit:
        main(["nosuchsource", str(CASE / "page.html"), "http://x/"])
    assert exit.value.code == 2 and "invalid choice" in capsys.readouterr().err
