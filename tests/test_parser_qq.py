"""Tencent News parsing on saved fixtures: list API answers and article pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsbot.sources import qq

FIXTURES = Path(__file__).parent / "fixtures" / "qq"
PAGES = sorted(FIXTURES.glob("*/page.html"))


def load_api(name: str):
    return json.loads((FIXTURES / Path(name).stem / name).read_text(encoding="utf-8"))


def expected(page: Path) -> dict:
    return json.loads((FIXTURES / page.parent.name / "expected.json").read_text(encoding="utf-8"))


def parse(page: Path, entry: qq.ListEntry | None = None):
    url = qq.PAGE_URL.format(id=page.parent.name)
    return qq.parse_article(page.read_text(encoding="utf-8"), url, entry)


def test_title_has_no_site_suffix():
    for page in PAGES:
        assert not parse(page).title.endswith(qq.TITLE_SUFFIX)


def test_origin_only_body_is_rebuilt_from_window_data():
    page = FIXTURES / "20261120A07QPL00" / "page.html"
    html = parse(page).body_html
    assert "<!--IMG_" not in html and html.count("<img ") == 4


def test_list_entry_fills_what_the_page_lacks():
    page = FIXTURES / "20261122A0FIN100" / "page.html"
    entry = qq.ListEntry(id=page.parent.name, thumbnail="https://inews.gtimg.com/om_ls/x_870492/0")
    assert parse(page, entry).thumbnail == "https://inews.gtimg.com/om_ls/x_870492/0"


def test_window_data_with_brace_semicolon_inside_strings():
    html = (
        '<script>window.DATA = {"title":"a};b","pubtime":"2025-01-01 10:00:00",'
        '"originContent":{"text":"\\u003cp\\u003ex};\\u003c/p\\u003e"}};</script>'
    )
    page = qq.ArticlePage(html, qq.PAGE_URL.format(id="20250101A0000000"))
    assert page.title() == "a};b"
    assert page.body_html() == "<p>x};</p>"


def test_list_unwraps_skips_and_keeps_order():
    listing = qq.parse_list(load_api("news_news_tech_0.json"))
    ids = [entry.id for entry in listing.entries]
    assert ids[:3] == ["20261120A05XK300", "20261120A07QPL00", "20250210A06D7U00"]
    assert "20261120V08ABC00" not in ids
    assert listing.skipped["video"] == 1
    assert ids.count("20261120A07QPL00") == 2  # the spider, not the parser, drops repeats
    seed = next(e for e in listing.entries if e.id == "20250210A06D7U00")
    assert seed.publish_time == "2025-02-10 17:29:04" and seed.author == "中国电子报"


@pytest.mark.parametrize(
    "payload",
    [None, [], {"code": -1, "message": "busy", "data": []}, {"message": "no code"}],
)
def test_list_errors(payload):
    with pytest.raises(qq.ListAPIError):
        qq.parse_list(payload)


def test_busy_fixture_is_an_error():
    with pytest.raises(qq.ListAPIError, match="code="):
        qq.parse_list(load_api("busy.json"))


@pytest.mark.parametrize(
    ("url", "article_id"),
    [
        ("https://news.qq.com/rain/a/20250210A06D7U00", "20250210A06D7U00"),
        ("https://new.qq.com/rain/a/20250210A06D7U00?x=1", "20250210A06D7U00"),
        ("https://view.inews.qq.com/a/20260810A0BO7100", "20260810A0BO7100"),
        ("https://view.inews.qq.com/k/20260810A0BO7100", "20260810A0BO7100"),
        ("https://example.com/rain/a/20250210A06D7U00", None),
        ("https://news.qq.com/rain/a/2025", None),
    ],
)
def test_article_id_from_url(url, article_id):
    assert qq.article_id_from_url(url) == article_id
