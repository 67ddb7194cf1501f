"""The fault matrix: a local server that misbehaves on purpose, one case per fault.

Every case: bounded retries, then one error line with the URL and the reason, a
stats counter and the run report's error count; the rest of the crawl goes on and
files written before are untouched.
"""

from __future__ import annotations

import frontmatter
import pytest

from tests.support.server import Reply
from tests.support.sites.qq import QQ, QQ_LIST_PATH

SEED = "20250210A06D7U00"
VICTIM = "20261121A0RTRY00"
VICTIM_PATH = f"/news.qq.com/rain/a/{VICTIM}"
VICTIM_URL = f"https://news.qq.com/rain/a/{VICTIM}"
URLS = f"url=https://new.qq.com/rain/a/{SEED},https://new.qq.com/rain/a/{VICTIM}"
PAGE = (QQ / f"{VICTIM}" / "page.html").read_bytes()

CASES = {
    # name: (reply, times it is given, extra settings, stats key, log reason, requests)
    "timeout": (None, 9, {"NEWSBOT_ARTICLE_TIMEOUT": 1}, "newsbot/errors/DownloadTimeoutError",
                "took longer than 1.0 seconds", 3),
    # Twisted resends once on a reused connection that closes: 3 or 4 requests.
    "connection_reset": (Reply(abort=True), 9, {}, "newsbot/errors/DownloadFailedError",
                         "Connection was closed", (3, 4)),
    "truncated_body": (Reply(200, PAGE[:5000], missing_bytes=100_000), 9, {},
                       "newsbot/errors/ResponseDataLossError", "ResponseDataLossError", 3),
    "http_503": (Reply(503, b"<h1>Service Unavailable</h1>"), 9, {}, "newsbot/errors/http_503",
                 "HTTP 503", 3),
    "redirect_loop": (Reply(302, headers={"Location": VICTIM_URL}), 99, {},
                      "newsbot/errors/IgnoreRequest", "redirect loop", 1),
    "redirect_offsite": (Reply(302, headers={"Location": "https://evil.example.com/a"}), 9, {},
                         "newsbot/errors/IgnoreRequest", "redirected to another site", 1),
    "too_large": (Reply(200, PAGE + b" " * 200_000), 9, {"DOWNLOAD_MAXSIZE": 300_000},
                  "newsbot/errors/DownloadCancelledError", "larger than download max size", 1),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CASES))
def test_fault(crawl, site, tmp_path, case):
    reply, times, settings, stats_key, reason, requests = CASES[case]
    if case == "timeout":
        site.state["slow_paths"] = {VICTIM_PATH: 3.0}
    else:
        site.fail(VICTIM_PATH, times=times, reply=reply)
    earlier = tmp_path / "exports" / "zh-CN" / "news" / "qq" / "20200101A0000000.zh-CN.md"
    earlier.parent.mkdir(parents=True)
    earlier.write_bytes(b'---\ntitle: "written by an earlier run"\n---\n\nbody\n')

    result = crawl("qq", "-a", URLS, RETRY_TIMES=2, **settings)

    assert result.returncode == 0, result.log
    assert result.stats.get(stats_key) == 1, (stats_key, result.stats)
    error_lines = [line for line in result.log.splitlines() if " ERROR: " in line]
    assert len(error_lines) == 1, error_lines
    assert f"Request failed: {VICTIM_URL} (" in error_lines[0] and reason in error_lines[0]
    assert "Traceback" not in result.log
    assert " errors=1 " in result.log  # the run report
    made = len(site.requests_to(VICTIM_PATH))
    assert made in requests if isinstance(requests, tuple) else made == requests
    assert site.requests_to("evil.example.com") == []
    names = {p.name for p in result.files()}
    assert f"{SEED}.zh-CN.md" in names and f"{VICTIM}.zh-CN.md" not in names
    assert earlier.read_bytes() == b'---\ntitle: "written by an earlier run"\n---\n\nbody\n'


def test_429_retry_after_is_honoured(crawl, site):
    site.fail(VICTIM_PATH, times=1, reply=Reply(429, b"slow down", headers={"Retry-After": "2"}))
    result = crawl("qq", "-a", URLS)
    first, second = site.requests_to(VICTIM_PATH)
    assert second.at - first.at >= 2.0
    assert result.stats["newsbot/retry_after/waits"] == 1
    assert {p.name for p in result.files()} == {f"{SEED}.zh-CN.md", f"{VICTIM}.zh-CN.md"}


