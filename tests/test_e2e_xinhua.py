"""The real xinhua spider through the real Scrapy engine, against the local fixture site."""

from __future__ import annotations

import json
from pathlib import Path

import frontmatter

from tests.support.sites.xinhua import POLITICS_DS, TECH_DS, xinhua_blocked_reply
from tests.test_e2e import assert_files_as_expected

EXPECTED = Path(__file__).parent / "fixtures" / "xinhua"
WRITTEN = {"20261120-7c3e5a91", "20261121-a4f09d2e", "20240611-3f0c9e1b5d7a4c2e8b6f1a0d9e2c4b7a"}
GONE = "https://www.news.cn/politics/20261119/0d9e8f71/c.html"
COVER = "https://www.news.cn/tech/20261121/a4f09d2e/20261121a4f09d2e_cover.jpg"


def written_ids(result) -> set[str]:
    return {p.name.split(".")[0] for p in result.files()}


def page_hits(site) -> list[str]:
    return [hit.path for hit in site.requests_to(r"/c\.html$")]


def test_crawl_writes_one_file_per_article(crawl, site):
    site.fail("/www.news.cn/tech/20261121/a4f09d2e/c.html", times=1)
    result = crawl(
        "xinhua",
        "-a",
        "pages=2",  # two screens of two rows: the first four rows of each ds file
        NEWSBOT_XINHUA_DS_FILES=f"{POLITICS_DS},{TECH_DS}",
        NEWSBOT_XINHUA_PAGE_SIZE=2,
    )
    assert result.returncode == 0, result.log

    assert written_ids(result) == WRITTEN
    folder = result.export_dir / "zh-CN" / "news" / "xinhua"
    assert {p.parent for p in result.files()} == {folder}
    assert_files_as_expected(result, "xinhua")
    for path in result.files():
        want = json.loads((EXPECTED / path.name.split(".")[0] / "expected.json").read_text("utf-8"))
        assert frontmatter.load(path)["summary"].startswith(want["first_paragraph"][:30])
    # The cover comes from the list row (the page has none); Link rows give none.
    assert frontmatter.load(folder / "20261121-a4f09d2e.zh-CN.md")["thumbnail"] == COVER
    assert frontmatter.load(folder / "20261120-7c3e5a91.zh-CN.md")["thumbnail"] == ""

    stats = result.stats
    assert stats["newsbot/discovered"] == 5
    assert stats["newsbot/exported/written"] == 3
    assert stats["newsbot/dropped/empty_body"] == 1  # the video-only page
    assert stats["newsbot/skipped/not_article"] == 2  # gov.cn link, topic page
    assert stats["newsbot/list/duplicate"] == 1
    assert stats["newsbot/errors/http_404"] == 1
    assert f"Request failed: {GONE} (HTTP 404)" in result.log
    assert "Report xinhua: discovered=5 new=5 exported=3" in result.log
    assert "Traceback" not in result.log

    # Rows past pages x page size are not read; no page twice but the planned retry.
    pages = page_hits(site)
    assert len(set(pages)) == 5 and len(pages) == 6
    assert all("/politics/2026111" not in p or "0d9e8f71" in p for p in pages)


def test_list_data_answering_html_is_retried_then_one_error(crawl, site):
    path = "/www.news.cn/politics/ds_a6d618872de143bdafa2556915a7ae12.json"
    site.fail(path, times=100, reply=xinhua_blocked_reply())
    result = crawl("xinhua", "-a", f"lists={POLITICS_DS}", RETRY_TIMES=2)
    assert result.returncode == 1  # nothing discovered: the source failed (#18)
    assert len(site.requests_to(path)) == 3
    assert result.stats["newsbot/errors/list_api"] == 1
    assert f"List failed: list data ({POLITICS_DS}): answer is not a JSON object" in result.log
    assert result.files() == [] and page_hits(site) == []
    assert "Traceback" not in result.log


def test_missing_list_data_file_is_one_request_error(crawl, site):
    missing = "https://www.news.cn/world/ds_8d5294ed513c4779af6242a3623aa27b.json"
    result = crawl("xinhua", "-a", f"lists={missing}")
    assert result.returncode == 1  # nothing discovered: the source failed (#18)
    assert f"Request failed: {missing} (HTTP 404)" in result.log
    assert result.stats["newsbot/errors/http_404"] == 1
    assert "Traceback" not in result.log


def test_url_argument_skips_discovery(crawl, site):
    result = crawl(
        "xinhua",
        "-a",
        "url=http://www.news.cn/politics/20261120/7c3e5a91/c.html,"
        "https://www.news.cn/20240611/3F0C9E1B5D7A4C2E8B6F1A0D9E2C4B7A/c.html",
    )
    assert written_ids(result) == {"20261120-7c3e5a91", "20240611-3f0c9e1b5d7a4c2e8b6f1a0d9e2c4b7a"}
    assert site.requests_to(r"ds_") == []
    post = frontmatter.load(result.export_dir / "zh-CN/news/xinhua/20261120-7c3e5a91.zh-CN.md")
    assert post.content.endswith("[xinhua](https://www.news.cn/politics/20261120/7c3e5a91/c.html)")


def test_the_older_c_number_htm_form_is_an_article_url(crawl, site):
    """news.cn still served /<channel>/<YYYY-MM>/<DD>/c_<number>.htm pages in 2023."""
    result = crawl("xinhua", "-a", "url=http://www.news.cn/politics/2022-09/29/c_1129043317.htm")
    assert result.returncode == 0, result.log
    assert written_ids(result) == {"20220929-c1129043317"}
    (path,) = result.files()
    post = frontmatter.load(path)
    assert post["date"] == "2022-09-29 16:09:32"
    assert "![](https://www.news.cn/politics/2022-09/29/1129043317_16644391205512n.jpg)" in (
        post.content
    )
    assert post.content.endswith("[xinhua](https://www.news.cn/politics/2022-09/29/c_1129043317.htm)")


def test_bad_arguments_are_clear_errors(crawl):
    result = crawl("xinhua", "-a", "url=https://www.news.cn/politics/index.html")
    assert "is not a news.cn article URL" in result.log
    assert result.returncode == 2 and result.files() == []
    result = crawl("xinhua", "-a", "lists=https://www.news.cn/politics/")
    assert "is not a news.cn list data URL" in result.log
    assert result.returncode == 2
    assert "Traceback" not in result.log
