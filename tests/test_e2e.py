"""Every hand-written source through the real Scrapy engine, against its fixture site:
``scrapy crawl <source> -a url=<every saved article page>`` writes exactly the files
of the pages that are not dropped, each as its ``expected.json`` says.

What is particular to a source (its lists, paging, faults, arguments) is in
``tests/test_e2e_<source>.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import frontmatter
import pytest

from tests.support.expectations import FIXTURES, article_cases, hand_written_sources


def saved_pages(source: str) -> list[tuple[dict, dict]]:
    """(meta, expected) of each saved article page of a source."""
    return [
        (
            json.loads((case / "meta.json").read_text("utf-8")),
            json.loads((case / "expected.json").read_text("utf-8")),
        )
        for case in article_cases(source)
    ]


def assert_written_as_expected(path: Path, want: dict) -> frontmatter.Post:
    """The file holds what the saved page's expected.json says: title, date, label,
    language, the source line, the body images, nothing of ``must_not_contain``."""
    post = frontmatter.load(path)
    assert post["title"] == want["title"] and post["date"] == want["date"]
    assert post["categories"] == [want["label"]] and post["tags"] == [want["label"]]
    assert post["lang"] == [want["lang"]]
    assert post.content.endswith(f"[{want['label']}]({want['url']})")
    for image in want["images"]:
        assert f"]({image})" in post.content
    for needle in want.get("must_not_contain", []):
        assert needle not in post.content
    assert "\ufffd" not in path.read_text("utf-8")
    return post


def assert_files_as_expected(result, source: str) -> None:
    """Every file a crawl of ``source`` wrote is one of its saved pages, as expected."""
    for path in result.files():
        case = FIXTURES / source / path.name.split(".")[0]
        assert_written_as_expected(path, json.loads((case / "expected.json").read_text("utf-8")))


@pytest.mark.parametrize("source", hand_written_sources())
def test_every_saved_page_is_written_as_expected(crawl, source):
    pages = saved_pages(source)
    assert pages, f"{source}: add its saved pages under {FIXTURES / source}"
    urls = ",".join(meta["url"] for meta, _ in pages)
    result = crawl(source, "-a", f"url={urls}")
    assert result.returncode == 0, result.log
    assert "Traceback" not in result.log

    written = [want for _, want in pages if "dropped" not in want]
    assert sorted(p.relative_to(result.export_dir).as_posix() for p in result.files()) == sorted(
        want["path"] for want in written
    )
    for want in written:
        post = assert_written_as_expected(result.export_dir / want["path"], want)
        assert post["thumbnail"] == want["thumbnail"]
        assert want["body_start"] in post.content and want["body_end"] in post.content
    dropped = [want["dropped"] for _, want in pages if "dropped" in want]
    for reason in set(dropped):
        assert result.stats[f"newsbot/dropped/{reason}"] == dropped.count(reason)
