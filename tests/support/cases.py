"""Fixture cases of declared sources: ``tests/fixtures/<source>/<case>/``.

A case is a folder with ``meta.json`` (the URL it is served at, its method, kind
and content type, what real structure it mirrors), the one file served, and for
an article ``expected.json`` (what the written file must hold).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from w3lib.url import safe_url_string

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
NOT_SERVED = {"meta.json", "expected.json", "README.md"}


@dataclass
class Case:
    source: str
    name: str
    folder: Path
    meta: dict[str, Any]
    expected: dict[str, Any] | None = None
    file: Path = field(default_factory=Path)

    @property
    def url(self) -> str:
        return self.meta["url"]

    @property
    def kind(self) -> str:
        return self.meta.get("kind", "article" if self.expected is not None else "answer")

    @property
    def method(self) -> str:
        return self.meta.get("method", "GET").upper()

    @property
    def content_type(self) -> str:
        return self.meta.get("content_type", "text/html; charset=utf-8")

    def body(self) -> bytes:
        return self.file.read_bytes()

    def text(self) -> str:
        """The served text, decoded as a browser would (the declared charset)."""
        charset = "utf-8"
        for part in self.content_type.split(";"):
            if part.strip().lower().startswith("charset="):
                charset = part.split("=", 1)[1].strip()
        return self.body().decode(charset, errors="replace")

    def matches(self, method: str, query: str, body: bytes, headers: dict[str, str]) -> bool:
        wanted = sorted(parse_qsl(urlsplit(normal_url(self.url)).query, keep_blank_values=True))
        if method != self.method or sorted(parse_qsl(query, keep_blank_values=True)) != wanted:
            return False
        for name, value in self.meta.get("headers_contain", {}).items():
            if value not in headers.get(name.lower(), ""):
                return False
        needle = self.meta.get("body_contains")
        return not needle or needle.encode("utf-8") in body

    def listed_articles(self) -> list[dict[str, Any]]:
        """A list case's expected articles (lists that carry whole articles)."""
        if self.expected is None:
            return []
        return self.expected.get("articles", self.expected.get("items", []))


def source_cases(source: str) -> list[Case]:
    """The cases of a source, in folder order."""
    folder = FIXTURES / source
    cases = []
    for meta_path in sorted(folder.glob("*/meta.json")):
        case_dir = meta_path.parent
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        expected_path = case_dir / "expected.json"
        expected = (json.loads(expected_path.read_text(encoding="utf-8"))
                    if expected_path.is_file() else None)  # fmt: skip
        served = [p for p in sorted(case_dir.iterdir()) if p.is_file() and p.name not in NOT_SERVED]
        if len(served) != 1:
            raise ValueError(f"{case_dir}: needs exactly one served file besides meta.json, "
                             f"found {[p.name for p in served]}")  # fmt: skip
        cases.append(Case(source, case_dir.name, case_dir, meta, expected, served[0]))
    return cases


def all_cases() -> list[Case]:
    return [case for folder in sorted(FIXTURES.iterdir()) if folder.is_dir()
            for case in source_cases(folder.name)]  # fmt: skip


def normal_url(url: str) -> str:
    """A URL as Scrapy requests it (non-ASCII paths percent-encoded), for comparing."""
    return safe_url_string(url)


def local_path(url: str) -> str:
    """The fixture server's path of a URL (``/{host}{path}``, see tests.support.localsite)."""
    parts = urlsplit(normal_url(url))
    return f"/{parts.netloc}{parts.path or '/'}"
