"""Incremental runs: the store of exported articles, its rebuild, updates."""

from __future__ import annotations

import shutil

import frontmatter

from newsbot.store import SQLiteStore, read_record, state_key
from tests.support.sites.qq import qq_add_article, qq_update_article
from tests.test_e2e_qq import CHANNELS, WRITTEN, written_ids

ARTICLE_PAGES = r"/rain/a/"
LIST = r"/web_feed/getPCList"


def test_second_run_requests_no_article_and_third_only_the_new_ones(crawl, site):
    first = crawl("qq", *CHANNELS)
    assert written_ids(first) == WRITTEN
    before = {p: p.read_bytes() for p in first.files()}

    site.hits.clear()
    second = crawl("qq", *CHANNELS, export_dir=first.export_dir)
    assert site.requests_to(ARTICLE_PAGES) == []
    assert len(site.requests_to(LIST)) == 4
    assert {p: p.read_bytes() for p in second.files()} == before
    assert second.stats["newsbot/skipped/already_exported"] == 6
    assert "newsbot/exported/written" not in second.stats

    qq_add_article(site, "20261123A0NEW100", "新文章一：城市更新项目启动")
    qq_add_article(
        site, "20261123A0NEW200", "新文章二：跨境电商出口回暖", channel="news_news_finance"
    )
    site.hits.clear()
    third = crawl("qq", *CHANNELS, export_dir=first.export_dir)
    assert sorted(h.path for h in site.requests_to(ARTICLE_PAGES)) == [
        "/news.qq.com/rain/a/20261123A0NEW100",
        "/news.qq.com/rain/a/20261123A0NEW200",
    ]
    assert written_ids(third) == WRITTEN | {"20261123A0NEW100", "20261123A0NEW200"}
    assert third.stats["newsbot/exported/written"] == 2


def test_deleted_state_dir_is_rebuilt_from_the_files(crawl, site, tmp_path):
    first = crawl("qq", *CHANNELS)
    shutil.rmtree(tmp_path / "state")
    site.hits.clear()
    again = crawl("qq", *CHANNELS, export_dir=first.export_dir)
    # Only the articles that were rejected (404, no title) are tried again:
    # rejections live in the state dir alone, exported articles also in the files.
    assert sorted(h.path for h in site.requests_to(ARTICLE_PAGES)) == [
        "/news.qq.com/rain/a/20261121A0GONE00",
        "/news.qq.com/rain/a/20261121A0NOTI00",
    ]
    assert again.stats["newsbot/skipped/already_exported"] == 6
    assert "newsbot/exported/written" not in again.stats
    assert "Rebuilt the store of exported articles" in again.log


def test_updates_are_rewritten_only_when_asked(crawl, site):
    first = crawl("qq", *CHANNELS)
    path = first.export_dir / "zh-CN/news/qq/20261121A0RTRY00.zh-CN.md"
    qq_update_article(site, "20261121A0RTRY00", "标题已更新", update_time="2026-11-24 09:00:00")

    site.hits.clear()
    crawl("qq", *CHANNELS, export_dir=first.export_dir)
    assert site.requests_to(ARTICLE_PAGES) == []
    assert frontmatter.load(path)["title"] != "标题已更新"

    updated = crawl("qq", *CHANNELS, export_dir=first.export_dir, NEWSBOT_UPDATE=True)
    assert [h.path for h in site.requests_to(ARTICLE_PAGES)] == [
        "/news.qq.com/rain/a/20261121A0RTRY00"
    ]
    assert frontmatter.load(path)["title"] == "标题已更新"
    assert updated.stats["newsbot/exported/overwritten"] == 1

    site.hits.clear()
    crawl("qq", *CHANNELS, export_dir=first.export_dir, NEWSBOT_UPDATE=True)
    assert site.requests_to(ARTICLE_PAGES) == []  # the store remembers the new update time


def test_store_reads_records_from_files(tmp_path):
    folder = tmp_path / "exports" / "zh-CN" / "news" / "qq"
    folder.mkdir(parents=True)
    good = folder / "a.zh-CN.md"
    good.write_text(
        '---\ntitle: "t"\ndate: "2025-01-01 10:00:00"\n---\n\nbody\n\n'
        "[qq](https://new.qq.com/rain/a/a)\n",
        encoding="utf-8",
    )
    (folder / "notes.md").write_text("no front matter, no source line\n", encoding="utf-8")
    (folder / "broken.md").write_bytes(b"---\ntitle: [\n---\n\xff\n")
    record = read_record(good)
    assert (record.source, record.url, record.update_time) == (
        "qq",
        "https://new.qq.com/rain/a/a",
        "2025-01-01 10:00:00",
    )

    export_dir = tmp_path / "exports"
    store = SQLiteStore(
        tmp_path / "state" / f"exported-{state_key(export_dir)}.sqlite3", export_dir
    )
    assert len(store) == 1 and store.get("qq", "https://new.qq.com/rain/a/a") is not None
    assert store.get("qq", "https://new.qq.com/rain/a/b") is None
    store.close()
