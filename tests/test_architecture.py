"""docs/architecture.md names every module of the package, and the dotted paths
users may have in their settings keep working after the moves of issue #12."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from scrapy.utils.misc import load_object

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "architecture.md"
NOT_YET: set[str] = set()
_LINE_RE = re.compile(r"^(?P<indent> *)(?P<names>\S+(?: \S+)*?)(?:\s{2,}.*)?$")


def documented() -> set[str]:
    """The paths the tree in docs/architecture.md names (placeholders like <name>.py left out)."""
    text = DOC.read_text(encoding="utf-8")
    tree = text.split("## The tree", 1)[1].split("```", 2)[1]
    paths: set[str] = set()
    folders: list[str] = []
    for line in tree.splitlines():
        match = _LINE_RE.match(line)
        if not line.strip() or not match:
            continue
        depth = len(match["indent"]) // 2
        del folders[depth:]
        for name in match["names"].split(" "):
            if name.endswith("/"):
                folders.append(name.rstrip("/"))
            elif re.fullmatch(r"[\w.-]+\.(?:py|toml|md)", name):
                paths.add("/".join([*folders, name]))
    return paths


def modules() -> set[str]:
    """The package's modules, but a declared source's hook module (``sources/<name>.py``
    beside ``<name>.toml``: the tree names that pair once)."""
    return {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "newsbot").rglob("*.py")
        if not p.with_suffix(".toml").is_file()
    }


def test_architecture_names_every_module():
    missing = modules() - documented()
    assert not missing, f"add these to the tree in docs/architecture.md: {sorted(missing)}"


def test_architecture_names_no_module_that_is_not_there():
    named = {path for path in documented() if path.startswith("newsbot/") and path.endswith(".py")}
    stale = named - modules() - NOT_YET
    assert not stale, f"docs/architecture.md names modules that do not exist: {sorted(stale)}"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("newsbot.pipelines.ValidatePipeline", "newsbot.pipelines.validate.ValidatePipeline"),
        ("newsbot.pipelines.NormalisePipeline", "newsbot.pipelines.normalise.NormalisePipeline"),
        ("newsbot.pipelines.LocalImagesPipeline", "newsbot.pipelines.images.LocalImagesPipeline"),
        ("newsbot.pipelines.ConvertPipeline", "newsbot.pipelines.convert.ConvertPipeline"),
        ("newsbot.pipelines.ExportPipeline", "newsbot.pipelines.export.ExportPipeline"),
        ("newsbot.store.SQLiteStore", "newsbot.store.SQLiteStore"),
        ("newsbot.redisstore.RedisStore", "newsbot.distributed.store.RedisStore"),
        ("newsbot.addons.RedisAddon", "newsbot.distributed.addon.RedisAddon"),
        ("newsbot.middlewares.SkipExportedMiddleware",
         "newsbot.spidermiddlewares.SkipExportedMiddleware"),
        ("newsbot.distributed.SourceScheduler", "newsbot.distributed.scheduler.SourceScheduler"),
        ("newsbot.distributed.SourceDupeFilter", "newsbot.distributed.queue.SourceDupeFilter"),
        ("newsbot.distributed.ReliableQueue", "newsbot.distributed.queue.ReliableQueue"),
        ("newsbot.distributed.RedisItemPipeline", "newsbot.distributed.pipeline.RedisItemPipeline"),
    ],
)  # fmt: skip
def test_old_dotted_paths_load_the_moved_classes(old, new):
    assert load_object(old) is load_object(new)


def test_an_unknown_old_name_says_what_is_missing():
    with pytest.raises(NameError, match=r"newsbot\.distributed.*Nothing"):
        load_object("newsbot.distributed.Nothing")
