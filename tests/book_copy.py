"""A throwaway copy of the book, for tests that change chapters: the real docs/ stay untouched."""

import hashlib
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from guidebook.build_date import ENV_VAR, NO_HISTORY_EPOCH

# the copy itself is the project's own, shared with the benchmarks
from project_copy import ROOT  # noqa: F401 (the tests import both from here)
from project_copy import copy_project as copy_book  # noqa: F401


def placeholder_ebooks(out: Path, slug: str) -> None:
    """Stand-ins for the ebooks, so that a website-only build does not make them."""
    for fmt in ("epub", "pdf"):
        path = out / fmt / f"{slug}.{fmt}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"placeholder " + fmt.encode())


def run_tool(project: Path, tool: str, *args: str, env: dict | None = None, epoch: int = NO_HISTORY_EPOCH):
    """Run one of the project's commands (``guidebook.tools.TOOL``) in ``project`` as make runs it,
    dated as the tests' builds are; the one way the tests start a build or a tool."""
    return subprocess.run(
        [sys.executable, "-m", f"guidebook.tools.{tool}", *args],
        cwd=project,
        env={**(os.environ if env is None else env), ENV_VAR: str(epoch)},
        capture_output=True,
        text=True,
    )


def settings_args(settings: Mapping[str, str]) -> list[str]:
    """``-D name=value`` for each setting, as a build takes them."""
    return [part for name, value in settings.items() for part in ("-D", f"{name}={value}")]


def build(
    book: Path, *targets: str, out: Path | None = None, settings: Mapping[str, str] = {}, **options
) -> subprocess.CompletedProcess:
    """Run the build driver of the copy (or of the checkout, ROOT), as `make` would."""
    out = out or book / "_build"
    return run_tool(book, "build", *targets, "--out", str(out), *settings_args(settings), **options)


def hashes(folder: Path, parts=("html", "epub", "pdf")) -> dict[str, str]:
    """The SHA-256 of every output file, by path."""
    found = {}
    for part in parts:
        for path in sorted((folder / part).rglob("*")):
            if path.is_file():
                found[path.relative_to(folder).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found
