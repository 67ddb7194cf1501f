"""Declared sources: one TOML file per source, read and checked into dataclasses.

``newsbot/sources/<name>.toml`` (and every ``*.toml`` of NEWSBOT_SOURCES_DIRS) is
a source; its file name is its name, which is also the site's folder. The format
is documented in ``docs/sources.md``. Every mistake names the file and the key.

The old sources file (NEWSBOT_SOURCES_FILE, ``[[source]]`` tables with ``feeds``
and ``selectors``) is still read: each of its entries becomes a declared source
with one feed list per feed URL.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

LANGUAGES = ("en", "zh-CN", "zh-HK")
FORMATS = ("json", "jsonp", "html", "feed")
METHODS = ("GET", "POST")
# Fields a list entry maps to the item; any other name is kept for templates.
ENTRY_FIELDS = ("id", "url", "title", "date", "update_time", "label", "thumbnail", "author",
                "body", "lang")  # fmt: skip
ARTICLE_FIELDS = ("id", "title", "date", "author", "image", "body")
SECRET_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
_SOURCE_KEYS = {"lang", "label", "site", "timezone", "allowed_domains", "enabled", "impersonate",
                "incumbent", "hook", "headers", "lists", "article", "name"}  # fmt: skip
_LIST_KEYS = {"name", "url", "method", "json", "body", "format", "entries", "json_in", "html_in",
              "label", "lang", "skip", "paging", "fields", "templates", "headers"}  # fmt: skip
_REQUEST_KEYS = {"url", "method", "json", "data", "headers", "format"}
_ARTICLE_KEYS = {*_REQUEST_KEYS, "remove", "prefer_page", "json_in", "skip", "vars", "then",
                 *ARTICLE_FIELDS}  # fmt: skip
_LEGACY_KEYS = {"name", "lang", "feeds", "allowed_domains", "timezone", "selectors", "site"}


class SourceConfigError(ValueError):
    """A source file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class SkipRule:
    """Entries whose ``field`` equals one of ``equals``, matches ``matches`` or (with
    ``missing``) has no value are skipped and counted as ``skipped/<kind>``."""

    kind: str
    field: str
    equals: tuple[str, ...] = ()
    matches: re.Pattern[str] | None = None
    missing: bool = False


@dataclass(frozen=True)
class Paging:
    param: str  # a query parameter of the URL, or a key of the JSON body
    start: int = 1
    step: int = 1


@dataclass(frozen=True)
class ListConfig:
    url: str
    format: str
    name: str = ""
    method: str = "GET"
    json: Any = None
    body: str = ""
    entries: str = ""
    json_in: str = ""
    html_in: str = ""  # json: a JMESPath to an HTML string holding the entries
    label: str = ""
    lang: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    skip: tuple[SkipRule, ...] = ()
    paging: Paging | None = None
    fields: dict[str, tuple[str, ...]] = field(default_factory=dict)
    templates: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RequestConfig:
    """A request made from templates (``{name}``: the entry's fields and vars)."""

    url: str = ""
    method: str = "GET"
    json: Any = None
    data: str = ""  # a form body
    headers: dict[str, str] = field(default_factory=dict)
    format: str = "html"


@dataclass(frozen=True)
class ArticleConfig:
    request: RequestConfig = field(default_factory=RequestConfig)  # url "": the entry's URL
    json_in: str = ""
    selectors: dict[str, tuple[str, ...]] = field(default_factory=dict)
    remove: tuple[str, ...] = ()
    prefer_page: tuple[str, ...] = ()
    skip: tuple[SkipRule, ...] = ()
    # A page that only gives a key: vars read from it ("re:<regex>", CSS or JMESPath),
    # then the request whose answer the selectors read.
    vars: dict[str, str] = field(default_factory=dict)
    then: RequestConfig | None = None

    @property
    def url(self) -> str:
        return self.request.url

    @property
    def format(self) -> str:
        return (self.then or self.request).format


