"""A generated Tencent News site for the benchmark: N article pages and the list API.

Pages have the size and structure of the real ones (250-300 KB: the head's scripts,
a one-line ``window.DATA = {...};`` with ``originContent``/``originAttribute``,
``window.channelInfo``, ``window.articleConfig``, the SSR DOM with
``h1#article-title``, ``#article-author .media-name`` and ``div.rich_media_content``
holding 15-30 paragraphs and 3-6 figures, the inline weui ``<style>``). The
markup is taken from the fixture page ``tests/fixtures/qq/pages/20261122A0FIN100.html``;
ids, titles, authors, texts and images vary per article, derived from the
article's index and a seed only (``random.Random(f"{seed}:{index}")``), so a page is
byte-identical on every request and in every run. Texts are sentences of the
original fixture articles, recombined.

Pages are generated on request from their index (10,000 pages need no disk).
``getPCList`` for channel ``bench`` lists them, ``item_count`` (20) per page.
Paths follow tests/support/localsite.py (``/{host}/{path}``) and the server is
tests/support/server.py's, so ``scrapy crawl qq`` runs unchanged against it.

Serve it by hand::

    python benchmarks/qq_site.py --n 1000 --port 8801   # prints the scrapy crawl command
"""

from __future__ import annotations

import argparse
import functools
import html
import json
import random
import re
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.support.server import FIXTURES, FixtureServer, FixtureSite, Hit, Reply  # noqa: E402

CHANNEL = "bench"
ITEMS_PER_PAGE = 20
DEFAULT_SEED = 2026
LIST_PATH = "/i.news.qq.com/web_feed/getPCList"
ARTICLE_PATH_RE = r"/(?:news|new)\.qq\.com/rain/a/(\w+)"
HTML_TYPE = "text/html; charset=utf-8"
JSON_TYPE = "application/json;charset=utf-8"

QQ = FIXTURES / "qq"
TEMPLATE_ID = "20261122A0FIN100"  # a normal SSR page: the markup every page is built from
SEED_ARTICLE = "20250210A06D7U00"  # a real article: its text is not reused
FIRST_PUBTIME = datetime(2026, 11, 1, 6, 0, 0)
_B36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_KEY_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
AUTHORS = (
    "科技前哨站", "财经速览", "数智前沿", "智造观察家", "低空经济观察", "数码前线",
    "新能源周刊", "产业链观察", "城市经济报道", "消费新知", "硬核芯闻", "出行研究所",
)  # fmt: skip
LOCATIONS = ("北京", "上海", "广东", "浙江", "江苏", "四川", "湖北", "山东")
CATEGORIES = (("tech", "科技"), ("finance", "财经"), ("auto", "汽车"), ("digi", "数码"))
# Bytes of a page without paragraphs and figures, per paragraph's markup (SSR + the
# escaped copy in window.DATA), per figure, per character of text (UTF-8, twice):
# measured on the template, used to size the text so pages land at 255-295 KB.
PAGE_BYTES = 145_000
PARAGRAPH_BYTES = 4_270
FIGURE_BYTES = 2_000
TEXT_BYTES_PER_CHAR = 5.4


# --- the template, read once from the fixture page ---------------------------------


def _cut(text: str, start: str, end: str, begin: int = 0) -> tuple[int, int]:
    """Span of the first ``start`` ... ``end`` (inclusive) at or after ``begin``."""
    a = text.index(start, begin)
    b = text.index(end, a) + len(end)
    return a, b


def _split_text(chunk: str) -> tuple[str, str]:
    """A paragraph's markup around its text: (before, after)."""
    match = re.search(r">([^<>]+)</span>", chunk)
    if not match:
        raise ValueError("paragraph template has no text")
    return chunk[: match.start(1)], chunk[match.end(1) :]


def _strong(parts: tuple[str, str]) -> tuple[str, str]:
    before, after = parts
    return before.replace("<span", "<strong><span", 1), after.replace(
        "</span>", "</span></strong>", 1
    )


