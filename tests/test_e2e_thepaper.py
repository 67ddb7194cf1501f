"""The real thepaper spider through the real Scrapy engine, against the local fixture site."""

from __future__ import annotations

import json
from pathlib import Path

import frontmatter

from tests.support.server import Reply
from tests.support.sites.thepaper import PAPER_LIST_PATH, paper_busy_reply
from tests.test_e2e import assert_files_as_expected

EXPECTED = Path(__file__).parent / "fixtures" / "thepaper"
WRITTEN = {"34201001", "34201077", "34202310"}
CHANNELS = ("-a", "channels=25950,25951,119908", "-a", "pages=2")


def page_path(cont_id: str) -> str:
    return f"/www.thepaper.cn/newsDetail_forward_{cont_id}"


def written_ids(result) -> set[str]:
    return {p.name.split(".")[0] for p in result.files()}


def list_bodies(site) -> list[dict]:
    return [json.loads(hit.body) for hit in site.requests_to(PAPER_LIST_PATH)]


def test_crawl_writes_one_file_per_article(crawl, site):
    site.fail(PAPER_LIST_PATH, times=1, reply=paper_busy_reply())
    site.fail(page_path("34201077"), times=1)
    result = crawl("thepaper", *CHANNELS)
    assert result.returncode == 0, result.log

    assert written_ids(result) == WRITTEN
    folder = result.export_dir / "zh-CN" / "news" / "thepaper"
    assert {p.parent for p in result.files()} == {folder}
    assert_files_as_expected(result, "thepaper")
    for path in result.files():
        want = json.loads((EXPECTED / path.name.split(".")[0] / "expected.json").read_text())
        post = frontmatter.load(path)
        assert post["thumbnail"] == want["thumbnail"]
        assert want["first_paragraph"] in post.content
        images = [line for line in post.content.splitlines() if line.startswith("![")]
        assert [line[line.index("(") + 1 : -1] for line in images] == want["images"]

    stats = result.stats
    assert stats["newsbot/exported/written"] == 3
    assert stats["newsbot/dropped/missing_title"] == 1  # the live page
    assert stats["newsbot/skipped/not_article"] == 1  # the external-link card
    assert stats["newsbot/list/duplicate"] == 3
    assert stats["newsbot/errors/http_404"] == 1
    assert (
        "Request failed: https://www.thepaper.cn/newsDetail_forward_34203999 (HTTP 404)"
        in result.log
    )
    assert "Report thepaper: discovered=5 new=5 exported=3" in result.log
    assert "Traceback" not in result.log

    # Every article page once, but the planned retry of the one that answered 500.
    pages = [hit.path for hit in site.requests_to(r"/newsDetail_forward_")]
    assert pages.count(page_path("34201077")) == 2
    assert len(pages) == len(set(pages)) + 1 == 5 + 1
    # Three channels x two pages, plus the retry of the busy answer.
    bodies = list_bodies(site)
    assert len(bodies) == 3 * 2 + 1
    assert {(b["channelId"], b["pageNum"]) for b in bodies} == {
        (c, n) for c in ("25950", "25951", "119908") for n in (1, 2)
    }


def test_list_requests_carry_the_site_headers_and_the_paging_cursor(crawl, site):
    crawl("thepaper", "-a", "channels=25950", "-a", "pages=2")
    first, second = list_bodies(site)
    assert first == {
        "channelId": "25950",
        "excludeContIds": [],
        "province": None,
        "pageSize": 20,
        "startTime": "",
        "pageNum": 1,
    }
    page_1 = json.loads((EXPECTED / "25950_1" / "25950_1.json").read_text(encoding="utf-8"))
    assert second["pageNum"] == 2 and second["startTime"] == page_1["data"]["startTime"]


def test_a_second_run_requests_list_pages_only(crawl, site):
    crawl("thepaper")  # default channels, first page each
    before = len(site.requests_to(r"/newsDetail_forward_"))
    result = crawl("thepaper")
    assert len(site.requests_to(r"/newsDetail_forward_")) == before
    assert result.stats["newsbot/skipped/already_exported"] == 3
    assert result.stats["newsbot/skipped/rejected_before"] == 2  # the 404 and the live page
    assert "exported=0" in result.log


def test_api_busy_every_time_is_one_error_and_the_crawl_goes_on(crawl, site):
    site.fail(PAPER_LIST_PATH, times=100, reply=paper_busy_reply())
    result = crawl("thepaper", "-a", "channels=25950", RETRY_TIMES=2)
    assert result.returncode == 1  # nothing discovered: the source failed (#18)
    assert len(site.requests_to(PAPER_LIST_PATH)) == 3
    assert result.stats["newsbot/errors/list_api"] == 1
    assert "List failed: channel 25950 page 1" in result.log
    assert "系统繁忙" in result.log
    assert result.files() == []


def test_waf_html_page_is_a_list_error(crawl, site):
    site.fail(PAPER_LIST_PATH, times=100, reply=Reply(403, b"<html>WAF</html>"))
    result = crawl("thepaper", "-a", "channels=25950", RETRY_TIMES=0)
    assert result.stats["newsbot/errors/http_403"] == 1
    site.fail(PAPER_LIST_PATH, times=100, reply=Reply(200, b"<html>WAF</html>"))
    result = crawl("thepaper", "-a", "channels=25950", RETRY_TIMES=0)
    assert result.stats["newsbot/errors/list_api"] == 1
    assert "Traceback" not in result.log


def test_url_argument_skips_discovery(crawl, site):
    result = crawl(
        "thepaper",
        "-a",
        "url=https://m.thepaper.cn/detail/34201001,"
        "https://www.thepaper.cn/newsDetail_forward_34202310?commTag=true,"
        "https://www.thepaper.cn/newsDetail_forward_34201001",
    )
    assert written_ids(result) == {"34201001", "34202310"}
    assert site.requests_to(PAPER_LIST_PATH) == []
    assert result.stats["newsbot/list/duplicate"] == 1


def test_bad_url_argument_is_a_clear_error(crawl):
    result = crawl("thepaper", "-a", "url=https://www.thepaper.cn/channel_25950")
    assert "is not a The Paper article URL" in result.log
    assert result.returncode == 2 and result.files() == []
    assert "Traceback" not in result.log
