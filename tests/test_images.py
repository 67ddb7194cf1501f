"""NEWSBOT_IMAGES: local copies of the articles' images (``bundle`` and ``static``).

The crawls run against the fixture site, whose image host (tests/support/sites/
images.py) answers 403 without a qq.com Referer and 500 for BROKEN_IMAGE; a Hugo
build then checks that every image of the generated pages is a file of the site.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from io import BytesIO
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import frontmatter
import pytest

from newsbot import exporter, images
from newsbot.items import Article
from newsbot.pipelines import ExportPipeline
from newsbot.store import scan_export_dir
from tests.conftest import make_crawler
from tests.support.server import Reply
from tests.support.sites.images import BROKEN_IMAGE, BROKEN_URL, image_for, png
from tests.support.sites.qq import qq_add_article
from tests.test_e2e_qq import CHANNELS, WRITTEN
from tests.test_hugo_site import SITE, hugo_binary, run_hugo

IMAGE_LINK = re.compile(r"!\[[^\]]*\]\(([^)\s]+)")
BUNDLE_NAME = re.compile(r"^img-[0-9a-f]{40}\.(png|jpg)$")
STATIC_LINK = re.compile(r"^/images/qq/[0-9a-f]{40}\.(png|jpg)$")
# The cover in both local modes: a static file, no leading slash (the theme's relURL).
COVER_LINK = re.compile(r"^images/qq/[0-9a-f]{40}\.(png|jpg)$")
SEED = "20250210A06D7U00"
SEED_URL = f"https://new.qq.com/rain/a/{SEED}"
RETRIED_IMAGE = "/inews.gtimg.com/om_bt/OJO7z2IdzINHScrSs0b_VFO96prrZQl74XmCIQW6wmK87AA/641"
RETRY_TIMES = 3  # newsbot/settings.py


def host_path(url: str) -> str:
    """The fixture server's path of an image URL."""
    parts = urlsplit(url)
    return f"/{parts.netloc}{parts.path}"


def served(url: str) -> bytes:
    return image_for(host_path(url)).body


def image_hits(site) -> list:
    return [
        hit for hit in site.requests_to(r"^/inews\.gtimg\.com/") if "robots.txt" not in hit.path
    ]


def read_feed(path: Path) -> dict[str, dict]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return {record["id"]: record for record in map(json.loads, lines)}


def local_file(mode: str, article: Path, link: str, static: Path) -> Path:
    if mode == "bundle":
        assert BUNDLE_NAME.match(link), link
        return article.parent / link
    assert STATIC_LINK.match(link), link
    return static / link.lstrip("/")


def check_article(mode: str, path: Path, item: dict, static: Path,
                  broken: tuple[str, ...] = (BROKEN_URL,),
                  covers: Path | None = None) -> list[str]:  # fmt: skip
    """The file links a local copy of each image of ``item`` (the feed's record, with
    the sources' URLs) holding the bytes the host served, except the ``broken`` ones.
    The cover is a static file below ``covers`` (default ``static``), linked without a
    leading slash (issue 13.9). Returns the local links, the cover's as the body
    would link it (``/images/...`` or the bundle's ``img-...``)."""
    post = frontmatter.load(path)
    remote = [item["thumbnail"], *item["images"]] if item["thumbnail"] else item["images"]
    links = ([post["thumbnail"]] if item["thumbnail"] else []) + IMAGE_LINK.findall(post.content)
    if not item["thumbnail"]:
        assert post["thumbnail"] == ""
    assert len(links) == len(remote), (path, links, remote)
    local = []
    for k, (url, link) in enumerate(zip(remote, links, strict=True)):
        if url in broken:
            assert link == url  # failed: the remote link stays
            continue
        if k == 0 and item["thumbnail"]:
            assert COVER_LINK.match(link), link
            cover = (covers or static) / link
            assert cover.read_bytes() == served(url), f"{link} is not the image of {url}"
            name = link.rsplit("/", 1)[1]
            link = "/" + link if mode == "static" else f"img-{name}"
        file = local_file(mode, path, link, static)
        data = file.read_bytes()
        assert data == served(url), f"{link} is not the image of {url}"
        assert file.name.removeprefix("img-").split(".")[0] == hashlib.sha1(data).hexdigest()
        local.append(link)
    return local


