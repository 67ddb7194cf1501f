"""Sina fixture site: roll API answers and PC article pages (tests/fixtures/sina/)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tests.support.server import FIXTURES, FixtureSite, Hit, Reply

SINA = FIXTURES / "sina"
SINA_LIST_PATH = "/feed.mix.sina.com.cn/api/roll/get"
HTML = "text/html; charset=utf-8"
JSON = "application/json; charset=utf-8"


def sina_list(site: FixtureSite, match, hit: Hit) -> Reply:
    query = parse_qs(urlsplit(hit.path).query)
    lid, page = query.get("lid", [""])[0], query.get("page", ["1"])[0]
    if query.get("pageid") != ["153"] or not lid.isdigit() or not page.isdigit():
        return Reply.json({"result": {"status": {"code": 2, "msg": "参数错误"}, "data": []}})
    path = SINA / f"{lid}_{int(page)}" / f"{lid}_{int(page)}.json"
    if path.is_file():
        return Reply.file(path, JSON)
    # Past the last page (or an unknown lid): a success with no items.
    empty = {"status": {"code": 0, "msg": "succ"}, "lid": lid, "total": 0, "data": []}
    return Reply.json({"result": empty})


def sina_page(site: FixtureSite, match, hit: Hit) -> Reply:
    return Reply.file(SINA / f"{match.group(1)}" / "page.html", HTML)


def add(site: FixtureSite) -> None:
    site.add("GET", SINA_LIST_PATH, sina_list)
    site.add("GET", r"/[a-z0-9.-]+\.sina\.com\.cn/(?:[\w.-]+/)*doc-i(\w+)\.shtml", sina_page)


def sina_error_reply() -> Reply:
    return Reply.file(SINA / "error" / "error.json", JSON)
