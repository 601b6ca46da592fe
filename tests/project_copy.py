"""A throwaway copy of the project (conf.py, docs/, guidebook/ and the rest),
for tests and benchmarks that change chapters: the real docs/ stay untouched."""

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# what a copy leaves out: history, outputs, tools and the tests themselves
LEFT_OUT = {".git", ".venv", "_build", "node_modules", ".pytest_cache", "tests", "benchmarks", "__pycache__"}


def copy_project(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for entry in ROOT.iterdir():
        if entry.name in LEFT_OUT:
            continue
        if entry.is_dir():
            shutil.copytree(
                entry, target / entry.name, symlinks=True, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(entry, target / entry.name)
    return target