def check_referers(site, feed: dict[str, dict]) -> None:
    """Each image was requested with the URL of an article that shows it as Referer."""
    shown_by: dict[str, set[str]] = {}
    for item in feed.values():
        for url in [item["thumbnail"], *item["images"]]:
            shown_by.setdefault(host_path(url), set()).add(item["url"])
    hits = image_hits(site)
    assert hits
    for hit in hits:
        assert hit.headers.get("referer") in shown_by[hit.path], hit


# --- end to end -------------------------------------------------------------------


def test_bundle_crawl_writes_page_bundles_with_their_images(crawl, site, tmp_path):
    site.fail(RETRIED_IMAGE, times=1)  # retried, then kept
    qq_add_article(site, "20261123A0DUP100", "新文章：同一张图片", like="20261121A0RTRY00")
    feed_file = tmp_path / "items.jsonl"
    content = tmp_path / "site" / "content"
    result = crawl("qq", *CHANNELS, "-O", str(feed_file), export_dir=content,
                   NEWSBOT_IMAGES="bundle")  # fmt: skip
    assert result.returncode == 0, result.log
    assert "Traceback" not in result.log

    folder = content / "zh-CN" / "news" / "qq"
    files = result.files()
    written = {*WRITTEN, "20261123A0DUP100"}
    assert files == sorted(folder / i / "index.zh-CN.md" for i in written)
    feed = read_feed(feed_file)
    linked = {}
    for path in files:
        links = check_article("bundle", path, feed[path.parent.name], tmp_path / "static",
                              covers=content.parent / "static")  # fmt: skip
        # Nothing in the bundle but its index and the images it links.
        assert {p.name for p in path.parent.iterdir()} == {path.name, *links}
        linked[path.parent.name] = links
    assert not (tmp_path / "static").exists()
    # Images shared by two articles: fetched once, a copy in each bundle.
    shared = linked["20261121A0RTRY00"]
    assert shared and linked["20261123A0DUP100"] == shared
    fetched = sum(map(len, linked.values())) - len(shared)
    assert len(image_hits(site)) == fetched + 1 + (1 + RETRY_TIMES)  # + the retried, the broken

    # The feed keeps the sources' URLs: it can be rendered again, in any mode.
    for item in feed.values():
        assert "](img-" not in item["body"] and not item["thumbnail"].startswith("img-")
        assert all(url.startswith("https://inews.gtimg.com/") for url in item["images"])

    check_referers(site, feed)
    stats = result.stats
    assert (
        stats["newsbot/images/local"]
        == stats["newsbot/images/stored"]
        == len([link for links in linked.values() for link in links])
    )
    assert stats["newsbot/images/downloaded"] == stats["newsbot/images/local"] - len(shared)
    assert stats["newsbot/images/failed"] == stats["newsbot/images/errors/http_500"] == 1
    assert len(site.requests_to(BROKEN_IMAGE + "$")) == 1 + RETRY_TIMES
    assert len(site.requests_to(RETRIED_IMAGE + "$")) == 2
    assert f"Image not downloaded, remote link kept: {BROKEN_URL} (HTTP 500)" in result.log
    broken = frontmatter.load(folder / "20261121A0DTFB00" / "index.zh-CN.md")
    assert f"]({BROKEN_URL})" in broken.content  # the article is written all the same
    assert stats["newsbot/exported/written"] == 7

    # A second run requests neither the articles nor their images; nor does one whose
    # store is rebuilt from the index files.
    hits = len(site.hits)
    again = crawl("qq", *CHANNELS, export_dir=content, NEWSBOT_IMAGES="bundle")
    assert again.returncode == 0 and again.stats["newsbot/skipped/already_exported"] == 7
    assert not [h for h in site.hits[hits:] if "gtimg" in h.path or "/rain/a/" in h.path]
    assert {r.url for r in scan_export_dir(content)} == {i["url"] for i in feed.values()}
    shutil.rmtree(tmp_path / "state")
    hits = len(site.hits)
    rebuilt = crawl("qq", *CHANNELS, export_dir=content, NEWSBOT_IMAGES="bundle")
    assert rebuilt.returncode == 0 and "newsbot/exported/written" not in rebuilt.stats
    assert rebuilt.stats["newsbot/skipped/already_exported"] == 7
    # (the rejected ones are not in the files: they are tried again)
    assert {h.path for h in site.hits[hits:] if "gtimg" in h.path or "/rain/a/" in h.path} == {
        "/news.qq.com/rain/a/20261121A0GONE00",
        "/news.qq.com/rain/a/20261121A0NOTI00",
    }