@dataclass(frozen=True)
class SourceConfig:
    name: str
    lang: str
    lists: tuple[ListConfig, ...]
    label: str = ""
    site: str = ""
    timezone: ZoneInfo | None = None  # the zone of the naive dates this source gives
    allowed_domains: tuple[str, ...] = ()
    enabled: bool = True
    impersonate: bool = False
    incumbent: tuple[str, ...] = ()
    hook: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    article: ArticleConfig | None = None
    path: str = ""  # the file it was read from

    def secrets(self) -> list[str]:
        """Names of the ``${VAR}`` values its requests need, in order."""
        texts = [*self.headers.values()]
        for entry in self.lists:
            texts += [entry.url, entry.body, *entry.headers.values()]
        if self.article:
            for request in (self.article.request, self.article.then):
                if request is not None:
                    texts += [request.url, request.data, *request.headers.values()]
        return list(dict.fromkeys(m for text in texts for m in SECRET_RE.findall(text)))

    def discovery(self) -> str:
        kinds = sorted({f"{entry.format} list" for entry in self.lists})
        whole = self.article is None and all("body" in entry.fields for entry in self.lists)
        page = "list only" if whole else "article page"
        return ", ".join(kinds) + f" → {page}"

    def labels(self) -> list[str]:
        labels = [self.label or self.name] + [entry.label for entry in self.lists if entry.label]
        if any("label" in entry.fields for entry in self.lists):
            labels.append("(per article)")
        return list(dict.fromkeys(labels))

    def languages(self) -> list[str]:
        return list(dict.fromkeys([self.lang] + [e.lang for e in self.lists if e.lang]))


# --- loading -------------------------------------------------------------------------


def packaged_files() -> list[Traversable]:
    """The package's source files (read through importlib: Scrapyd runs from an egg)."""
    folder = resources.files("newsbot") / "sources"
    return sorted((p for p in folder.iterdir() if p.name.endswith(".toml")), key=lambda p: p.name)


def load_all(extra_dirs: list[str] | tuple[str, ...] = (), legacy_file: str = "") -> dict[
    str, SourceConfig
]:
    """Every declared source by name: the packaged ones, those of ``extra_dirs``
    (NEWSBOT_SOURCES_DIRS) and the entries of ``legacy_file`` (NEWSBOT_SOURCES_FILE)."""
    files: list[Traversable | Path] = [*packaged_files()]
    for folder in extra_dirs:
        path = Path(folder)
        if not path.is_dir():
            raise SourceConfigError(f"NEWSBOT_SOURCES_DIRS: {folder} is not a folder")
        files += sorted(path.glob("*.toml"))
    sources: dict[str, SourceConfig] = {}
    for path in files:
        _add(sources, load_file(path))
    if legacy_file:
        for config in load_legacy(legacy_file).values():
            _add(sources, config)
    return sources


def _add(sources: dict[str, SourceConfig], config: SourceConfig) -> None:
    if config.name in sources:
        raise SourceConfigError(
            f"{config.path}: a source named {config.name!r} is already declared in "
            f"{sources[config.name].path}"
        )
    sources[config.name] = config


def load_file(path: str | Path | Traversable) -> SourceConfig:
    path = Path(path) if isinstance(path, str) else path
    data = _read_toml(path)
    name = data.get("name", path.name.removesuffix(".toml"))
    return parse_source(data, name, str(path))


def _read_toml(path: Path | Traversable) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SourceConfigError(f"{path}: cannot read it ({exc})") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SourceConfigError(f"{path}: not valid TOML: {exc}") from exc


def parse_source(data: dict[str, Any], name: str, where: str) -> SourceConfig:
    """A source from its TOML table; SourceConfigError naming ``where`` and the key."""
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise SourceConfigError(f"{where}: the name {name!r} must be lowercase letters, digits, "
                                "'-' and '_' (it is the site's folder)")  # fmt: skip
    where = f"{where} ({name})"
    _known(data, _SOURCE_KEYS, where)
    lang = _choice(data.get("lang"), LANGUAGES, f"{where}: lang")
    lists = data.get("lists")
    if not isinstance(lists, list) or not lists:
        raise SourceConfigError(f"{where}: needs at least one [[lists]] table")
    article = data.get("article")
    if article is not None and not isinstance(article, dict):
        raise SourceConfigError(f"{where}: [article] must be a table")
    return SourceConfig(
        name=name,
        lang=lang,
        lists=tuple(_list(entry, f"{where} [[lists]] #{n}") for n, entry in enumerate(lists, 1)),
        label=_text(data, "label", where),
        site=_text(data, "site", where),
        timezone=_zone(data.get("timezone"), where),
        allowed_domains=_texts(data, "allowed_domains", where),
        enabled=_bool(data, "enabled", True, where),
        impersonate=_bool(data, "impersonate", False, where),
        incumbent=_texts(data, "incumbent", where),
        hook=_text(data, "hook", where),
        headers=_headers(data.get("headers"), where),
        article=_article(article, f"{where} [article]") if article is not None else None,
        path=where.split(" (", 1)[0],
    )


