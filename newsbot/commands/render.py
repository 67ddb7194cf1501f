"""``scrapy render FILE [FILE ...]``: write the Markdown files of saved items, no network.

Two input formats (README, "Render saved items and the incumbent's history"):

- newsbot's own JSON lines (``scrapy crawl SOURCE -O items.jsonl``): one Article per
  line (``id``, ``url``, ``source``, ``label``, ``lang``, ``title``, ``date``,
  ``body_html`` or ``body`` ...);
- the incumbent's files (genkin-he/News ``news/data/<folder>/*.json``): ``{"data":
  [...]}`` or a bare array of records with ``id``, ``title``, ``description`` (body
  HTML), ``link``, ``pub_date``, ``image``, ``source`` (the label), ``language``,
  ``kind``. The folder (the site's ``{source}`` path part) is the file's parent
  folder's name, or ``--folder``. What the site's generator skips is skipped
  (``kind == 2``, no ``language``) and counted.

The items go through the same pipeline as a crawl (validate, normalise, convert,
export), yielded by a spider that makes no request. A record without an id is named
as the site names it: the MD5 of its title and date as given. Bad lines and badly
typed records are reported with their line (or record) number and skipped; the rest
is written and the exit status is 1.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import Spider
from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from newsbot.items import Article
from newsbot.runner import EXIT_FAILED, run_crawlers
from newsbot.validation import report_problems

if TYPE_CHECKING:
    import argparse

    from scrapy.crawler import Crawler

# The incumbent's record keys → Article fields.
INCUMBENT_FIELDS = {
    "id": "id",
    "link": "url",
    "title": "title",
    "pub_date": "date",
    "description": "body_html",
    "image": "thumbnail",
    "source": "label",
    "language": "lang",
    "author": "author",
}
# Keys only the incumbent's records have (newsbot's have `url`, never `link`).
_INCUMBENT_MARKS = ("link", "pub_date", "description", "language")
_STRING_FIELDS = tuple(f.name for f in fields(Article) if f.name != "images")


class BadRecord(ValueError):
    """A record that cannot be an article; the message says which field and why."""


def read_lines(path: Path) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """(line number, record) per non-empty line; a string instead of a record says
    why that line is unusable. Each line is read on its own: one bad byte or one
    absurdly nested line costs that line only."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, 1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield number, f"not UTF-8 (byte {exc.start + 1})"
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, f"not JSON ({exc.msg})"
                continue
            except RecursionError:
                yield number, "not JSON (nested too deeply)"
                continue
            yield number, record if isinstance(record, dict) else "not a JSON object"


def read_document(path: Path) -> list[Any] | None:
    """The records of a whole-file JSON document (the incumbent's ``{"data": [...]}``
    or a bare array), or None when the file is not one (then it is JSON lines)."""
    with path.open("rb") as handle:
        head = handle.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith((b"{", b"[")):
        return None
    first_line = head.split(b"\n", 1)[0]
    if head.startswith(b"{"):
        try:
            json.loads(first_line)
            return None  # a whole object on the first line: JSON lines
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
            pass
    try:
        document = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        return None  # read line by line: each bad line is reported
    if isinstance(document, dict) and isinstance(document.get("data"), list):
        return document["data"]
    if isinstance(document, list):
        return document
    return None


def is_incumbent(record: dict[str, Any]) -> bool:
    return "url" not in record and any(key in record for key in _INCUMBENT_MARKS)


def site_name(title: Any, date: Any) -> str:
    """The site's file name for a record without an id: MD5 of title + date as given."""
    return hashlib.md5(f"{title or ''}{date or ''}".encode("utf-8", "replace")).hexdigest()