def test_static_crawl_stores_each_image_once_under_the_site_static_folder(crawl, site, tmp_path):
    qq_add_article(site, "20261123A0DUP100", "新文章：同一张图片", like="20261121A0RTRY00")
    feed_file = tmp_path / "items.jsonl"
    content = tmp_path / "site" / "content"
    static = tmp_path / "site" / "static"
    result = crawl("qq", *CHANNELS, "-O", str(feed_file), export_dir=content,
                   NEWSBOT_IMAGES="static")  # fmt: skip
    assert result.returncode == 0, result.log
    assert "Traceback" not in result.log

    folder = content / "zh-CN" / "news" / "qq"
    files = result.files()
    assert files == sorted(folder / f"{i}.zh-CN.md" for i in {*WRITTEN, "20261123A0DUP100"})
    feed = read_feed(feed_file)
    linked = {path.name: check_article("static", path, feed[path.name.split(".")[0]], static)
              for path in files}  # fmt: skip
    stored = sorted(p.relative_to(static) for p in static.rglob("*") if p.is_file())
    everything = {link for links in linked.values() for link in links}
    assert stored == sorted(Path(link.lstrip("/")) for link in everything)

    # The same image in two articles: one file, one request.
    shared = linked["20261121A0RTRY00.zh-CN.md"]
    assert shared and linked["20261123A0DUP100.zh-CN.md"] == shared
    assert len(image_hits(site)) == len(everything) + RETRY_TIMES + 1  # + the broken one's
    check_referers(site, feed)
    assert result.stats["newsbot/images/stored"] == len(everything)
    assert result.stats["newsbot/images/failed"] == 1

    # Another run with another article showing them: fetched again (a new run knows
    # no URLs), stored under the same names, so no new file.
    qq_add_article(site, "20261123A0DUP200", "又一篇：同一张图片", like="20261121A0RTRY00")
    hits = len(image_hits(site))
    later = crawl("qq", *CHANNELS, export_dir=content, NEWSBOT_IMAGES="static")
    assert later.returncode == 0, later.log
    assert later.stats["newsbot/exported/written"] == 1
    assert len(image_hits(site)) == hits + len(shared)
    assert later.stats["newsbot/images/local"] == len(shared)
    assert "newsbot/images/stored" not in later.stats
    assert sorted(p.relative_to(static) for p in static.rglob("*") if p.is_file()) == stored
    post = frontmatter.load(folder / "20261123A0DUP200.zh-CN.md")
    assert ["/" + post["thumbnail"], *IMAGE_LINK.findall(post.content)] == shared


def test_render_fetches_the_images_of_a_saved_feed(crawl, scrapy_cmd, site, tmp_path):
    site.state["broken_images"].clear()
    feed_file = tmp_path / "items.jsonl"
    remote = crawl("qq", *CHANNELS, "-O", str(feed_file), export_dir=tmp_path / "remote")
    assert remote.returncode == 0, remote.log
    assert not image_hits(site)  # remote, the default: nothing downloaded
    feed = read_feed(feed_file)

    content = tmp_path / "site" / "content"
    rendered = scrapy_cmd("render", str(feed_file), export_dir=content, NEWSBOT_IMAGES="bundle")
    assert rendered.returncode == 0, rendered.log
    assert len(rendered.files()) == 6
    for path in rendered.files():
        assert path.name == "index.zh-CN.md"
        check_article("bundle", path, feed[path.parent.name], tmp_path / "static", broken=(),
                      covers=content.parent / "static")  # fmt: skip
    check_referers(site, feed)
    assert "newsbot/images/failed" not in rendered.stats

    # Exported already: the second render fetches nothing.
    hits = len(image_hits(site))
    again = scrapy_cmd("render", str(feed_file), export_dir=content, NEWSBOT_IMAGES="bundle")
    assert again.returncode == 0 and again.stats["newsbot/exported/skipped_existing"] == 6
    assert len(image_hits(site)) == hits

    # static, into a static folder of its own
    elsewhere = tmp_path / "assets"
    other = scrapy_cmd("render", str(feed_file), export_dir=tmp_path / "other" / "content",
                       NEWSBOT_IMAGES="static", NEWSBOT_STATIC_DIR=str(elsewhere))  # fmt: skip
    assert other.returncode == 0, other.log
    for path in other.files():
        check_article("static", path, feed[path.name.split(".")[0]], elsewhere, broken=())
    assert not (tmp_path / "other" / "static").exists()


