"""The Paper fixture site: getByChannelId answers and article pages (tests/fixtures/thepaper/)."""

from __future__ import annotations

import json

from tests.support.server import FIXTURES, FixtureSite, Hit, Reply

PAPER = FIXTURES / "thepaper"
PAPER_LIST_PATH = "/api.thepaper.cn/contentapi/nodeCont/getByChannelId"
HTML = "text/html; charset=utf-8"
JSON = "application/json;charset=UTF-8"


def paper_list(site: FixtureSite, match, hit: Hit) -> Reply:
    try:
        query = json.loads(hit.body or b"{}")
        key = (str(query["channelId"]), int(query["pageNum"]))
    except (ValueError, KeyError, TypeError):
        return Reply.json({"code": 10000, "desc": "请求无效", "data": None})
    path = PAPER / f"{key[0]}_{key[1]}" / f"{key[0]}_{key[1]}.json"
    if path.is_file():
        return Reply.file(path, JSON)
    past_the_end = {"list": [], "hasNext": False, "startTime": query.get("startTime")}
    return Reply.json({"code": 200, "data": past_the_end, "desc": "success"})


def paper_page(site: FixtureSite, match, hit: Hit) -> Reply:
    return Reply.file(PAPER / f"{match.group(1)}" / "page.html", HTML)


def paper_busy_reply() -> Reply:
    return Reply.file(PAPER / "busy" / "busy.json", JSON)


def add(site: FixtureSite) -> None:
    site.add("POST", PAPER_LIST_PATH, paper_list)
    site.add("GET", r"/www\.thepaper\.cn/newsDetail_forward_(\d+)", paper_page)
