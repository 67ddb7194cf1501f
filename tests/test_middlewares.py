"""Which article requests are made: the store check shared by the spiders and the
spider middleware."""

from __future__ import annotations

from scrapy import Request

from newsbot.articlemeta import ARTICLE_META, article_meta, wanted
from newsbot.extensions.state import ExportState
from newsbot.spidermiddlewares import SkipExportedMiddleware
from newsbot.store import Record
from tests.conftest import make_crawler

URL = "https://new.qq.com/rain/a/20261120A05XK300"


def request() -> Request:
    return Request("https://news.qq.com/rain/a/20261120A05XK300", meta=article_meta("qq", URL))


def test_an_exported_article_is_not_requested_again(tmp_path):
    crawler = make_crawler(NEWSBOT_STATE_DIR=str(tmp_path))
    assert wanted(crawler, request().meta[ARTICLE_META])
    ExportState.of(crawler).store.add(Record("qq", URL, "x.md", "2026-11-20 10:00:00"))
    assert not wanted(crawler, request().meta[ARTICLE_META])
    assert crawler.stats.get_value("newsbot/skipped/already_exported") == 1


def test_the_middleware_asks_the_store_once_per_request(tmp_path):
    crawler = make_crawler(NEWSBOT_STATE_DIR=str(tmp_path))
    ExportState.of(crawler).store.add(Record("qq", URL, "x.md", "2026-11-20 10:00:00"))
    middleware = SkipExportedMiddleware(crawler)
    assert middleware.get_processed_request(request(), None) is None  # not asked yet: asks
    checked = request()
    checked.meta[ARTICLE_META]["checked"] = True  # a spider asked already and wanted it
    assert middleware.get_processed_request(checked, None) is checked
    assert crawler.stats.get_value("newsbot/skipped/already_exported") == 1
