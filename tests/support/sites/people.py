"""People's Daily Online fixture site: GB list pages and GBK article pages (tests/fixtures/people/).

Each article page is served with the Content-Type its expected/<id>.json names
(``charset=gb2312``, ``charset=GBK`` or no charset at all), as the site does.
"""

from __future__ import annotations

import json
import re

from tests.support.server import FIXTURES, FixtureSite, Hit, Reply

PEOPLE = FIXTURES / "people"
GBK_HTML = "text/html; charset=GBK"
PEOPLE_LIST_PATH = "/politics.people.com.cn/GB/1024/index.html"


def people_list(site: FixtureSite, match, hit: Hit) -> Reply:
    host, rest = match.groups()
    nodes, page = re.fullmatch(r"((?:\d+/)+)index(\d*)\.html", rest).groups()
    case = "-".join([host.split(".")[0], *nodes.strip("/").split("/"), *([page] if page else [])])
    return Reply.file(PEOPLE / case / f"index{page}.html", GBK_HTML)


def people_page(site: FixtureSite, match, hit: Hit) -> Reply:
    """An article's page 1 (``page.html``) or page n (``-n.html``: ``page-n.html``)."""
    article_id, number = match.groups()
    expected = PEOPLE / f"{article_id}" / "expected.json"
    content_type = GBK_HTML
    if expected.is_file():
        content_type = json.loads(expected.read_text("utf-8")).get("content_type", GBK_HTML)
    name = f"page-{number}.html" if number else "page.html"
    return Reply.file(PEOPLE / f"{article_id}" / name, content_type)


def people_maintenance_reply() -> Reply:
    """What the site answers instead of a list page while it is down: 200, no list."""
    return Reply.file(PEOPLE / "maintenance" / "maintenance.html", GBK_HTML)


def add(site: FixtureSite) -> None:
    site.add("GET", r"/([a-z0-9.-]+\.people\.com\.cn)/GB/((?:\d+/)+index\d*\.html)", people_list)
    article = r"/[a-z0-9.-]+\.people\.com\.cn/n\d*/\d{4}/\d{4}/(c\d+-\d+)(?:-(\d+))?\.html"
    site.add("GET", article, people_page)
