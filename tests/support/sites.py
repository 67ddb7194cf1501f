"""Routes of each source's fixture site (files under tests/fixtures/<source>/)."""

from __future__ import annotations

import json

from tests.support.server import FIXTURES, FixtureSite, Hit, Reply

QQ = FIXTURES / "qq"
QQ_LIST_PATH = "/i.news.qq.com/web_feed/getPCList"
HTML = "text/html; charset=utf-8"
JSON = "application/json;charset=utf-8"


def qq_list(site: FixtureSite, match, hit: Hit) -> Reply:
    try:
        query = json.loads(hit.body or b"{}")
        name = f"{query['channel_id']}_{int(query['page'])}.json"
    except (ValueError, KeyError, TypeError):
        return Reply.json({"code": -1, "message": "参数错误", "data": []})
    path = QQ / "api" / name
    if not path.is_file():  # past the last page: an empty, successful answer
        return Reply.json({"data": [], "code": 0, "message": "", "is_deleted": 0})
    return Reply.file(path, JSON)


def qq_page(site: FixtureSite, match, hit: Hit) -> Reply:
    return Reply.file(QQ / "pages" / f"{match.group(1)}.html", HTML)


def add_qq(site: FixtureSite) -> FixtureSite:
    site.add("POST", QQ_LIST_PATH, qq_list)
    site.add("GET", r"/(?:news|new)\.qq\.com/rain/a/(\w+)", qq_page)
    return site


def qq_busy_reply() -> Reply:
    return Reply.file(QQ / "api" / "busy.json", JSON)


def all_sites() -> FixtureSite:
    return add_qq(FixtureSite())