@pytest.mark.parametrize(
    "reply",
    [
        Reply.json({"code": -1, "message": "busy", "data": []}),
        Reply(200, b'{"code": 0, "data": [', "application/json"),
        Reply(200, b"<html><body>502 Bad Gateway</body></html>"),
        Reply(500, b"oops"),
    ],
    ids=["busy", "invalid_json", "html_instead_of_json", "http_500"],
)
def test_list_api_faults(crawl, site, reply):
    site.fail(QQ_LIST_PATH, times=99, reply=reply)
    result = crawl("qq", "-a", "channels=news_news_tech", RETRY_TIMES=1)
    assert result.returncode == 1  # the list failed: nothing discovered
    assert len(site.requests_to(QQ_LIST_PATH)) == 2
    errors = [line for line in result.log.splitlines() if " ERROR: " in line]
    assert len(errors) == 1 and "getPCList" in errors[0]
    assert " errors=1 " in result.log and "Traceback" not in result.log


# --- bad pages: served in place of a good article page ------------------------------

TEXT = PAGE.decode("utf-8")
TITLE = "低空物流航线运营满一年：无人机日均配送突破2000单"
PUBLISHED = "2026-11-21 10:20:33"


def with_date(value: str) -> bytes:
    return TEXT.replace(PUBLISHED, value).encode("utf-8")


def without_title() -> bytes:
    return TEXT.replace(TITLE, "").encode("utf-8")


def not_an_article() -> bytes:
    start = TEXT.index('<div class="rich_media_content">')
    end = (
        TEXT.index("</div>", TEXT.index("</section>", start))
        if "</section>" in TEXT[start:]
        else -1
    )
    body = '<div class="rich_media_content"><p>视频</p></div>'
    page = TEXT[:start] + body + TEXT[end + len("</div>") :]
    # window.DATA's originContent must not give the body back either.
    return page.replace('"originContent":{', '"originContentGone":{').encode("utf-8")


BAD_PAGES = {
    # name: (body, content type, expected: a dropped reason or the date written)
    "missing_title": (without_title(), "text/html; charset=utf-8", ("dropped", "missing_title")),
    "missing_date": (with_date(""), "text/html; charset=utf-8", ("dropped", "missing_date")),
    "unknown_date": (with_date("yesterday"), "text/html; charset=utf-8", ("dropped", "bad_date")),
    "chinese_date": (with_date("2026年11月21日 10:20"), "text/html; charset=utf-8",
                     ("date", "2026-11-21 10:20:00")),
    "iso_utc_date": (with_date("2026-11-21T02:20:33Z"), "text/html; charset=utf-8",
                     ("date", PUBLISHED)),
    "epoch_ms_date": (with_date("1795227633000"), "text/html; charset=utf-8",
                      ("date", PUBLISHED)),
    "not_an_article": (not_an_article(), "text/html; charset=utf-8", ("dropped", "too_short")),
    "gbk_declared_utf8": (TEXT.replace('<meta charset="utf-8" />', "").encode("gb18030"),
                          "text/html; charset=utf-8", ("date", PUBLISHED)),
    "utf8_declared_gbk": (PAGE, "text/html; charset=gbk", ("date", PUBLISHED)),
    "utf8_bom": (b"\xef\xbb\xbf" + PAGE, "text/html; charset=gbk", ("date", PUBLISHED)),
    "malformed_html": (TEXT.replace("</p>", "").replace("</section>", "</div>").encode("utf-8"),
                       "text/html; charset=utf-8", ("date", PUBLISHED)),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BAD_PAGES))
def test_bad_page(crawl, site, case):
    body, content_type, (outcome, value) = BAD_PAGES[case]
    site.fail(VICTIM_PATH, times=9, reply=Reply(200, body, content_type))
    result = crawl("qq", "-a", URLS)
    assert result.returncode == 0 and "Traceback" not in result.log
    path = result.export_dir / "zh-CN" / "news" / "qq" / f"{VICTIM}.zh-CN.md"
    if outcome == "dropped":
        assert result.stats[f"newsbot/dropped/{value}"] == 1
        assert not path.exists()
        return
    post = frontmatter.load(path)
    assert post["date"] == value and post["title"] == TITLE
    assert "\ufffd" not in post.content and "无人机" in post.content