def test_size_and_count_caps_wrong_content_and_conversion(crawl, site, tmp_path):
    pytest.importorskip("PIL")
    from PIL import Image

    webp = BytesIO()
    Image.new("RGB", (8, 8), (10, 200, 30)).save(webp, "WEBP")
    seed = json.loads((Path(__file__).parent / "fixtures/qq" / SEED / "expected.json").read_text())
    big, html, converted = (host_path(url) for url in seed["images"][:3])
    site.state["image_replies"] = {
        big: Reply(200, png("big", size=64) + b"\0" * 5000, "image/png"),
        html: Reply(200, b"<html><body>login</body></html>", "text/html"),
        converted: Reply(200, webp.getvalue(), "image/webp"),
    }
    result = crawl("qq", "-a", f"url={SEED_URL}", NEWSBOT_IMAGES="static",
                   NEWSBOT_IMAGES_MAX_BYTES=4000, NEWSBOT_IMAGES_MAX_PER_ARTICLE=4,
                   NEWSBOT_IMAGES_CONVERT="webp")  # fmt: skip
    assert result.returncode == 0, result.log
    assert "Traceback" not in result.log
    [path] = result.files()
    post = frontmatter.load(path)
    links = IMAGE_LINK.findall(post.content)
    # cover + 3 body images asked (the cap is 4): too big, not an image, WebP → JPEG
    assert COVER_LINK.match(post["thumbnail"])
    assert links[:2] == seed["images"][:2]
    assert re.match(r"^/images/qq/[0-9a-f]{40}\.jpg$", links[2])
    data = (tmp_path / "static" / links[2].lstrip("/")).read_bytes()
    assert images.sniff(data) == "jpg" and Image.open(BytesIO(data)).size == (8, 8)
    assert links[3:] == seed["images"][3:]  # over the cap: remote, not requested
    stats = result.stats
    assert stats["newsbot/images/over_limit"] == len(seed["images"]) - 3
    assert stats["newsbot/images/failed"] == 2
    assert stats["newsbot/images/errors/too_large"] == 1
    assert stats["newsbot/images/errors/not_image"] == 1
    assert stats["newsbot/images/local"] == 2
    assert {hit.path for hit in image_hits(site)} == {
        host_path(post_url) for post_url in [seed["thumbnail"], *seed["images"][:3]]
    }
    assert "(not an image (text/html))" in result.log


def test_unknown_mode_and_format_are_named(crawl):
    result = crawl("qq", "-a", f"url={SEED_URL}", NEWSBOT_IMAGES="local")
    assert result.returncode == 2
    assert "bad setting NEWSBOT_IMAGES='local': must be one of remote, bundle, static" in (
        result.log
    )
    assert not result.files()
    result = crawl("qq", "-a", f"url={SEED_URL}", NEWSBOT_IMAGES="static",
                   NEWSBOT_IMAGES_CONVERT="webp,bmp")  # fmt: skip
    assert result.returncode == 2 and "cannot convert bmp: formats are webp, gif" in result.log


def test_static_images_are_committed_with_the_articles(crawl, site, tmp_path):
    repo = tmp_path / "site"
    (repo / "content").mkdir(parents=True)
    for args in (
        ["init", "-q", "-b", "main"],
        ["config", "user.email", "e@example.com"],
        ["config", "user.name", "E"],
        ["commit", "-q", "--allow-empty", "-m", "site"],
    ):
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)  # fmt: skip
    result = crawl("qq", *CHANNELS, export_dir=repo / "content", NEWSBOT_IMAGES="static",
                   NEWSBOT_GIT_COMMIT=True)  # fmt: skip
    assert result.returncode == 0, result.log
    show = subprocess.run(["git", "show", "--name-only", "--format=%s", "HEAD"], cwd=repo,
                          check=True, capture_output=True, text=True).stdout.split()  # fmt: skip
    assert " ".join(show[:6]) == "newsbot: 6 new or updated articles"
    committed = [name for name in show if "/" in name]
    assert len([n for n in committed if n.startswith("content/")]) == 6
    stored = [str(p.relative_to(repo)) for p in (repo / "static").rglob("*") if p.is_file()]
    assert stored and sorted(n for n in committed if n.startswith("static/")) == sorted(stored)
    assert not subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True,
                              text=True).stdout  # fmt: skip