def _list(data: Any, where: str) -> ListConfig:
    if not isinstance(data, dict):
        raise SourceConfigError(f"{where}: must be a table")
    _known(data, _LIST_KEYS, where)
    url = data.get("url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise SourceConfigError(f"{where}: url must be an http(s) URL, got {url!r}")
    fmt = _choice(data.get("format"), FORMATS, f"{where}: format")
    fields = _selectors(data.get("fields", {}), where + " fields", any_name=True)
    if fmt != "feed" and not data.get("entries"):
        raise SourceConfigError(f"{where}: entries (where the list's entries are) is required")
    if fmt != "feed" and "url" not in fields and "url" not in data.get("templates", {}):
        raise SourceConfigError(f"{where}: fields.url or templates.url is required")
    if data.get("json") is not None and data.get("body"):
        raise SourceConfigError(f"{where}: give json or body, not both")
    templates = data.get("templates", {})
    if not isinstance(templates, dict) or not all(isinstance(v, str) for v in templates.values()):
        raise SourceConfigError(f"{where}: templates must map field names to strings")
    return ListConfig(
        url=url,
        format=fmt,
        name=_text(data, "name", where),
        method=_choice(str(data.get("method", "GET")).upper(), METHODS, f"{where}: method"),
        json=data.get("json"),
        body=_text(data, "body", where),
        entries=_text(data, "entries", where),
        json_in=_text(data, "json_in", where),
        html_in=_text(data, "html_in", where),
        label=_text(data, "label", where),
        lang=_choice(data["lang"], LANGUAGES, f"{where}: lang") if "lang" in data else "",
        headers=_headers(data.get("headers"), where),
        skip=_skips(data.get("skip"), where),
        paging=_paging(data.get("paging"), where),
        fields=fields,
        templates=dict(templates),
    )


def _article(data: dict[str, Any], where: str) -> ArticleConfig:
    _known(data, _ARTICLE_KEYS, where)
    selectors = _selectors({k: v for k, v in data.items() if k in ARTICLE_FIELDS}, where)
    then = data.get("then")
    if then is not None and (not isinstance(then, dict) or not then.get("url")):
        raise SourceConfigError(f"{where}: [article.then] must be a table with a url")
    variables = data.get("vars", {})
    if not isinstance(variables, dict) or not all(isinstance(v, str) for v in variables.values()):
        raise SourceConfigError(f"{where}: vars must map names to selectors")
    if then is not None and not variables:
        raise SourceConfigError(f"{where}: [article.then] needs vars read from the first answer")
    return ArticleConfig(
        request=_request(data, where),
        json_in=_text(data, "json_in", where),
        selectors=selectors,
        remove=_texts(data, "remove", where),
        prefer_page=_texts(data, "prefer_page", where),
        skip=_skips(data.get("skip"), where),
        vars=dict(variables),
        then=_request(then, f"{where} [article.then]", strict=True) if then else None,
    )


def _request(data: dict[str, Any], where: str, strict: bool = False) -> RequestConfig:
    if strict:
        _known(data, _REQUEST_KEYS, where)
    if data.get("json") is not None and data.get("data"):
        raise SourceConfigError(f"{where}: give json or data, not both")
    return RequestConfig(
        url=_text(data, "url", where),
        method=_choice(str(data.get("method", "GET")).upper(), METHODS, f"{where}: method"),
        json=data.get("json"),
        data=_text(data, "data", where),
        headers=_headers(data.get("headers"), where),
        format=_choice(data.get("format", "html"), ("html", "json"), f"{where}: format"),
    )


def _selectors(data: Any, where: str, any_name: bool = False) -> dict[str, tuple[str, ...]]:
    if not isinstance(data, dict):
        raise SourceConfigError(f"{where}: must be a table of selectors")
    result = {}
    for key, value in data.items():
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not values or not all(
            isinstance(v, str) and v.strip() for v in values
        ):  # fmt: skip
            raise SourceConfigError(f"{where}: {key} must be a selector or a list of them")
        if not any_name and key not in ARTICLE_FIELDS:
            raise SourceConfigError(f"{where}: unknown field {key!r}")
        result[key] = tuple(values)
    return result


def _skips(data: Any, where: str) -> tuple[SkipRule, ...]:
    """``skip = {field = [values]}`` or ``[[lists.skip]]`` tables (kind, field, equals,
    matches, missing)."""
    if data is None:
        return ()
    if isinstance(data, dict):
        data = [{"kind": key, "field": key, "equals": value} for key, value in data.items()]
    if not isinstance(data, list):
        raise SourceConfigError(f"{where}: skip must be a table or a list of tables")
    rules = []
    for rule in data:
        if not isinstance(rule, dict) or not isinstance(rule.get("field"), str):
            raise SourceConfigError(f"{where}: each skip rule needs a field")
        _known(rule, {"kind", "field", "equals", "matches", "missing"}, where + " skip")
        equals = rule.get("equals", [])
        equals = equals if isinstance(equals, list) else [equals]
        try:
            matches = re.compile(rule["matches"]) if rule.get("matches") else None
        except re.error as exc:
            raise SourceConfigError(f"{where}: skip matches is not a regex: {exc}") from exc
        rules.append(SkipRule(
            kind=str(rule.get("kind") or rule["field"]), field=rule["field"],
            equals=tuple(_as_text(v) for v in equals), matches=matches,
            missing=bool(rule.get("missing", False)),
        ))  # fmt: skip
    return tuple(rules)


def _paging(data: Any, where: str) -> Paging | None:
    if data is None:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("param"), str):
        raise SourceConfigError(f"{where}: paging needs param (a query parameter or JSON key)")
    try:
        return Paging(data["param"], int(data.get("start", 1)), int(data.get("step", 1)))
    except (TypeError, ValueError) as exc:
        raise SourceConfigError(f"{where}: paging start and step must be numbers") from exc


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _headers(data: Any, where: str) -> dict[str, str]:
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise SourceConfigError(f"{where}: headers must map names to strings")
    return dict(data)


