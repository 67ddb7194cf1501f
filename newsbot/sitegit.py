"""Commit the files a run wrote into the git repository holding the export folder."""

from __future__ import annotations

import logging
import re
import subprocess
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from newsbot.store import read_record

logger = logging.getLogger(__name__)

FALLBACK_IDENTITY = ["-c", "user.name=newsbot", "-c", "user.email=newsbot@localhost"]


class GitError(RuntimeError):
    pass


def git(
    repo: Path, *args: str, check: bool = True, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    try:
        proc = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True,
                              timeout=120, input=stdin)  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitError(f"git {args[0]} could not run: {exc}") from exc
    if check and proc.returncode != 0:
        raise GitError(f"git {' '.join(args[:2])} failed: {proc.stderr.strip() or proc.stdout}")
    return proc


def repo_root(export_dir: Path) -> Path:
    proc = git(export_dir, "rev-parse", "--show-toplevel", check=False)
    if proc.returncode != 0:
        raise GitError(
            f"NEWSBOT_GIT_COMMIT is on but NEWSBOT_EXPORT_DIR {export_dir} is not inside a git "
            "repository"
        )
    return Path(proc.stdout.strip())


INDEX_LOCK_WAIT = 30.0  # seconds: another git command (or a killed run's) may finish


def wait_for_index_lock(git_dir: Path, wait: float = INDEX_LOCK_WAIT) -> None:
    """Wait while another git process holds the index (a run killed during its commit
    leaves its git child finishing); an error naming the lock file if it stays."""
    lock = git_dir / "index.lock"
    deadline = time.monotonic() + wait
    while lock.exists():
        if time.monotonic() >= deadline:
            raise GitError(
                f"{lock} exists for {wait:.0f}s: another git command is running, or one was "
                "killed; remove the file if no git process is running"
            )
        time.sleep(0.1)


def check_clean_state(repo: Path) -> None:
    """Refuse a repository in the middle of a merge or rebase, or on a detached HEAD."""
    git_dir = Path(git(repo, "rev-parse", "--absolute-git-dir").stdout.strip())
    wait_for_index_lock(git_dir)
    busy = [name for name in ("MERGE_HEAD", "rebase-merge", "rebase-apply", "CHERRY_PICK_HEAD")
            if (git_dir / name).exists()]  # fmt: skip
    if busy or git(repo, "ls-files", "--unmerged").stdout.strip():
        raise GitError(f"{repo} has a merge, rebase or conflict in progress; resolve it first")
    if git(repo, "symbolic-ref", "-q", "HEAD", check=False).returncode != 0:
        raise GitError(f"{repo} is on a detached HEAD; check out a branch first")


def commit_message(written: list[tuple[str, Path]]) -> str:
    """Counts the articles (Markdown files) per source; their images go along uncounted."""
    counts = Counter(source for source, path in written if path.suffix == ".md")
    lines = [f"{source}: {count}" for source, count in sorted(counts.items())]
    total = sum(counts.values())
    return f"newsbot: {total} new or updated article{'s' if total != 1 else ''}\n\n" + "\n".join(
        lines
    )


# Images newsbot stores: <sha1>.<ext> (static) or img-<sha1>.<ext> (bundle).
_IMAGE_NAME_RE = re.compile(r"^(?:img-)?[0-9a-f]{40}\.[a-z0-9]{2,5}$")


def pending_files(repo: Path, folders: Iterable[Path]) -> list[tuple[str, Path]]:
    """The newsbot files below ``folders`` that git has not committed (new or
    changed): exported articles (a Markdown file ending in its source line) and
    stored images, as (source, path). Whatever else is there (an editor's draft,
    a temporary file) is left alone. This asks git, not a run's memory: files of a
    killed run, or of a run whose commit failed, go into the next commit."""
    specs = [str(folder.resolve()) for folder in folders if folder.exists()]
    if not specs:
        return []
    out = git(repo, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames",
              "--ignore-submodules", "--", *specs).stdout  # fmt: skip
    found = []
    for entry in out.split("\0"):
        if len(entry) < 4 or "D" in entry[:2]:
            continue  # newsbot never deletes: a deletion is someone else's
        path = repo / entry[3:]
        if path.suffix == ".md":
            record = read_record(path)
            if record is not None:
                found.append((record.source, path))
        elif _IMAGE_NAME_RE.match(path.name) and path.is_file():
            found.append(("", path))
    return found


def commit_written(
    export_dir: Path, written: list[tuple[str, Path]], folders: Iterable[Path] = ()
) -> str | None:
    """One commit of the ``written`` files and of every newsbot file git shows as
    uncommitted below ``export_dir`` (and ``folders``); None when there were none.

    Nothing else in the repository is staged or committed: other changes, staged
    or not, stay as they were.
    """
    repo = repo_root(export_dir.resolve())
    check_clean_state(repo)
    inside = [(source, path) for source, path in written if path.resolve().is_relative_to(repo)]
    outside = len(written) - len(inside)
    if outside:  # images in a NEWSBOT_STATIC_DIR of another repository
        logger.warning("%d written files are outside %s: not committed", outside, repo)
    folders = [f for f in (export_dir, *folders) if f.resolve().is_relative_to(repo)]
    known = {path.resolve() for _, path in inside}
    written = inside + [(source, path) for source, path in pending_files(repo, folders)
                        if path.resolve() not in known]  # fmt: skip
    if not written:
        return None
    paths = sorted({str(path.resolve().relative_to(repo)) for _, path in written})
    # The paths on stdin, NUL-separated: thousands of files fit, any name is literal.
    listed = "".join(f"{path}\0" for path in paths)
    spec = ["--pathspec-from-file=-", "--pathspec-file-nul"]
    git(repo, "--literal-pathspecs", "add", *spec, stdin=listed)
    staged = set(git(repo, "diff", "--cached", "--name-only", "-z").stdout.split("\0"))
    if staged.isdisjoint(paths):
        return None  # rewritten with the same bytes: nothing to record
    identity = [] if git(repo, "config", "user.email", check=False).stdout.strip() else (
        FALLBACK_IDENTITY
    )  # fmt: skip
    git(repo, "--literal-pathspecs", *identity, "commit", "--quiet", "--only", "-m",
        commit_message(written), *spec, stdin=listed)  # fmt: skip
    return git(repo, "rev-parse", "--short", "HEAD").stdout.strip()
