"""Hostile content: nothing a source sends becomes active content in the Hugo site.

The bodies below go through the real pipeline into the minimal site of
tests/hugo_site, which Hugo builds with raw HTML off (its default) and on
(markup.goldmark.renderer.unsafe = true); the built pages must hold no script,
no event handler and no javascript:/vbscript:/data: URL.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import frontmatter
import lxml.html
import pytest

from newsbot.html import clean_body
from newsbot.items import Article
from newsbot.pipelines import ConvertPipeline, ExportPipeline, NormalisePipeline, ValidatePipeline
from tests.conftest import make_crawler
from tests.test_hugo_site import SITE, hugo_binary

TEXT = "<p>Ordinary paragraph that makes this an article long enough to keep.</p>"
HOSTILE = {
    "script": "<script>alert(1)</script><SCRIPT src=//evil.example/x.js></SCRIPT>",
    "style": "<style>body{background:url(javascript:alert(1))}</style>",
    "iframe": '<iframe src="https://evil.example/"></iframe><frame src="x">',
    "object_embed": '<object data="x.swf"></object><embed src="x.swf">',
    "form": '<form action="https://evil.example/"><input name=q><button>Go</button></form>',
    "svg": "<svg><script>alert(1)</script><a xlink:href=\"javascript:alert(1)\">x</a></svg>",
    "math": '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x'
            "</maction></math>",
    "event_handlers": '<p onclick="alert(1)" onmouseover=alert(1)>hover</p>'
                      "<img src=x onerror=alert(1)>",
    "javascript_link": '<a href="javascript:alert(1)">js</a><a href=" JaVaScRiPt:alert(1)">js2</a>',
    "vbscript_link": '<a href="vbscript:msgbox(1)">vb</a>',
    "data_urls": '<a href="data:text/html,<script>alert(1)</script>">d</a>'
                 '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
    "entity_tricks": '<a href="jav&#x09;ascript:alert(1)">t</a>'
                     '<a href="&#106;avascript:alert(1)">e</a>',
    "escaped_html_text": "<p>&lt;script&gt;alert(1)&lt;/script&gt; and "
                         "&lt;img src=x onerror=alert(1)&gt;</p>",
    "markdown_autolink": "<p>&lt;javascript:alert(1)&gt; and [x](javascript:alert(1))</p>",
    "front_matter_breaker": "<p>---</p><p>title: pwned</p><p>---</p>",
    "title_quotes": '<img src="https://img.example/a.png" '
                    'title="a&quot; onerror=&quot;alert(1)" alt="q&quot;x">',
    "meta_refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "base_link": '<base href="javascript:alert(1)//"><link rel=stylesheet href="javascript:x">',
}  # fmt: skip
ACTIVE_TAGS = {"script", "iframe", "frame", "object", "embed", "form", "svg", "math", "base",
               "applet", "style"}  # fmt: skip
BAD_SCHEME = re.compile(r"^\s*(javascript|vbscript|data):", re.I)


def active_parts(html: str) -> list[str]:
    """Elements, attributes and URLs in a page that a browser would run or load as code."""
    root = lxml.html.fromstring(html or "<p></p>")
    found = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.split("}")[-1].lower()
        if tag in ACTIVE_TAGS:
            found.append(f"<{tag}>")
        refresh = el.get("content", "").partition("url=")[2] if tag == "meta" else ""
        if BAD_SCHEME.match(refresh):
            found.append("meta refresh")
        for name, value in el.attrib.items():
            if name.lower().startswith("on"):
                found.append(f"{tag} {name}=")
            if name.split("}")[-1].lower() in URL_ATTRS and BAD_SCHEME.match(value):
                found.append(f"{tag} {name}={value[:30]}")
    return found


URL_ATTRS = {"href", "src", "action", "formaction", "data", "poster", "background", "srcset"}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_cleaner_leaves_nothing_active(case):
    cleaned = clean_body(TEXT + HOSTILE[case], "https://news.example/a")
    assert active_parts(cleaned.html) == [], cleaned.html


def hostile_articles() -> list[Article]:
    items = [
        Article(
            id=f"hostile-{case}",
            url=f"https://news.example/{case}",
            source="hostile",
            lang="en",
            title=f"Case {case}",
            date="2026-11-20 10:00:00",
            body_html=TEXT + body,
        )
        for case, body in HOSTILE.items()
    ]
    items.append(
        Article(
            id="hostile-title",
            url="https://news.example/title",
            source="hostile",
            lang="en",
            title='"><script>alert(1)</script>\n---\ntitle: x',
            author="<img src=x onerror=alert(1)>",
            date="2026-11-20 10:00:00",
            body_html=TEXT,
        )
    )
    return items


@pytest.fixture(scope="module")
def built_sites(tmp_path_factory):
    hugo = hugo_binary()
    root = tmp_path_factory.mktemp("hostile")
    site = root / "site"
    shutil.copytree(SITE, site)
    crawler = make_crawler(NEWSBOT_EXPORT_DIR=str(site / "content"))
    steps = [cls.from_crawler(crawler) for cls in
             (ValidatePipeline, NormalisePipeline, ConvertPipeline, ExportPipeline)]  # fmt: skip
    for item in hostile_articles():
        for step in steps:
            item = step.process_item(item)
    (root / "unsafe.toml").write_text("[markup.goldmark.renderer]\nunsafe = true\n")
    outputs = {}
    for mode, extra in (("safe", []), ("unsafe", [f"{site / 'hugo.toml'},{root / 'unsafe.toml'}"])):
        out = root / f"public-{mode}"
        config = ["--config", extra[0]] if extra else []
        proc = subprocess.run(
            [hugo, "--source", str(site), "--destination", str(out), "--cacheDir",
             str(root / "cache"), *config], capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stdout + proc.stderr
        outputs[mode] = out
    return site, outputs


def test_written_files_read_back(built_sites):
    site, _ = built_sites
    files = sorted((site / "content" / "en" / "news" / "hostile").glob("*.md"))
    assert len(files) == len(HOSTILE) + 1
    post = frontmatter.load(site / "content/en/news/hostile/hostile-title.en.md")
    assert post["title"] == '"><script>alert(1)</script> --- title: x'


@pytest.mark.parametrize("mode", ["safe", "unsafe"])
def test_hugo_pages_hold_no_active_content(built_sites, mode):
    _, outputs = built_sites
    pages = list(outputs[mode].rglob("*.html"))
    article_pages = [p for p in pages if "hostile-" in str(p)]
    assert len(article_pages) >= len(HOSTILE) + 1
    for page in pages:
        assert active_parts(page.read_text(encoding="utf-8")) == [], page
