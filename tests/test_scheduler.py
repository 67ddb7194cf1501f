"""The order the project's scheduler settings give requests."""

from __future__ import annotations

from scrapy import Request, Spider
from scrapy.core.scheduler import Scheduler

from tests.conftest import make_crawler


def test_found_articles_go_before_more_list_pages(tmp_path):
    """List pages are start requests on another host than the articles they list:
    the articles found go first, so that a long crawl never holds the article
    requests of every list page in memory at once."""
    crawler = make_crawler(NEWSBOT_STATE_DIR=str(tmp_path))
    crawler.spider = Spider("qq")
    scheduler = Scheduler.from_crawler(crawler)
    scheduler.open(crawler.spider)
    lists = [f"https://i.news.qq.com/web_feed/getPCList?page={n}" for n in range(3)]
    articles = [f"https://news.qq.com/rain/a/20261120A05XK30{n}" for n in range(3)]
    for url in lists:
        scheduler.enqueue_request(Request(url, meta={"is_start_request": True}))
    for url in articles:
        scheduler.enqueue_request(Request(url))
    order = [scheduler.next_request().url for _ in range(6)]
    assert set(order[:3]) == set(articles)
    assert order[3:] == lists  # start requests keep their order
    scheduler.close("finished")
