"""Where an article's file goes, and how it is written (atomically, never clobbered)."""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import re
import string
import time
from enum import Enum
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from newsbot import settings
from newsbot.frontmatter import render_document
from newsbot.items import Article

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

TEMP_PREFIX = ".newsbot-"
TEMP_SUFFIX = ".tmp"
MAX_NAME_BYTES = 200  # file systems allow 255; the template adds the language and suffix

# The site's rule (`\ / * ? : " < > |` removed) plus controls and other path hazards.
_UNSAFE_NAME_RE = re.compile(r'[\\/*?:"<>|\x00-\x1f\x7f]')
_RESERVED = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
)


def path_template(crawl_settings: BaseSettings) -> str:
    """The file path template of the exporter: a page bundle's index file in
    ``bundle`` mode."""
    from newsbot.images import BUNDLE, BUNDLE_PATH_TEMPLATE, images_mode  # imports this module

    default = settings.NEWSBOT_PATH_TEMPLATE
    template = crawl_settings.get("NEWSBOT_PATH_TEMPLATE") or default
    if images_mode(crawl_settings) != BUNDLE:
        return template
    if template == default:
        return BUNDLE_PATH_TEMPLATE
    if PurePosixPath(template).name.startswith("index."):
        return template
    raise ValueError(
        f"NEWSBOT_IMAGES='bundle' needs a NEWSBOT_PATH_TEMPLATE whose file is a page "
        f"bundle's index (like {BUNDLE_PATH_TEMPLATE!r}), not {template!r}"
    )


class WriteResult(Enum):
    WRITTEN = "written"
    OVERWRITTEN = "overwritten"
    SKIPPED_EXISTING = "skipped_existing"


class ExportPathError(ValueError):
    """A path template that leads outside the export folder."""


TEMPLATE_FIELDS = ("id", "lang", "source")


def check_path_template(template: str) -> None:
    """Raise ExportPathError unless ``template`` gives every article its own file
    inside the export folder: it must use ``{id}``, only the known fields, and end
    in ``.md``."""
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError as exc:
        raise ExportPathError(f"NEWSBOT_PATH_TEMPLATE {template!r} is invalid: {exc}") from None
    unknown = sorted(names - set(TEMPLATE_FIELDS))
    if unknown:
        raise ExportPathError(
            f"NEWSBOT_PATH_TEMPLATE {template!r} uses unknown fields {unknown}: "
            "use {id}, {lang}, {source}"
        )
    if "id" not in names:
        raise ExportPathError(
            f"NEWSBOT_PATH_TEMPLATE {template!r} has no {{id}}: every article would map to one "
            f"file; use a template with {{id}}, like {settings.NEWSBOT_PATH_TEMPLATE!r}"
        )
    if not template.endswith(".md"):
        raise ExportPathError(f"NEWSBOT_PATH_TEMPLATE {template!r} must end in .md")
    probe = os.path.normpath(template.format(id="id", lang="lang", source="source"))
    if os.path.isabs(probe) or probe.split(os.sep, 1)[0] == "..":
        raise ExportPathError(
            f"NEWSBOT_PATH_TEMPLATE {template!r} leads outside NEWSBOT_EXPORT_DIR: use a "
            "relative path below it"
        )


def safe_component(value: str, fallback: str) -> str:
    """One path segment: unsafe characters removed, never empty, ``.``/``..``, or too long."""
    name = _UNSAFE_NAME_RE.sub("", value or "").strip().strip(".")
    if not name or name.lower() in _RESERVED:
        name = fallback
    encoded = name.encode("utf-8")
    if len(encoded) > MAX_NAME_BYTES:
        digest = hashlib.md5(encoded).hexdigest()
        name = encoded[: MAX_NAME_BYTES - 33].decode("utf-8", "ignore") + "-" + digest
    return name


def fallback_id(item: Article) -> str:
    """The site's name for an article without an id: MD5 of title and date."""
    return hashlib.md5(f"{item.title}{item.date}".encode()).hexdigest()