def _text(name: str, value: Any) -> str:
    """A field's text: strings as they are, numbers as their digits, null as empty;
    anything else is a :class:`BadRecord`."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise BadRecord(f"{name} is a {type(value).__name__}, not text")


def to_article(record: dict[str, Any], folder: str = "") -> Article:
    """The Article of a record in either format (see the module doc); raises
    :class:`BadRecord` for a field of the wrong type."""
    if is_incumbent(record):
        data = {field: record.get(key) for key, field in INCUMBENT_FIELDS.items()}
        data["source"] = folder
    else:
        known = {f.name for f in fields(Article)}
        data = {key: value for key, value in record.items() if key in known}
    values: dict[str, Any] = {}
    for name in _STRING_FIELDS:
        if name in data:
            values[name] = _text(name, data[name])
    images = data.get("images")
    if images is not None:
        if not isinstance(images, list) or not all(isinstance(i, str) for i in images):
            raise BadRecord("images is not a list of URLs")
        values["images"] = images
    if not values.get("id", "").strip():
        # The site's rule, on the values as given (before any whitespace is tidied).
        values["id"] = site_name(data.get("title"), data.get("date"))
    if folder and not values.get("source"):
        values["source"] = folder
    return Article(**values)


def skip_reason(record: dict[str, Any]) -> str:
    """Why the site's generator would not write this incumbent record, or ''."""
    if record.get("kind", 1) == 2:
        return "kind_2"  # the incumbent's flash items
    if not record.get("language"):
        return "no_language"
    return ""


class FeedRenderSpider(Spider):
    """Yields the articles of a saved file (either format) as items."""

    name = "render"

    def __init__(self, feed: str, folder: str = "", *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.feed = Path(feed)
        self.folder = folder

    def records(self) -> Iterator[tuple[str, dict[str, Any] | str]]:
        """(where, record or why it is unusable) for every record of the file."""
        document = read_document(self.feed)
        if document is None:
            for number, record in read_lines(self.feed):
                yield f"line {number}", record
            return
        for number, record in enumerate(document, 1):
            yield f"record {number}", record if isinstance(record, dict) else "not an object"

    async def start(self) -> AsyncIterator[Article]:
        stats = self.crawler.stats
        folder = self.folder or self.feed.resolve().parent.name
        for where, record in self.records():
            if isinstance(record, str):
                stats.inc_value("newsbot/errors/bad_feed_line")
                self.logger.error("%s %s skipped: %s", self.feed, where, record)
                continue
            if is_incumbent(record):
                reason = skip_reason(record)
                if reason:
                    stats.inc_value(f"newsbot/skipped/{reason}")
                    continue
            try:
                item = to_article(record, folder)
            except BadRecord as exc:
                stats.inc_value("newsbot/errors/bad_feed_line")
                stats.inc_value("newsbot/dropped/bad_record")
                self.logger.error("%s %s skipped: %s", self.feed, where, exc)
                continue
            stats.inc_value("newsbot/discovered")
            yield item


def _stat(crawler: Crawler, key: str) -> Any:
    """A stats value, None for a crawler that never started (lock held, Redis down)."""
    try:
        return crawler.stats.get_value(key)
    except RuntimeError:
        return None


class Command(ScrapyCommand):
    requires_project = True

    def syntax(self) -> str:
        return "[options] <file> [<file> ...]"

    def short_desc(self) -> str:
        return "Write the Markdown files of saved items or the incumbent's JSON (no network)"

    def long_desc(self) -> str:
        return (
            "Render items saved with `scrapy crawl SOURCE -O items.jsonl`, or the "
            "incumbent's news/data/<folder>/*.json files, into NEWSBOT_EXPORT_DIR "
            "through the same pipeline a crawl uses. Lines without `body` get it "
            "from `body_html`."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--folder",
            default="",
            help="the site folder ({source} of the path) of incumbent records; "
            "default: each file's parent folder name",
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args:
            raise UsageError("give at least one file to render")
        missing = [name for name in args if not Path(name).is_file()]
        if missing:
            raise UsageError(f"no such feed file: {', '.join(missing)}")
        if report_problems(self):  # bad NEWSBOT_* settings: exit 2, nothing started
            return
        assert self.crawler_process
        crawlers = []
        for name in args:
            crawler = self.crawler_process.create_crawler(FeedRenderSpider)
            crawlers.append(crawler)
            self.crawler_process.crawl(crawler, feed=name, folder=opts.folder)
        status = run_crawlers(self.crawler_process, crawlers)
        # Write failures already make the status 1 (run_crawlers); bad lines do here.
        bad_lines = any(_stat(c, "newsbot/errors/bad_feed_line") for c in crawlers)
        self.exitcode = status or (EXIT_FAILED if bad_lines else 0)