@dataclass(frozen=True)
class Template:
    head: str  # up to the window.DATA line, with %%TOKENS%%
    data_prefix: str  # "  window.DATA = "
    data: dict[str, Any]  # window.DATA without the body
    image_record: dict[str, Any]  # an originAttribute IMG_n record
    middle: str  # the other scripts and the body up to the article line
    article_head: str  # h1, author block ... up to the body
    ssr_outer: str  # <div class="rich_media_content"><section data-role="outer" ...>
    ssr_para: tuple[str, str]
    ssr_strong: tuple[str, str]
    ssr_figure: tuple[str, ...]  # split at the image URL (src and data-src)
    origin_outer: str
    origin_first: tuple[str, str]
    origin_para: tuple[str, str]
    origin_strong: tuple[str, str]
    origin_figure: tuple[str, ...]  # split at the IMG_n key
    style: str  # the weui <style> block at the end of the body
    tail: str  # after the article line
    sentences: tuple[str, ...]
    subjects: tuple[str, ...]
    list_item: dict[str, Any]


@functools.cache
def template() -> Template:
    page = (QQ / f"{TEMPLATE_ID}" / "page.html").read_text(encoding="utf-8")
    expected = json.loads((QQ / f"{TEMPLATE_ID}" / "expected.json").read_text(encoding="utf-8"))
    lines = page.split("\n")
    data_at = next(i for i, line in enumerate(lines) if "window.DATA = " in line)
    body_at = next(i for i, line in enumerate(lines) if 'id="article-title"' in line)
    data_line = lines[data_at]
    prefix = data_line[: data_line.index("window.DATA = ") + len("window.DATA = ")]
    data = json.loads(data_line[len(prefix) :].rstrip().removesuffix(";"))
    origin = data.pop("originContent")["text"]
    attributes = data.pop("originAttribute")

    title, date = expected["title"], expected["date"]
    old = {
        title: "%%TITLE%%",
        data["desc"]: "%%DESC%%",
        TEMPLATE_ID: "%%ID%%",
        data["media"]: "%%AUTHOR%%",
        date: "%%DATE%%",
        "公募基金,债券基金,权益基金,规模,三季度": "%%KEYWORDS%%",
        '<meta property="category" content="finance" />': (
            '<meta property="category" content="%%CATEGORY%%" />'
        ),
    }
    head = "\n".join(lines[:data_at]) + "\n"
    for value, token in old.items():
        head = head.replace(value, token)
    og_url = '<meta property="og:url" content="https://news.qq.com/rain/a/%%ID%%" />'
    head = head.replace(og_url, og_url + '\n<meta property="og:image" content="%%COVER%%" />')
    if "%%KEYWORDS%%" not in head or "%%COVER%%" not in head:
        raise ValueError(f"{TEMPLATE_ID}.html: head not as expected")

    ssr = lines[body_at]
    body_start = ssr.index('<div class="rich_media_content">')
    article_head = ssr[:body_start]
    for value, token in {
        title: "%%TITLE%%",
        data["media"]: "%%AUTHOR%%",
        date[:16]: "%%MINUTE%%",
        data["aiFirstQuestion"]["text"]: "%%QUESTION%%",
        data["userAddress"]: "%%LOCATION%%",
    }.items():
        article_head = article_head.replace(value, token)
    para_a, para_b = _cut(ssr, '<section data-role="paragraph"', "</section>", body_start)
    fig_a, fig_b = _cut(ssr, "<figure", "</figure>", body_start)
    figure = ssr[fig_a:fig_b]
    image_url = re.search(r' src="([^"]+)"', figure).group(1)  # type: ignore[union-attr]
    style_a, style_b = _cut(ssr, "<style>", "</style>", body_start)
    if ssr[style_b:] != "</div></div></div>" or not origin.endswith("</style></div>"):
        raise ValueError(f"{TEMPLATE_ID}.html: article line not as expected")

    o1_a, o1_b = _cut(origin, '<section data-role="paragraph"', "</section>")
    o2_a, o2_b = _cut(origin, '<section data-role="paragraph"', "</section>", o1_b)
    o_fig_a, o_fig_b = _cut(origin, "<figure", "</figure>")
    o_figure = origin[o_fig_a:o_fig_b]

    sentences, subjects = _text_pool()
    tech_list = QQ / "news_news_tech_0" / "news_news_tech_0.json"
    tech = json.loads(tech_list.read_text(encoding="utf-8"))
    list_item = next(
        item for item in tech["data"] if item.get("articletype") == "0" and "sub_item" not in item
    )
    return Template(
        head=head,
        data_prefix=prefix,
        data=data,
        image_record=attributes["IMG_0"],
        middle="\n".join(lines[data_at + 1 : body_at]) + "\n",
        article_head=article_head,
        ssr_outer=ssr[body_start:para_a],
        ssr_para=_split_text(ssr[para_a:para_b]),
        ssr_strong=_strong(_split_text(ssr[para_a:para_b])),
        ssr_figure=tuple(figure.split(image_url)),
        origin_outer=origin[:o1_a],
        origin_first=_split_text(origin[o1_a:o1_b]),
        origin_para=_split_text(origin[o2_a:o2_b]),
        origin_strong=_strong(_split_text(origin[o2_a:o2_b])),
        origin_figure=tuple(o_figure.split("IMG_0")),
        style=ssr[style_a:style_b],
        tail="\n" + "\n".join(lines[body_at + 1 :]),
        sentences=sentences,
        subjects=subjects,
        list_item=list_item,
    )