def test_image_host_refuses_hotlinks(server):
    url = server.url + "/inews.gtimg.com/om_bt/OQZyvHJX88YhwQPqSknZC0DUxICzeuquM6XfHiWmHNVZwAA/641"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url, timeout=10)
    assert refused.value.code == 403
    request = urllib.request.Request(url, headers={"Referer": SEED_URL})
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert images.sniff(answer.read()) == "png"


# --- Hugo ---------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["bundle", "static"])
def test_hugo_site_shows_the_local_images(crawl, site, tmp_path, mode):
    hugo = hugo_binary()
    site.state["broken_images"].clear()
    root = tmp_path / "site"
    shutil.copytree(SITE, root)
    result = crawl("qq", *CHANNELS, export_dir=root / "content", NEWSBOT_IMAGES=mode)
    assert result.returncode == 0, result.log
    assert result.stats["newsbot/images/local"] > 20

    public = tmp_path / "public"
    run_hugo(hugo, root, public, tmp_path / "hugo-cache")
    assert len(list(public.rglob("news/qq/*/index.html"))) == 6
    shown = covers = 0
    for page in public.rglob("*.html"):
        url = "/" + page.relative_to(public).as_posix()
        html = page.read_text(encoding="utf-8")
        for src in re.findall(r'<img[^>]*\ssrc="([^"]+)"', html):
            path = urljoin(url, src)
            assert path.startswith("/"), f"{page}: {src} is not on the site"
            assert (public / path.lstrip("/")).is_file(), f"{page}: {src} not in the build"
            if "/news/qq/" in url and url.endswith("/index.html") and url.count("/") > 4:
                shown += 1  # an article's page
        covers += html.count('class="thumbnail__image"')
    # Every cover and body image of every article on its page, and nothing else; the
    # covers on the list pages too (issue 13.9: through the theme's relURL).
    assert shown == result.stats["newsbot/images/local"]
    assert covers > 6


# --- pieces ---------------------------------------------------------------------------


def test_modes_and_path_templates():
    assert images.images_mode(make_crawler().settings) == "remote"
    with pytest.raises(ValueError, match="NEWSBOT_IMAGES 'Bundles' is not a known mode"):
        images.images_mode(make_crawler(NEWSBOT_IMAGES="Bundles").settings)
    bundle = make_crawler(NEWSBOT_IMAGES="bundle").settings
    assert exporter.path_template(bundle) == "{lang}/news/{source}/{id}/index.{lang}.md"
    own = make_crawler(NEWSBOT_IMAGES="bundle", NEWSBOT_PATH_TEMPLATE="{lang}/{id}/index.md")
    assert exporter.path_template(own.settings) == "{lang}/{id}/index.md"
    flat = make_crawler(NEWSBOT_IMAGES="bundle", NEWSBOT_PATH_TEMPLATE="{lang}/{id}.md")
    with pytest.raises(ValueError, match="page bundle"):
        exporter.path_template(flat.settings)
    static = make_crawler(NEWSBOT_IMAGES="static", NEWSBOT_EXPORT_DIR="/srv/site/content")
    assert images.static_dir(static.settings) == Path("/srv/site/static")
    assert exporter.path_template(static.settings) == "{lang}/news/{source}/{id}.{lang}.md"


def test_bundle_export_path(tmp_path):
    crawler = make_crawler(NEWSBOT_IMAGES="bundle", NEWSBOT_EXPORT_DIR=str(tmp_path))
    item = Article(id="20261120A05XK300", source="qq", lang="zh-CN")
    assert ExportPipeline.from_crawler(crawler).exporter.file_path(item) == (
        tmp_path / "zh-CN" / "news" / "qq" / "20261120A05XK300" / "index.zh-CN.md"
    )


