"""Commit the files a run wrote into the git repository holding the export folder."""

from __future__ import annotations

import logging
import subprocess
from collections import Counter
from pathlib import Path

logger = logging.getLogger(__name__)

FALLBACK_IDENTITY = ["-c", "user.name=newsbot", "-c", "user.email=newsbot@localhost"]


class GitError(RuntimeError):
    pass


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    try:
        proc = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, timeout=120)
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


def check_clean_state(repo: Path) -> None:
    """Refuse a repository in the middle of a merge or rebase, or on a detached HEAD."""
    git_dir = Path(git(repo, "rev-parse", "--absolute-git-dir").stdout.strip())
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


def commit_written(export_dir: Path, written: list[tuple[str, Path]]) -> str | None:
    """One commit of exactly the ``written`` files; None when there were none.

    Nothing else in the repository is staged or committed: other changes, staged
    or not, stay as they were.
    """
    if not written:
        return None
    repo = repo_root(export_dir.resolve())
    check_clean_state(repo)
    inside = [(source, path) for source, path in written if path.resolve().is_relative_to(repo)]
    outside = len(written) - len(inside)
    if outside:  # images in a NEWSBOT_STATIC_DIR of another repository
        logger.warning("%d written files are outside %s: not committed", outside, repo)
    written = inside
    if not written:
        return None
    paths = sorted({str(path.resolve().relative_to(repo)) for _, path in written})
    git(repo, "add", "--", *paths)
    if git(repo, "diff", "--cached", "--quiet", "--", *paths, check=False).returncode == 0:
        return None  # rewritten with the same bytes: nothing to record
    identity = [] if git(repo, "config", "user.email", check=False).stdout.strip() else (
        FALLBACK_IDENTITY
    )  # fmt: skip
    git(repo, *identity, "commit", "--quiet", "--only", "-m", commit_message(written), "--", *paths)
    return git(repo, "rev-parse", "--short", "HEAD").stdout.strip()
