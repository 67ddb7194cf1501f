"""ifeng fixture site: a shanklist page, its getColumnInfo continuation and article pages
(tests/fixtures/ifeng/)."""

from __future__ import annotations

import json

from tests.support.server import FIXTURES, FixtureSite, Hit, Reply

IFENG = FIXTURES / "ifeng"
IFENG_LIST_PATH = "/news.ifeng.com/shanklist/3-35197-/"
IFENG_MORE_PATH = (
    r"/shankapi\.ifeng\.com/shanklist/_/getColumnInfo/_/default/"
    r"(\d+)/(\d+)/(\d+)/([\d-]+)/getColumnInfoCallback"
)
HTML = "text/html; charset=utf-8"
JSONP = "application/javascript; charset=utf-8"


def ifeng_list(site: FixtureSite, match, hit: Hit) -> Reply:
    return Reply.file(IFENG / match.group(1) / f"{match.group(1)}.html", HTML)


def ifeng_more(site: FixtureSite, match, hit: Hit) -> Reply:
    last_id, column = match.group(1), match.group(4)
    path = IFENG / f"getColumnInfo_{column}_{last_id}" / f"getColumnInfo_{column}_{last_id}.js"
    if path.is_file():
        return Reply.file(path, JSONP)
    end = {"code": 0, "message": "成功", "data": {"newsstream": [], "isEnd": True}}
    body = f"getColumnInfoCallback({json.dumps(end, ensure_ascii=False)})"
    return Reply(200, body.encode("utf-8"), JSONP)


def ifeng_page(site: FixtureSite, match, hit: Hit) -> Reply:
    return Reply.file(IFENG / f"{match.group(1)}" / "page.html", HTML)


def ifeng_busy_reply() -> Reply:
    return Reply.file(IFENG / "busy" / "busy.js", JSONP)


def add(site: FixtureSite) -> None:
    site.add("GET", r"/news\.ifeng\.com/shanklist/(\d+-\d+-)/?", ifeng_list)
    site.add("GET", IFENG_MORE_PATH, ifeng_more)
    site.add("GET", r"/(?:news|finance|tech)\.ifeng\.com/c/(\w+)", ifeng_page)
    # the older pages of channel and regional sites: /a/<yyyymmdd>/<n>_0.shtml
    site.add("GET", r"/[a-z0-9-]+\.ifeng\.com/a/\d{8}/(\d+)_0\.shtml", ifeng_page)