def test_rewrite_swaps_exactly_the_kept_images():
    item = Article(
        thumbnail="https://i/cover.jpg",
        body_html='<p>a</p><p><img src="https://i/1.jpg?a=1&amp;b=2" alt="x"></p>'
        '<p><img src="https://i/2.jpg" alt="y" title="t"></p>',
        body='a\n\n![x](https://i/1.jpg?a=1&b=2)\n\n![y \\] z](https://i/2.jpg "t")\n\n'
        "[link](https://i/2.jpgx)",
    )
    images.set_local_images(item, {"https://i/1.jpg?a=1&b=2": "img-1.jpg",
                                   "https://i/2.jpg": "img-2.jpg"})  # fmt: skip
    local = images.with_local_images(item)
    assert (
        local.body
        == 'a\n\n![x](img-1.jpg)\n\n![y \\] z](img-2.jpg "t")\n\n[link](https://i/2.jpgx)'
    )
    assert local.body_html == (
        '<p>a</p><p><img src="img-1.jpg" alt="x"></p><p><img src="img-2.jpg" alt="y" title="t"></p>'
    )
    assert local.thumbnail == "https://i/cover.jpg"  # not kept: stays remote
    assert item.body.count("https://i/") == 3  # the item itself is unchanged
    assert images.with_local_images(Article(body="x")).body == "x"


def test_wanted_images_cover_first_each_once_web_urls_only():
    urls = ["https://i/1.jpg", "https://i/2.png", "data:image/png;base64,AA"]
    item = Article(url="https://new.qq.com/rain/a/x", thumbnail="https://i/1.jpg", images=urls)
    assert images.wanted_images(item) == ["https://i/1.jpg", "https://i/2.png"]
    from_markdown = Article(url="https://e/a", body='![a](https://i/3.gif "t") ![b](/rel.png)')
    assert images.wanted_images(from_markdown) == ["https://i/3.gif"]


def test_sniff_knows_images_only():
    assert images.sniff(png("x")) == "png"
    assert images.sniff(image_for("/inews.gtimg.com/om_ls/x/0").body) == "jpg"
    assert images.sniff(b"GIF89a....") == "gif"
    assert images.sniff(b"RIFF\0\0\0\0WEBPVP8 ") == "webp"
    assert images.sniff(b"\0\0\0\x1cftypavif") == "avif"
    for other in (b"<svg onload=alert(1)>", b"<!DOCTYPE html>", b"", b"\xff\xd8"):
        assert images.sniff(other) is None


def test_conversion_on_request_only():
    pytest.importorskip("PIL")
    from PIL import Image

    def encoded(image, fmt, **kw) -> bytes:
        out = BytesIO()
        image.save(out, fmt, **kw)
        return out.getvalue()

    opaque = encoded(Image.new("RGB", (4, 4), (1, 2, 3)), "WEBP")
    clear = encoded(Image.new("RGBA", (4, 4), (1, 2, 3, 0)), "WEBP", lossless=True)
    gif = encoded(Image.new("P", (4, 4)), "GIF")
    frames = [Image.new("RGB", (4, 4), color) for color in ((255, 0, 0), (0, 0, 255))]
    animated = encoded(frames[0], "GIF", save_all=True, append_images=frames[1:])
    both = frozenset({"webp", "gif"})
    assert images.convert(opaque, "webp", frozenset()) == (opaque, "webp")
    assert images.convert(opaque, "webp", both)[1] == "jpg"
    assert images.convert(clear, "webp", both)[1] == "png"
    data, ext = images.convert(gif, "gif", both)
    assert ext == "png" and images.sniff(data) == "png"
    assert images.convert(animated, "gif", both) == (animated, "gif")
    with pytest.raises(images.ImageFailed) as bad:
        images.convert(b"RIFF\0\0\0\0WEBPjunk", "webp", both)
    assert bad.value.reason == "bad_image"


def test_convert_setting_names_formats_and_needs_pillow(monkeypatch):
    assert images.convert_formats(make_crawler().settings) == frozenset()
    settings = make_crawler(NEWSBOT_IMAGES_CONVERT="webp, GIF").settings
    with monkeypatch.context() as patched:  # as without Pillow installed
        patched.setitem(sys.modules, "PIL", None)
        patched.setitem(sys.modules, "PIL.Image", None)
        with pytest.raises(ValueError, match=r"NEWSBOT_IMAGES_CONVERT=gif,webp needs Pillow: pip"):
            images.convert_formats(settings)
    pytest.importorskip("PIL")
    assert images.convert_formats(settings) == {"webp", "gif"}
