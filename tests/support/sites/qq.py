"""Tencent News fixture site: getPCList answers and article pages (tests/fixtures/qq/)."""

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
        key = (query["channel_id"], int(query["page"]))
    except (ValueError, KeyError, TypeError):
        return Reply.json({"code": -1, "message": "参数错误", "data": []})
    path = QQ / f"{key[0]}_{key[1]}" / f"{key[0]}_{key[1]}.json"
    extra = site.state.get("qq_extra", {}).get(key, [])
    changes = site.state.get("qq_changes", {})
    answer = (
        json.loads(path.read_text(encoding="utf-8"))
        if path.is_file()
        else {"data": [], "code": 0, "message": "", "is_deleted": 0}  # past the last page
    )
    answer["data"] = extra + answer["data"]
    for item in _walk(answer["data"]):
        item.update(changes.get(item.get("id"), {}).get("list", {}))
    return Reply.json(answer)


def _walk(items: list) -> list:
    flat = []
    for item in items:
        flat.append(item)
        flat.extend(_walk(item.get("sub_item") or []))
    return flat


def qq_page(site: FixtureSite, match, hit: Hit) -> Reply:
    article_id = match.group(1)
    html = site.state.get("qq_pages", {}).get(article_id)
    if html is not None:
        return Reply(200, html.encode("utf-8"), HTML)
    return Reply.file(QQ / f"{article_id}" / "page.html", HTML)


def _page_like(like: str, article_id: str, title: str) -> str:
    old_title = json.loads((QQ / f"{like}" / "expected.json").read_text(encoding="utf-8"))["title"]
    html = (QQ / f"{like}" / "page.html").read_text(encoding="utf-8")
    return html.replace(like, article_id).replace(old_title, title)


def qq_add_article(
    site: FixtureSite,
    article_id: str,
    title: str,
    channel: str = "news_news_tech",
    page: int = 0,
    like: str = "20261121A0RTRY00",
) -> None:
    """List a new article first on a channel page; its page is a copy of ``like``."""
    item = {
        "id": article_id,
        "articletype": "0",
        "title": title,
        "publish_time": "2026-11-23 08:00:00",
        "update_time": "2026-11-23 08:30:00",
        "link_info": {"url": f"https://view.inews.qq.com/a/{article_id}"},
        "pic_info": {"big_img": []},
        "media_info": {"chl_name": "低空经济观察"},
    }
    site.state.setdefault("qq_extra", {}).setdefault((channel, page), []).append(item)
    site.state.setdefault("qq_pages", {})[article_id] = _page_like(like, article_id, title)


def qq_update_article(site: FixtureSite, article_id: str, title: str, update_time: str) -> None:
    """The article is edited: the list reports a newer update time, the page a new title."""
    changes = site.state.setdefault("qq_changes", {})
    changes[article_id] = {"list": {"update_time": update_time}}
    site.state.setdefault("qq_pages", {})[article_id] = _page_like(article_id, article_id, title)


def add(site: FixtureSite) -> None:
    site.add("POST", QQ_LIST_PATH, qq_list)
    site.add("GET", r"/(?:news|new)\.qq\.com/rain/a/(\w+)", qq_page)


def qq_busy_reply() -> Reply:
    return Reply.file(QQ / "busy" / "busy.json", JSON)
