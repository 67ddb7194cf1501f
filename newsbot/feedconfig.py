"""Sources defined by configuration: any site with an RSS/Atom feed or a sitemap.

The file (``NEWSBOT_SOURCES_FILE``, default ``newsbot/sources.toml``) holds one
``[[source]]`` table per site; see that file's header for the format. Loading
checks every entry and names the entry and key of any mistake.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_FILE = Path(__file__).with_name("sources.toml")
LANGUAGES = ("en", "zh-CN", "zh-HK")
SELECTOR_KEYS = ("title", "date", "body", "author", "image")
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_KEYS = {"name", "lang", "feeds", "allowed_domains", "timezone", "selectors", "site"}


class SourceConfigError(ValueError):
    """A sources file that cannot be used; the message names the file and entry."""


@dataclass(frozen=True)
class FeedSource:
    name: str
    lang: str
    feeds: tuple[str, ...]
    allowed_domains: tuple[str, ...] = ()
    timezone: ZoneInfo | None = None  # None: dates as the feed gives them
    selectors: dict[str, str] = field(default_factory=dict)
    site: str = ""


def load_sources(path: str | Path | None = None) -> dict[str, FeedSource]:
    """The entries of a sources file by name, validated."""
    path = Path(path or DEFAULT_FILE)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SourceConfigError(f"NEWSBOT_SOURCES_FILE {path}: cannot read it ({exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SourceConfigError(f"{path}: not valid TOML: {exc}") from exc
    entries = data.get("source", [])
    if not isinstance(entries, list):
        raise SourceConfigError(f"{path}: sources are [[source]] tables")
    sources: dict[str, FeedSource] = {}
    for number, entry in enumerate(entries, 1):
        source = _source(entry, f"{path}: [[source]] #{number}")
        if source.name in sources:
            raise SourceConfigError(f"{path}: two entries are named {source.name!r}")
        sources[source.name] = source
    return sources


def _source(entry: dict, where: str) -> FeedSource:
    name = entry.get("name")
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise SourceConfigError(f"{where}: name must be lowercase letters, digits and '-'")
    where = f"{where} ({name})"
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise SourceConfigError(f"{where}: unknown keys {unknown} (known: {sorted(_KEYS)})")
    lang = entry.get("lang")
    if lang not in LANGUAGES:
        raise SourceConfigError(f"{where}: lang must be one of {LANGUAGES}, got {lang!r}")
    feeds = entry.get("feeds")
    if not feeds or not isinstance(feeds, list) or not all(_is_url(f) for f in feeds):
        raise SourceConfigError(f"{where}: feeds must be a list of http(s) URLs")
    domains = entry.get("allowed_domains", [])
    if not isinstance(domains, list) or not all(isinstance(d, str) and d for d in domains):
        raise SourceConfigError(f"{where}: allowed_domains must be a list of domain names")
    selectors = entry.get("selectors", {})
    if not isinstance(selectors, dict) or set(selectors) - set(SELECTOR_KEYS):
        raise SourceConfigError(f"{where}: selectors may set {SELECTOR_KEYS} only")
    if selectors and "body" not in selectors:
        raise SourceConfigError(f"{where}: selectors need at least a body selector")
    return FeedSource(
        name=name,
        lang=lang,
        feeds=tuple(feeds),
        allowed_domains=tuple(domains),
        timezone=_zone(entry.get("timezone"), where),
        selectors=dict(selectors),
        site=str(entry.get("site", "")),
    )


def _zone(name: object, where: str) -> ZoneInfo | None:
    if name is None:
        return None
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SourceConfigError(f"{where}: timezone {name!r} is not a known zone") from exc


def _is_url(value: object) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://"))
