"""Lying or missing charset declarations: pages decode without mojibake, or are dropped."""

from __future__ import annotations

import codecs

import pytest
from scrapy.http import HtmlResponse, Request

from newsbot.downloadermiddlewares import CharsetRepairMiddleware
from tests.conftest import make_crawler

TEXT = "人民网北京4月24日电 今天，国务院新闻办公室举行新闻发布会。" * 20


def page(declared_meta: str) -> str:
    return (
        f'<html><head><meta http-equiv="Content-Type" content="text/html; '
        f'charset={declared_meta}"><title>新闻</title></head><body><p>{TEXT}</p></body></html>'
    )


def run(body: bytes, header: str | None) -> HtmlResponse:
    headers = (
        {"Content-Type": f"text/html; charset={header}"}
        if header
        else {"Content-Type": "text/html"}
    )
    response = HtmlResponse("https://news.example/a", body=body, headers=headers,
                            request=Request("https://news.example/a"))  # fmt: skip
    middleware = CharsetRepairMiddleware.from_crawler(make_crawler())
    return middleware.process_response(response.request, response)


@pytest.mark.parametrize(
    ("name", "body", "header"),
    [
        ("gbk_declared_utf8_in_header", page("gbk").encode("gbk"), "utf-8"),
        ("gbk_declared_utf8_everywhere", page("utf-8").encode("gbk"), "utf-8"),
        ("utf8_declared_gbk", page("gb2312").encode("utf-8"), "gbk"),
        ("utf8_declared_gb2312_meta_only", page("gb2312").encode("utf-8"), None),
        ("gbk_true", page("gbk").encode("gbk"), "gbk"),
        ("gb2312_meta_only", page("GB2312").encode("gbk"), None),
        ("utf8_bom_declared_gbk", codecs.BOM_UTF8 + page("gbk").encode("utf-8"), "gbk"),
    ],
)
def test_text_decodes_cleanly(name, body, header):
    response = run(body, header)
    assert TEXT in response.text, (name, response.encoding)
    assert "\ufffd" not in response.text


def test_pages_that_decode_are_left_alone():
    for body, header in (
        (b"<html><body><p>plain ascii</p></body></html>", "gbk"),
        (page("gbk").encode("gbk"), "gbk"),
        (page("utf-8").encode(), "utf-8"),
    ):
        original = HtmlResponse(
            "https://news.example/a",
            body=body,
            headers={"Content-Type": f"text/html; charset={header}"},
        )
        middleware = CharsetRepairMiddleware.from_crawler(make_crawler())
        assert middleware.process_response(Request(original.url), original) is original


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_replacement_characters_the_site_served_are_removed_not_taken_for_mojibake(encoding):
    """thepaper's old 澎湃号 pages hold runs of U+FFFD as served (valid UTF-8: emoji its
    CMS lost); the pipeline took them for undecodable bytes and dropped the article."""
    served = page(encoding).replace("今天，", "今天\ufffd\ufffd\ufffd，")
    response = run(served.encode("gb18030" if encoding == "gbk" else encoding), encoding)
    assert "\ufffd" not in response.text
    assert TEXT in response.text


def test_bytes_that_do_not_decode_are_left_for_the_mojibake_check():
    body = page("utf-8").encode("utf-8").replace("今天".encode(), b"\xff\xfe\xfd\xfc")
    response = run(body, "utf-8")
    assert response.text.count("\ufffd") >= 3  # the pipeline drops it as mojibake