def _known(data: dict[str, Any], keys: set[str], where: str) -> None:
    unknown = sorted(set(data) - keys)
    if unknown:
        raise SourceConfigError(f"{where}: unknown keys {unknown} (known: {sorted(keys)})")


def _choice(value: Any, allowed: tuple[str, ...], where: str) -> str:
    if value not in allowed:
        raise SourceConfigError(f"{where} must be one of {', '.join(allowed)}; got {value!r}")
    return value


def _text(data: dict[str, Any], key: str, where: str) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise SourceConfigError(f"{where}: {key} must be a string")
    return value


def _texts(data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise SourceConfigError(f"{where}: {key} must be a list of strings")
    return tuple(value)


def _bool(data: dict[str, Any], key: str, default: bool, where: str) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise SourceConfigError(f"{where}: {key} must be true or false")
    return value


def _zone(name: Any, where: str) -> ZoneInfo | None:
    if name is None:
        return None
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SourceConfigError(f"{where}: timezone {name!r} is not a known zone") from exc


# --- the old sources file ----------------------------------------------------------


def load_legacy(path: str | Path) -> dict[str, SourceConfig]:
    """The ``[[source]]`` entries of an old-style sources file, as declared sources."""
    path = Path(path)
    data = _read_toml(path)
    entries = data.get("source", [])
    if not isinstance(entries, list):
        raise SourceConfigError(f"NEWSBOT_SOURCES_FILE {path}: sources are [[source]] tables")
    sources: dict[str, SourceConfig] = {}
    for number, entry in enumerate(entries, 1):
        where = f"{path}: [[source]] #{number}"
        if not isinstance(entry, dict):
            raise SourceConfigError(f"{where}: must be a table")
        _known(entry, _LEGACY_KEYS, where)
        feeds = entry.get("feeds")
        if not isinstance(feeds, list) or not feeds:
            raise SourceConfigError(f"{where}: feeds must be a list of http(s) URLs")
        selectors = entry.get("selectors", {})
        if not isinstance(selectors, dict):
            raise SourceConfigError(f"{where}: selectors must be a table")
        if selectors and "body" not in selectors:
            raise SourceConfigError(f"{where}: selectors need at least a body selector")
        table = {
            "lang": entry.get("lang"),
            "site": entry.get("site", ""),
            "allowed_domains": entry.get("allowed_domains", []),
            "lists": [{"url": url, "format": "feed"} for url in feeds],
            "article": dict(selectors),
        }
        if "timezone" in entry:
            table["timezone"] = entry["timezone"]
        config = parse_source(table, entry.get("name"), where)
        if config.name in sources:
            raise SourceConfigError(f"{path}: two entries are named {config.name!r}")
        sources[config.name] = config
    return sources
