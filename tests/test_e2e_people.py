"""The real people spider through the real Scrapy engine, against the local fixture site."""

from __future__ import annotations

import json
from pathlib import Path

import frontmatter

from tests.support.sites.people import PEOPLE_LIST_PATH, people_maintenance_reply
from tests.test_e2e import assert_files_as_expected

EXPECTED = Path(__file__).parent / "fixtures" / "people"
POLITICS = "http://politics.people.com.cn/GB/1024/index.html"
WWW = "http://www.people.com.cn/GB/59476/index.html"
WRITTEN = {"c1001-44613028", "c1001-44614655", "c1002-44613517", "c1008-44614102"}
GONE = "http://politics.people.com.cn/n1/2026/1119/c1001-44610000.html"


def written_ids(result) -> set[str]:
    return {p.name.split(".")[0] for p in result.files()}


def article_hits(site) -> list[str]:
    return [hit.path for hit in site.requests_to(r"\.people\.com\.cn/n1/")]


def test_crawl_writes_one_file_per_article(crawl, site):
    site.fail("/society.people.com.cn/n1/2026/1121/c1008-44614102.html", times=1)
    result = crawl("people", "-a", f"lists={POLITICS},{WWW}")
    assert result.returncode == 0, result.log

    assert written_ids(result) == WRITTEN
    folder = result.export_dir / "zh-CN" / "news" / "people"
    assert {p.parent for p in result.files()} == {folder}
    assert_files_as_expected(result, "people")
    for path in result.files():
        want = json.loads((EXPECTED / path.name.split(".")[0] / "expected.json").read_text("utf-8"))
        post = frontmatter.load(path)
        assert post["summary"].startswith(want["first_paragraph"][:30])
        assert want["last_paragraph"][-20:] in post.content
    gbk_only = (folder / "c1001-44613028.zh-CN.md").read_text("utf-8")
    assert "王喆、刘堃" in gbk_only and "林镕" in gbk_only  # GBK, not GB2312, characters

    stats = result.stats
    assert stats["newsbot/discovered"] == 5
    assert stats["newsbot/exported/written"] == 4
    assert stats["newsbot/list/duplicate"] == 2
    assert stats["newsbot/skipped/not_article"] == 2
    assert stats["newsbot/errors/http_404"] == 1
    assert f"Request failed: {GONE} (HTTP 404)" in result.log
    assert "Report people: discovered=5 new=5 exported=4" in result.log
    assert "Traceback" not in result.log

    # Each article page once, the page that failed once twice; sidebar links never.
    pages = article_hits(site)
    assert len(pages) == len(set(pages)) + 1
    assert len(set(pages)) == 5
    assert not [p for p in pages if "44608812" in p or "44610233" in p]


def test_pages_argument_reads_the_next_list_pages_while_there_are_some(crawl, site):
    result = crawl("people", "-a", f"lists={POLITICS}", "-a", "pages=3")
    lists = sorted(hit.path for hit in site.requests_to(r"/GB/1024/"))
    # Page 2 is the last one (its pager has no link to page 3): page 3 is not requested.
    assert lists == [PEOPLE_LIST_PATH, PEOPLE_LIST_PATH.replace("index.html", "index2.html")]
    assert f"List {POLITICS} has no page 3" in result.log
    assert written_ids(result) == WRITTEN  # c1008-44614102 is listed on page 2 only
    assert result.stats["newsbot/list/duplicate"] == 1
    assert result.stats["newsbot/errors/http_404"] == 1  # the gone article, nothing else


def test_list_page_without_a_list_is_retried_then_one_error(crawl, site):
    site.fail(PEOPLE_LIST_PATH, times=100, reply=people_maintenance_reply())
    result = crawl("people", "-a", f"lists={POLITICS}", RETRY_TIMES=2)
    assert result.returncode == 1  # nothing discovered: the source failed (#18)
    assert len(site.requests_to(PEOPLE_LIST_PATH)) == 3
    assert result.stats["newsbot/errors/list_api"] == 1
    assert f"List failed: page 1 ({POLITICS}): no article list" in result.log
    assert result.files() == []
    assert "Traceback" not in result.log


def test_url_argument_skips_discovery_and_a_second_run_requests_nothing(crawl, site):
    urls = (
        "url=http://world.people.com.cn/n1/2026/1120/c1002-44613517.html,"
        "https://politics.people.com.cn/n1/2026/1121/c1001-44614655.html?from=share"
    )
    result = crawl("people", "-a", urls)
    assert written_ids(result) == {"c1002-44613517", "c1001-44614655"}
    assert site.requests_to(r"/GB/") == []
    post = frontmatter.load(result.export_dir / "zh-CN/news/people/c1001-44614655.zh-CN.md")
    assert post.content.endswith(
        "[people](http://politics.people.com.cn/n1/2026/1121/c1001-44614655.html)"
    )

    again = crawl("people", "-a", urls)
    assert again.stats["newsbot/skipped/already_exported"] == 2
    assert len(article_hits(site)) == 2


def test_bad_url_argument_is_a_clear_error(crawl):
    result = crawl("people", "-a", "url=https://www.people.com.cn/GB/59476/index.html")
    assert "is not a people.com.cn article URL" in result.log
    assert result.returncode == 2 and result.files() == []
    assert "Traceback" not in result.log


PAGED = "http://politics.people.com.cn/n1/2026/1123/c1001-44615901.html"
PAGED_3 = "/politics.people.com.cn/n1/2026/1123/c1001-44615901-3.html"


def test_an_article_over_three_pages_is_written_whole(crawl, site):
    result = crawl("people", "-a", f"url={PAGED}")
    assert result.returncode == 0, result.log
    (path,) = result.files()
    body = frontmatter.load(path).content
    parts = ["本报北京11月22日电", "在湖南长沙", "明年有关方面将继续推进"]  # pages 1, 2, 3
    assert [body.find(part) for part in parts] == sorted(body.find(part) for part in parts)
    assert -1 not in [body.find(part) for part in parts]
    assert "【2】" not in body and "next_b.gif" not in body
    hits = [hit.path for hit in site.requests_to(r"c1001-44615901")]
    assert [h.rsplit("/", 1)[1] for h in hits] == [
        "c1001-44615901.html",
        "c1001-44615901-2.html",
        "c1001-44615901-3.html",
    ]
    assert result.stats["newsbot/article/pages"] == 2
    assert result.stats["newsbot/exported/written"] == 1


def test_an_article_whose_last_page_fails_is_not_written_until_it_can_be_whole(crawl, site):
    site.fail(PAGED_3, times=100)
    result = crawl("people", "-a", f"url={PAGED}", RETRY_TIMES=1)
    assert result.files() == []
    assert result.stats["newsbot/dropped/incomplete"] == 1
    assert result.stats["newsbot/errors/http_500"] == 1
    assert f"Article {PAGED} not written: one of its pages failed" in result.log

    site.failures.clear()
    again = crawl("people", "-a", f"url={PAGED}")
    (path,) = again.files()
    assert "明年有关方面将继续推进" in path.read_text("utf-8")
