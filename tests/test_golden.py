"""The output format, byte for byte, against the consuming site's reference file."""

from __future__ import annotations

from pathlib import Path

import frontmatter

from newsbot.frontmatter import render_document
from newsbot.items import Article
from newsbot.pipelines import NormalisePipeline
from tests.conftest import make_crawler

GOLDEN = Path(__file__).parent / "fixtures" / "golden" / "20250210A06D7U00.zh-CN.md"


def seed_article() -> Article:
    text = GOLDEN.read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[1].rsplit("\n\n[qq](", 1)[0].strip()
    return Article(
        id="20250210A06D7U00",
        url="https://new.qq.com/rain/a/20250210A06D7U00",
        source="qq",
        lang="zh-CN",
        title="DeepSeek为何“多云”？",
        date="2025-02-10 17:29:04",
        thumbnail="https://inews.gtimg.com/om_ls/ODQdQPEsWQ7v1CaFYvxOOkVJjVkQ-kulPXn5arewa_0_cAA_640360/0",
        body=body,
    )


def test_seed_item_renders_to_the_reference_bytes():
    item = NormalisePipeline.from_crawler(make_crawler()).process_item(seed_article())
    assert render_document(item).encode("utf-8") == GOLDEN.read_bytes()


def test_reference_file_reads_back_with_python_frontmatter():
    post = frontmatter.loads(GOLDEN.read_text(encoding="utf-8"))
    assert post["title"] == "DeepSeek为何“多云”？"
    assert post["date"] == "2025-02-10 17:29:04"
    assert post["categories"] == ["qq"] and post["widgets"] == ["search", "recent", "taglist"]
    assert post["comments"] is False and post["pager"] is True