def _text_pool() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Sentences and title subjects of the original fixture articles (not the seed's)."""
    import lxml.html

    sentences: dict[str, None] = {}
    subjects: dict[str, None] = {}
    for path in sorted(QQ.glob("*/page.html")):
        if path.parent.name == SEED_ARTICLE:
            continue
        page = path.read_text(encoding="utf-8")
        line = next(line for line in page.split("\n") if "window.DATA = " in line)
        data = json.loads(line.split("window.DATA = ", 1)[1].rstrip().removesuffix(";"))
        body = lxml.html.fragment_fromstring(data["originContent"]["text"], create_parent="div")
        for paragraph in body.iter("p"):
            text = " ".join(paragraph.text_content().split())
            for sentence in re.split(r"(?<=[。！？])", text):
                sentence = sentence.strip()
                if 12 <= len(sentence) <= 120 and sentence[-1] in "。！？":
                    sentences[sentence] = None
        title = str(data.get("title") or "")
        if title:
            subjects[re.split(r"[：，]", title)[0]] = None
    for name in ("算力中心", "新能源车", "跨境电商", "智能家居", "半导体设备", "光伏组件"):
        subjects[name] = None
    return tuple(sentences), tuple(subjects)


# --- one article -----------------------------------------------------------------


def b36(number: int, width: int) -> str:
    digits = ""
    while number:
        number, rest = divmod(number, 36)
        digits = _B36[rest] + digits
    return digits.rjust(width, "0")


def pubtime(index: int) -> datetime:
    return FIRST_PUBTIME + timedelta(seconds=index * 97)


def article_id(index: int) -> str:
    """``YYYYMMDD`` (publish day) + ``A`` + five base-36 digits of the index + ``00``."""
    return f"{pubtime(index):%Y%m%d}A{b36(index, 5)}00"


def index_of(article_id: str) -> int | None:
    """The index of a generated article id, or None."""
    if len(article_id) != 16 or article_id[8] != "A" or not article_id.endswith("00"):
        return None
    try:
        index = int(article_id[9:14], 36)
    except ValueError:
        return None
    return index if globals()["article_id"](index) == article_id else None


@dataclass(frozen=True)
class Meta:
    """What the list API tells about an article (cheap: no body)."""

    index: int
    id: str
    title: str
    lead: str  # the first paragraph, also the description
    author: str
    location: str
    category: tuple[str, str]
    published: datetime
    updated: datetime
    cover: str
    question: str


@dataclass(frozen=True)
class Article:
    meta: Meta
    paragraphs: tuple[str, ...]
    headings: frozenset[int]  # paragraphs shown as a bold subheading
    images: dict[int, str]  # paragraph position -> image key (the figure follows it)


def _image_key(rng: random.Random) -> str:
    return "O" + "".join(rng.choice(_KEY_CHARS) for _ in range(44)) + "AA"


def _clause(rng: random.Random, limit: int) -> str:
    return re.split(r"[，。！？]", rng.choice(template().sentences))[0].strip("“”")[:limit]


@functools.lru_cache(maxsize=4096)
def meta(index: int, seed: int = DEFAULT_SEED) -> Meta:
    t = template()
    rng = random.Random(f"{seed}:{index}:meta")
    published = pubtime(index)
    return Meta(
        index=index,
        id=article_id(index),
        title=f"{rng.choice(t.subjects)}：{_clause(rng, 22)}",
        lead="".join(rng.sample(t.sentences, 2)),
        author=rng.choice(AUTHORS),
        location=rng.choice(LOCATIONS),
        category=rng.choice(CATEGORIES),
        published=published,
        updated=published + timedelta(minutes=rng.randint(5, 180)),
        cover=f"https://inews.gtimg.com/om_ls/{_image_key(rng)}_640360/0",
        question=_clause(rng, 18) + "？",
    )


def article(index: int, seed: int = DEFAULT_SEED) -> Article:
    t = template()
    rng = random.Random(f"{seed}:{index}")
    count = rng.randint(15, 30)
    figures = rng.randint(3, 6)
    # The page's size is drawn first (258-292 KB) and the paragraphs' text fills what
    # the markup leaves: few paragraphs are long ones, many are short.
    markup = PAGE_BYTES + count * PARAGRAPH_BYTES + figures * FIGURE_BYTES
    chars = (rng.uniform(258_000, 292_000) - markup) / TEXT_BYTES_PER_CHAR
    headings = {p for p in range(3, count - 2) if rng.random() < 0.12}
    weights = [rng.uniform(0.5, 1.5) for _ in range(count)]
    per_weight = chars / sum(w for p, w in enumerate(weights) if p not in headings)
    lead = meta(index, seed).lead
    paragraphs = [lead]
    for position in range(1, count):
        if position in headings:
            paragraphs.append(_clause(rng, 40))
            continue
        want = min(max(per_weight * weights[position], 40), 600)
        text = rng.choice(t.sentences)
        while len(text) < want:
            text += rng.choice(t.sentences)
        paragraphs.append(text)
    positions = sorted(rng.sample(range(count - 1), figures))
    return Article(
        meta=meta(index, seed),
        paragraphs=tuple(paragraphs),
        headings=frozenset(headings),
        images={position: _image_key(rng) for position in positions},
    )


def _image_url(key: str) -> str:
    return f"https://inews.gtimg.com/om_bt/{key}/641"


def _image_record(key: str, rng: random.Random) -> dict[str, Any]:
    record = dict(template().image_record)
    base = f"https://inews.gtimg.com/om_bt/{key}"
    record.update(
        bigOrigUrl=f"{base}/0", compressUrl=f"{base}/641", imgurl0=f"{base}/0",
        imgurl1000=f"{base}/1000", origUrl=f"{base}/641", thumb=f"{base}_181x181s/0",
        url=f"{base}/641", height=rng.choice((361, 427, 480, 720)), size=rng.randint(80, 900),
    )  # fmt: skip
    return record


def _body(a: Article, origin: bool) -> str:
    t = template()
    parts = [t.origin_outer if origin else t.ssr_outer]
    for position, text in enumerate(a.paragraphs):
        if origin:
            around = (
                t.origin_strong if position in a.headings
                else t.origin_first if position == 0 else t.origin_para
            )  # fmt: skip
        else:
            around = t.ssr_strong if position in a.headings else t.ssr_para
        parts += [around[0], html.escape(text, quote=False), around[1]]
        if position in a.images:
            if origin:
                number = sorted(a.images).index(position)
                parts.append(f"IMG_{number}".join(t.origin_figure))
            else:
                parts.append(_image_url(a.images[position]).join(t.ssr_figure))
    parts += ["</section>", t.style, "</div>"]  # the outer section, div.rich_media_content
    return "".join(parts)


def _fill(text: str, values: dict[str, str]) -> str:
    for token, value in values.items():
        text = text.replace(f"%%{token}%%", value)
    return text


def _json_in_script(value: Any) -> str:
    """JSON as the site writes it in a script: ``<``, ``>``, ``&`` as \\u escapes."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


@functools.lru_cache(maxsize=128)
def article_page(index: int, seed: int = DEFAULT_SEED) -> bytes:
    """The page of article ``index`` (UTF-8), the same bytes on every call."""
    t = template()
    a = article(index, seed)
    m = a.meta
    rng = random.Random(f"{seed}:{index}:attributes")
    date = f"{m.published:%Y-%m-%d %H:%M:%S}"
    escaped = {
        "ID": m.id,
        "TITLE": html.escape(m.title),
        "DESC": html.escape(m.lead),
        "AUTHOR": html.escape(m.author),
        "DATE": date,
        "MINUTE": date[:16],
        "KEYWORDS": html.escape(",".join(re.split(r"[：，]", m.title)[:3])),
        "CATEGORY": m.category[0],
        "COVER": m.cover,
        "QUESTION": html.escape(m.question),
        "LOCATION": m.location,
    }
    data = dict(t.data)
    card = dict(data.get("card") or {})
    card.update(chlname=m.author, chlid=str(30000000 + m.index % 997))
    data.update(
        url=f"https://view.inews.qq.com/a/{m.id}", article_id=m.id, cmsId=m.id, cms_id=m.id,
        title=m.title, desc=m.lead, abstract=m.lead, catalog1=m.category[0],
        ad_channel_sign=m.category[0], media=m.author, media_id=card["chlid"], pubtime=date,
        comment_id=str(4000000000000000 + m.index * 7919), card=card, userAddress=m.location,
        originContent={"directory": {"enable": 2}, "text": _body(a, origin=True), "version": "v2"},
        originAttribute={
            f"IMG_{n}": _image_record(key, rng) for n, key in enumerate(a.images.values())
        },
        contentWordsNum=sum(len(p) for p in a.paragraphs),
        aiFirstQuestion={"source": "algo", "text": m.question},
    )  # fmt: skip
    page = "".join(
        [
            _fill(t.head, escaped),
            t.data_prefix,
            _json_in_script(data),
            ";\n",
            t.middle,
            _fill(t.article_head, escaped),
            _body(a, origin=False),
            "</div></div>",
            t.tail,
        ]
    )
    return page.encode("utf-8")


# --- the list API ----------------------------------------------------------------


def list_item(index: int, seed: int = DEFAULT_SEED) -> dict[str, Any]:
    """The getPCList entry of article ``index`` (shaped like the fixture's)."""
    m = meta(index, seed)
    item = json.loads(json.dumps(template().list_item))
    cover = m.cover.removesuffix("_640360/0")
    item.update(
        id=m.id, title=m.title, publish_time=f"{m.published:%Y-%m-%d %H:%M:%S}",
        update_time=f"{m.updated:%Y-%m-%d %H:%M:%S}", desc=m.lead, user_address=m.location,
        long_summary=m.lead,
    )  # fmt: skip
    item["pic_info"].update(
        big_img=[f"{cover}_870492/0"], small_img=[f"{cover}_294195/0"],
        three_img=[f"{cover}_197130/0"], img_count=3 + m.index % 4,
    )  # fmt: skip
    item["pic_info"]["ext"] = {
        size: f"{cover}_{size.replace('x', '')}/0" for size in ("196x130", "360x240", "330x330")
    }
    view = f"https://view.inews.qq.com/a/{m.id}"
    item["link_info"] = {"share_url": view, "url": view, "short_url": view, "org_url": view}
    item["media_info"]["chl_name"] = m.author
    item["share_info"] = {"share_title": m.title, "share_subtitle": m.lead}
    item["interation_info"].update(
        comment_id=str(4000000000000000 + m.index * 7919), read_num=1000 + m.index * 37 % 90000
    )
    return item


def list_answer(n: int, channel: str, page: int, item_count: int, seed: int) -> dict[str, Any]:
    """A getPCList answer: articles ``page * item_count`` ... of the ``n`` (none after)."""
    indexes = (
        range(page * item_count, min(n, (page + 1) * item_count)) if channel == CHANNEL else ()
    )
    return {
        "data": [list_item(i, seed) for i in indexes],
        "ad_list": "", "trace_id": "", "fixed_nums": 0, "is_deleted": 0, "code": 0,
        "message": "", "timestamp": "", "hot_list": None, "plugin_audio": None,
        "native_ad_data": None,
    }  # fmt: skip


# --- the site --------------------------------------------------------------------


def _list(site: FixtureSite, match: re.Match[str], hit: Hit) -> Reply:
    n, seed = site.state["bench"]
    try:
        query = json.loads(hit.body or b"{}")
        channel, page = str(query["channel_id"]), int(query["page"])
        item_count = int(query.get("item_count") or ITEMS_PER_PAGE)
    except (ValueError, KeyError, TypeError):
        return Reply.json({"code": -1, "message": "参数错误", "data": []})
    return Reply(200, _list_body(n, channel, page, item_count, seed), JSON_TYPE)


@functools.lru_cache(maxsize=2048)
def _list_body(n: int, channel: str, page: int, item_count: int, seed: int) -> bytes:
    """Made once per page: the server answers like a real API, without competing for
    the CPU the crawl under test is measured on (a re-run fetches every list again)."""
    return json.dumps(list_answer(n, channel, page, item_count, seed), ensure_ascii=False).encode()


def _page(site: FixtureSite, match: re.Match[str], hit: Hit) -> Reply:
    n, seed = site.state["bench"]
    index = index_of(match.group(1))
    if index is None or index >= n:
        return Reply.not_found()
    return Reply(200, article_page(index, seed), HTML_TYPE)


def make_site(n: int, seed: int = DEFAULT_SEED) -> FixtureSite:
    """A fixture site (robots.txt included) serving ``n`` generated articles."""
    site = FixtureSite()
    site.state["bench"] = (n, seed)
    site.add("POST", LIST_PATH, _list)
    site.add("GET", ARTICLE_PATH_RE, _page)
    return site


def article_requests(site: FixtureSite) -> int:
    """How many article pages the site has served (or refused) so far."""
    return len(site.requests_to(ARTICLE_PATH_RE))


def list_pages(n: int) -> int:
    return -(-n // ITEMS_PER_PAGE)


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve N generated Tencent News articles.")
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--port", type=int, default=8801)
    args = parser.parse_args()
    from tests.support.serve import shell_flags, wait_for_interrupt

    sizes = [len(article_page(i, args.seed)) for i in range(min(args.n, 50))]
    with FixtureServer(make_site(args.n, args.seed), args.port) as server:
        flags = shell_flags(server.url)
        kb = f"{min(sizes) // 1024}-{max(sizes) // 1024} KB"
        print(
            f"{args.n} articles at {server.url} (pages {kb})."
            f" Crawl them with:\n  scrapy crawl qq -a channels={CHANNEL}"
            f" -a pages={list_pages(args.n)} {flags}"
        )
        wait_for_interrupt()


if __name__ == "__main__":
    main()
