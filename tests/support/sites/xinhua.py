"""Xinhua fixture site: ds_<id>.json list data and article pages (tests/fixtures/xinhua/)."""

from __future__ import annotations

from tests.support.server import FIXTURES, FixtureSite, Hit, Reply

XINHUA = FIXTURES / "xinhua"
HTML = "text/html; charset=utf-8"
JSON = "application/json"
POLITICS_DS = "https://www.news.cn/politics/ds_a6d618872de143bdafa2556915a7ae12.json"
TECH_DS = "https://www.news.cn/tech/ds_fd79514d92f34849bc8baef7ce3d5aae.json"


def xinhua_ds(site: FixtureSite, match, hit: Hit) -> Reply:
    channel, ds_id = match.groups()
    return Reply.file(XINHUA / channel.strip("/") / f"ds_{ds_id}.json", JSON)


def xinhua_page(site: FixtureSite, match, hit: Hit) -> Reply:
    day, key = match.groups()
    return Reply.file(XINHUA / f"{day}-{key}" / "page.html", HTML)


def xinhua_old_page(site: FixtureSite, match, hit: Hit) -> Reply:
    """The older ``<YYYY-MM>/<DD>/c_<number>.htm`` form: case ``<YYYYMMDD>-c<number>``."""
    year, month, day, number = match.groups()
    return Reply.file(XINHUA / f"{year}{month}{day}-c{number}" / "page.html", HTML)


def xinhua_blocked_reply() -> Reply:
    """An HTML "too many requests" page with status 200 where the JSON should be."""
    return Reply.file(XINHUA / "blocked" / "blocked.html", HTML)


def add(site: FixtureSite) -> None:
    site.add("GET", r"/www\.news\.cn/((?:[\w-]+/)*)ds_([0-9a-f]{32})\.json", xinhua_ds)
    site.add(
        "GET",
        r"/(?:[a-z0-9-]+\.)*news\.cn/(?:[a-z0-9_-]+/)*?(\d{8})/([0-9a-f]{32}|[0-9a-f]{8})/c\.html",
        xinhua_page,
    )
    site.add(
        "GET",
        r"/(?:[a-z0-9-]+\.)*news\.cn/(?:[a-z0-9_-]+/)*?(\d{4})-(\d{2})/(\d{2})/c_(\d+)\.htm",
        xinhua_old_page,
    )
