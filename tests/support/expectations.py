"""Write the expected values of the saved article pages from the parsers, for review:

    python -m tests.support.expectations [SOURCE ...]      # default: every source
    git diff tests/fixtures                                # what the page objects now give

Every article case of a hand-written source (``tests/fixtures/<source>/<case>/`` with
a ``page.html`` and a ``meta.json`` of kind ``article``) goes through its source's
page object and the pipeline's Validate, Normalise and Convert steps, as in a crawl;
``expected.json`` gets what the written file would hold (``path``, ``id``, ``url``,
``label``, ``lang``, ``title``, ``date``, ``author``, ``thumbnail``, ``images``,
``body_start``, ``body_end``), or ``dropped`` with the reason. The keys a person
wrote (``must_not_contain``, ``first_paragraph`` ...) are kept as they are.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path
from typing import Any

from scrapy.http import HtmlResponse, Request

from newsbot.downloadermiddlewares import CharsetRepairMiddleware
from newsbot.exporter import MarkdownExporter
from newsbot.html import clean_body
from newsbot.items import Article
from newsbot.pipelines import ArticleDropped, ConvertPipeline, NormalisePipeline, ValidatePipeline
from newsbot.spiders.base import NewsSpider
from tests.conftest import make_crawler

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
EDGE = 60  # characters of the Markdown body kept at each end


def hand_written_sources() -> list[str]:
    """The sources with a module of their own in newsbot/sources/ (a NewsSpider in it)."""
    names = []
    for path in sorted((Path(__file__).resolve().parents[2] / "newsbot" / "sources").glob("*.py")):
        module = importlib.import_module(f"newsbot.sources.{path.stem}")
        spiders = [
            value for value in vars(module).values()
            if isinstance(value, type) and issubclass(value, NewsSpider)
            and value.__module__ == module.__name__ and getattr(value, "name", "")
        ]  # fmt: skip
        if spiders:
            names.append(path.stem)
    return names


def article_cases(source: str) -> list[Path]:
    """The case folders of a source's saved article pages."""
    return sorted(page.parent for page in (FIXTURES / source).glob("*/page.html"))


def parse_case(source: str, case: Path, url: str = "", content_type: str = "") -> Article:
    """The item of the article saved in ``case``, as the spider makes it: the page
    object's item, with the bodies of its next pages appended when ``meta.json`` has
    them (``"pages": {URL: file}``, an article the site splits over pages)."""
    meta = json.loads((case / "meta.json").read_text(encoding="utf-8"))
    module = importlib.import_module(f"newsbot.sources.{source}")
    kind = content_type or meta.get("content_type", "text/html; charset=utf-8")
    page = saved_page(module.ArticlePage, url or meta["url"], case / "page.html", kind)
    item = page.to_item()
    pages, read = meta.get("pages", {}), {page.url}
    while item.body_html and (next_url := page.next_page_url()) and next_url not in read:
        read.add(next_url)
        page = saved_page(module.ArticlePage, next_url, case / pages[next_url], kind)
        page.continue_item(item)
    return item


def saved_response(url: str, path: Path, content_type: str) -> HtmlResponse:
    """A saved page as the spider gets it: after the charset repair a crawl applies."""
    response = HtmlResponse(url=url, body=path.read_bytes(), headers={"Content-Type": content_type})
    repair = CharsetRepairMiddleware.from_crawler(make_crawler())
    return repair.process_response(Request(url), response)


def saved_page(page_class: type, url: str, path: Path, content_type: str) -> Any:
    response = saved_response(url, path, content_type)
    return page_class(response.text, response.url)


def expectation(source: str, case: Path) -> dict[str, Any]:
    """What the file of the article saved in ``case`` would hold."""
    return file_values(parse_case(source, case))


def file_values(item: Article) -> dict[str, Any]:
    """What the file of a page object's item would hold, after the pipeline's Validate,
    Normalise and Convert steps, or ``{"dropped": reason}``."""
    crawler = make_crawler()
    try:
        for step in (ValidatePipeline, NormalisePipeline, ConvertPipeline):
            item = step.from_crawler(crawler).process_item(item)
    except ArticleDropped as exc:
        return {"dropped": exc.reason}
    exporter = MarkdownExporter(".")
    return {
        "path": exporter.file_path(item).relative_to(exporter.export_dir).as_posix(),
        "id": item.id,
        "url": item.url,
        "label": item.label or item.source,
        "lang": item.lang,
        "title": item.title,
        "date": item.date,
        "author": item.author,
        "thumbnail": item.thumbnail,
        "images": clean_body(item.body_html, item.url).images if item.body_html else item.images,
        "body_start": item.body[:EDGE],
        "body_end": item.body[-EDGE:],
    }


def rewrite(source: str, case: Path) -> bool:
    """Update ``case/expected.json``; whether it changed."""
    path = case / "expected.json"
    old = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    new = {**old, **expectation(source, case)}
    text = json.dumps(new, ensure_ascii=False, indent=2) + "\n"
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sources", nargs="*", help="default: every hand-written source")
    args = parser.parse_args(argv)
    sources = args.sources or hand_written_sources()
    for source in sources:
        changed = [case.name for case in article_cases(source) if rewrite(source, case)]
        print(f"{source}: {len(changed)} changed {changed}" if changed else f"{source}: unchanged")
    return 0


if __name__ == "__main__":
    sys.exit(main())
