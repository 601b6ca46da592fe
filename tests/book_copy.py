"""A throwaway copy of the book, for tests that change chapters: the real docs/ stay untouched."""

import hashlib
import os
import subprocess
import sys
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


def build(book: Path, *targets: str, out: Path | None = None) -> subprocess.CompletedProcess:
    """Run the build driver of the copy, as `make` would."""
    out = out or book / "_build"
    env = {**os.environ, ENV_VAR: str(NO_HISTORY_EPOCH)}  # as conftest's builds
    return subprocess.run(
        [sys.executable, "-m", "guidebook.tools.build", *targets, "--out", str(out)],
        cwd=book,
        env=env,
        capture_output=True,
        text=True,
    )


def hashes(folder: Path, parts=("html", "epub", "pdf")) -> dict[str, str]:
    """The SHA-256 of every output file, by path."""
    found = {}
    for part in parts:
        for path in sorted((folder / part).rglob("*")):
            if path.is_file():
                found[path.relative_to(folder).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found