class MarkdownExporter:
    """Writes one Markdown file per article under ``export_dir``.

    Override :meth:`file_path` to change where files go.
    """

    def __init__(
        self,
        export_dir: str | os.PathLike[str],
        path_template: str = settings.NEWSBOT_PATH_TEMPLATE,
        overwrite: bool = False,
    ) -> None:
        check_path_template(path_template)
        self.export_dir = Path(export_dir).resolve()
        self.path_template = path_template
        self.overwrite = overwrite

    def file_path(self, item: Article) -> Path:
        fields = {
            "id": safe_component(item.id, fallback_id(item)),
            "lang": safe_component(item.lang, "und"),
            "source": safe_component(item.source, "unknown"),
        }
        try:
            relative = self.path_template.format(**fields)
        except (KeyError, IndexError, ValueError) as exc:
            raise ExportPathError(
                f"NEWSBOT_PATH_TEMPLATE {self.path_template!r} is invalid: {exc!r} "
                "(fields: {id}, {lang}, {source})"
            ) from exc
        # Checked lexically: a symlinked folder inside the export dir is the user's choice.
        path = Path(os.path.normpath(self.export_dir / relative))
        if not path.is_relative_to(self.export_dir) or path == self.export_dir:
            raise ExportPathError(
                f"NEWSBOT_PATH_TEMPLATE {self.path_template!r} leads outside "
                f"NEWSBOT_EXPORT_DIR {str(self.export_dir)!r}"
            )
        return path

    def export(self, item: Article, overwrite: bool | None = None) -> tuple[WriteResult, Path]:
        """Write the article's file; ``overwrite`` (default: the exporter's own
        setting) replaces an existing one."""
        overwrite = self.overwrite if overwrite is None else overwrite
        path = self.file_path(item)
        existed = path.exists()
        if existed and not overwrite:
            return WriteResult.SKIPPED_EXISTING, path
        written = write_atomic(path, render_document(item), replace=overwrite)
        if not written:
            return WriteResult.SKIPPED_EXISTING, path
        return (WriteResult.OVERWRITTEN if existed else WriteResult.WRITTEN), path


def write_atomic(path: Path, text: str | bytes, replace: bool) -> bool:
    """Write ``text`` (UTF-8; or bytes) to ``path`` through a temporary file in the
    same folder.

    Without ``replace`` the file is linked into place, which fails if another
    writer got there first: returns False then, and nothing is overwritten.
    """
    data = text.encode("utf-8") if isinstance(text, str) else text
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _create_temp(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            os.replace(tmp, path)
            return True
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        except OSError:
            # No hard links on this file system: a plain rename, racy only
            # against another writer of the same article at the same instant.
            if path.exists():
                return False
            os.replace(tmp, path)
        return True
    finally:
        with contextlib.suppress(FileNotFoundError):  # renamed into place
            os.unlink(tmp)


_TEMP_COUNTER = itertools.count()


def _create_temp(path: Path) -> tuple[int, str]:
    """A new temporary file next to ``path``: its descriptor and name (unique per
    process and call, and created exclusively: never another writer's file). Its
    mode is the umask's, as for any new file (mkstemp's would be 0600)."""
    while True:
        tmp = f"{path.parent}/{TEMP_PREFIX}{os.getpid()}-{next(_TEMP_COUNTER)}{TEMP_SUFFIX}"
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), tmp
        except FileExistsError:
            continue  # left by an earlier process with the same pid


def _writer_is_gone(tmp: Path) -> bool:
    """Whether the process that created ``tmp`` (its pid is in the name) has ended."""
    pid = tmp.name[len(TEMP_PREFIX) :].split("-", 1)[0]
    if not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # alive (another user's process)
    return False


def remove_stale_temp_files(export_dir: str | os.PathLike[str], min_age: float = 600) -> int:
    """Delete temporary files left by a writer killed mid-write: those of a process
    that has ended, and any older than ``min_age`` seconds (a writer on another
    machine sharing the folder). A younger one of a live process may belong to a
    crawl that is writing into the same folder right now.
    """
    root = Path(export_dir)
    if not root.is_dir():
        return 0
    removed = 0
    cutoff = time.time() - min_age
    for tmp in root.rglob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):
        try:
            if _writer_is_gone(tmp) or tmp.stat().st_mtime <= cutoff:
                tmp.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed
