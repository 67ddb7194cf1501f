"""Articles a site splits over several pages: NewsSpider follows each page object's
``next_page_url`` and writes the article whole, or not at all (no reactor here; the
People's Daily crawl test runs it through the engine)."""

from __future__ import annotations

from scrapy.http import HtmlResponse, Request
from twisted.python.failure import Failure

from newsbot.articlemeta import ARTICLE_PAGE_META
from newsbot.items import Article
from newsbot.pages.base import ArticlePageBase, ListEntry
from newsbot.spiders.base import NewsSpider
from tests.conftest import make_crawler

SITE = "http://example.test/story"


class PagedPage(ArticlePageBase):
    """``<div id=body>`` is the body; ``<a rel=next>`` the next page."""

    source = lang = "paged"

    def article_id(self) -> str:
        return "s1"

    def canonical_url(self) -> str:
        return f"{SITE}-1.html"

    def title(self) -> str:
        return "A story in pages"

    def date(self) -> str:
        return "2026-11-20 08:00:00"

    def author(self) -> str:
        return ""

    def thumbnail(self) -> str:
        return ""

    def body_html(self) -> str:
        return self.selector.css("#body").get("")

    def next_page_url(self) -> str:
        href = self.selector.css("a[rel=next]::attr(href)").get("")
        return href and f"http://example.test/{href}"


class PagedSpider(NewsSpider):
    name = source = lang = "paged"
    article_page = PagedPage


def spider(**settings) -> PagedSpider:
    crawler = make_crawler(**settings)
    return PagedSpider.from_crawler(crawler)


def page(n: int, next_n: int | None = None, body: str | None = None) -> HtmlResponse:
    link = f'<a rel="next" href="story-{next_n}.html">next</a>' if next_n else ""
    html = f'<div id="body"><p>{body or f"Part {n} of the story."}</p></div>{link}'
    return HtmlResponse(f"{SITE}-{n}.html", body=html.encode(), encoding="utf-8")


def follow(spider: PagedSpider, outputs: list, pages: dict[int, HtmlResponse]) -> Article | None:
    """Answer each next-page request from ``pages`` until the item comes out."""
    while outputs:
        (out,) = outputs
        if isinstance(out, Article):
            return out
        assert isinstance(out, Request) and out.meta[ARTICLE_PAGE_META] == f"{SITE}-1.html"
        number = int(out.url.rsplit("-", 1)[1].split(".")[0])
        response = pages[number].replace(request=out)
        outputs = list(out.callback(response, **out.cb_kwargs))
    return None


def test_every_page_of_the_article_is_read_in_order():
    bot = spider()
    first = list(bot.parse_article(page(1, next_n=2), entry={"id": "s1"}))
    item = follow(bot, first, {2: page(2, next_n=3), 3: page(3)})
    assert item is not None
    assert [p in item.body_html for p in ("Part 1", "Part 2", "Part 3")] == [True] * 3
    assert item.body_html.index("Part 1") < item.body_html.index("Part 2") < item.body_html.index(
        "Part 3"
    )
    assert bot.crawler.stats.get_value("newsbot/article/pages") == 2


def test_a_single_page_article_is_yielded_at_once():
    bot = spider()
    (item,) = bot.parse_article(page(1), entry={"id": "s1"})
    assert isinstance(item, Article) and "Part 1" in item.body_html


def test_a_pager_that_loops_back_ends_the_article():
    bot = spider()
    first = list(bot.parse_article(page(1, next_n=2), entry={"id": "s1"}))
    item = follow(bot, first, {2: page(2, next_n=1)})
    assert item is not None and "Part 2" in item.body_html


def test_more_pages_than_the_limit_are_not_read_and_say_so(caplog):
    bot = spider(NEWSBOT_ARTICLE_MAX_PAGES=2)
    first = list(bot.parse_article(page(1, next_n=2), entry={"id": "s1"}))
    item = follow(bot, first, {2: page(2, next_n=3)})
    assert item is not None and "Part 2" in item.body_html and "Part 3" not in item.body_html
    assert bot.crawler.stats.get_value("newsbot/article/page_limit") == 1
    assert "more than NEWSBOT_ARTICLE_MAX_PAGES=2 pages" in caplog.text


def test_a_later_page_without_a_body_drops_the_whole_article(caplog):
    bot = spider()
    first = list(bot.parse_article(page(1, next_n=2), entry={"id": "s1"}))
    empty = HtmlResponse(f"{SITE}-2.html", body=b"<p>maintenance</p>", encoding="utf-8")
    assert follow(bot, first, {2: empty}) is None
    assert bot.crawler.stats.get_value("newsbot/dropped/incomplete") == 1
    assert f"Article {SITE}-1.html not written: its page 2" in caplog.text


def test_a_later_page_that_fails_drops_the_whole_article(caplog):
    bot = spider()
    (request,) = bot.parse_article(page(1, next_n=2), entry={"id": "s1"})
    failure = Failure(TimeoutError("took too long"))
    failure.request = request
    bot.article_page_failed(failure)
    stats = bot.crawler.stats
    assert stats.get_value("newsbot/dropped/incomplete") == 1
    assert stats.get_value("newsbot/errors/TimeoutError") == 1
    assert f"Article {SITE}-1.html not written: one of its pages failed" in caplog.text


def test_page_objects_have_no_next_page_by_default():
    html = '<div id="body"><p>x</p></div><a rel="next" href="b.html">next</a>'
    assert ArticlePageBase(html, SITE, ListEntry(id="")).next_page_url() == ""


def test_a_next_page_request_survives_a_disk_or_redis_queue():
    """JOBDIR and scrapy-redis queues pickle the request dict: the partial item rides along."""
    import pickle

    from scrapy.utils.request import request_from_dict

    bot = spider()
    (request,) = bot.parse_article(page(1, next_n=2), entry={"id": "s1"})
    stored = pickle.dumps(request.to_dict(spider=bot))
    restored = request_from_dict(pickle.loads(stored), spider=bot)
    assert restored.callback == bot.parse_article_page
    assert restored.errback == bot.article_page_failed
    assert "Part 1" in restored.cb_kwargs["item"].body_html
    assert restored.meta[ARTICLE_PAGE_META] == f"{SITE}-1.html"
