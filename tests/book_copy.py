"""A throwaway copy of the book, for tests that change chapters: the real docs/ stay untouched."""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# everything but outputs, tools and history: conf.py, docs/, guidebook/ and their friends
LEFT_OUT = {".git", ".venv", "_build", "node_modules", ".pytest_cache", "tests", "benchmarks", "__pycache__"}


def copy_book(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for entry in ROOT.iterdir():
        if entry.name in LEFT_OUT:
            continue
        if entry.is_dir():
            shutil.copytree(entry, target / entry.name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(entry, target / entry.name)
    return target


def placeholder_ebooks(out: Path, slug: str) -> None:
    """Stand-ins for the ebooks, so that a website-only build does not make them."""
    for fmt in ("epub", "pdf"):
        path = out / fmt / f"{slug}.{fmt}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"placeholder " + fmt.encode())


def build(book: Path, *targets: str, out: Path | None = None) -> subprocess.CompletedProcess:
    """Run the build driver of the copy, as `make` would."""
    out = out or book / "_build"
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}
    return subprocess.run(
        [sys.executable, "-m", "guidebook.build", *targets, "--out", str(out)],
        cwd=book, env=env, capture_output=True, text=True,
    )


def hashes(folder: Path, parts=("html", "epub", "pdf")) -> dict[str, str]:
    """The SHA-256 of every output file, by path."""
    found = {}
    for part in parts:
        for path in sorted((folder / part).rglob("*")):
            if path.is_file():
                found[path.relative_to(folder).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found
