"""NetEase fixture site: news.163.com JSONP lists (GBK) and www.163.com article pages
(UTF-8) from tests/fixtures/netease/."""

from __future__ import annotations

from tests.support.server import FIXTURES, FixtureSite, Hit, Reply

NETEASE = FIXTURES / "netease"
NETEASE_LIST_PATH = "/news.163.com/special/{name}/"
HTML = "text/html; charset=utf-8"
JSONP = "application/javascript; charset=GBK"


def netease_list(site: FixtureSite, match, hit: Hit) -> Reply:
    return Reply.file(NETEASE / f"{match.group(1)}" / f"{match.group(1)}.js", JSONP)


def netease_page(site: FixtureSite, match, hit: Hit) -> Reply:
    return Reply.file(NETEASE / f"{match.group(1)}" / "page.html", HTML)


def add(site: FixtureSite) -> None:
    site.add("GET", r"/news\.163\.com/special/(\w+)/", netease_list)
    site.add("GET", r"/www\.163\.com/\w+/article/([A-Z0-9]{16})\.html", netease_page)


def netease_list_path(feed: str, page: int = 1) -> str:
    return NETEASE_LIST_PATH.format(name=feed if page <= 1 else f"{feed}_{page:02d}")


def netease_error_reply() -> Reply:
    """What an overloaded list answers: an HTML page (GBK), not JSONP."""
    return Reply.file(NETEASE / "error" / "error.html", "text/html; charset=GBK")
