"""Rename a chapter: ``python -m guidebook.tools.rename FROM TO`` (``make rename FROM=… TO=…``).

A chapter's file name is its web address, so renaming one does three things:

- renames ``docs/FROM.md`` to ``docs/TO.md``;
- changes every mention of ``FROM`` in ``docs/`` to ``TO``: the table of
  contents in ``docs/index.md`` (the chapter keeps its place there), links and
  ``{doc}`` references;
- records the move in ``redirects`` in conf.py, so the website keeps a page at
  the old address that sends readers to the new one (sphinx-reredirects). Older
  addresses of the chapter are sent straight to the new one too.

Nothing is changed if the rename cannot be done; the message says why.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from pathlib import Path

from guidebook.chapters import CHAPTER_NAME

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
CONF = ROOT / "conf.py"
REDIRECTS_START = re.compile(r"^redirects = \{")


class RenameError(Exception):
    """A problem the author can fix; the message says how."""


def chapter_name(name: str) -> str:
    """'docs/04-offer-alternatives.md' -> '04-offer-alternatives'."""
    return name.strip().removeprefix("docs/").removesuffix(".md")


def mentions(name: str) -> re.Pattern:
    """The name as a whole word: not a part of a longer chapter name."""
    return re.compile(rf"(?<![\w.-]){re.escape(name)}(?![\w-])")


def redirects_block(lines: list[str]) -> tuple[int, int]:
    """The indexes of the ``redirects = {`` line and of its closing ``}`` line in conf.py."""
    start = next((n for n, line in enumerate(lines) if REDIRECTS_START.match(line)), None)
    end = (
        next((n for n in range(start, len(lines)) if lines[n].rstrip().endswith("}")), None)
        if start is not None
        else None
    )
    if start is None or end is None:
        raise RenameError("conf.py has no `redirects = {…}` setting to record the old address in.")
    return start, end


def read_redirects(lines: list[str]) -> dict[str, str]:
    start, end = redirects_block(lines)
    text = "".join(lines[start : end + 1]).split("=", 1)[1]
    try:
        redirects = ast.literal_eval(text.strip())
    except (ValueError, SyntaxError):
        raise RenameError(
            f'conf.py\'s `redirects` (line {start + 1}) is not a plain list of "old": "new.html" lines.'
        ) from None
    return redirects


def write_redirects(lines: list[str], redirects: dict[str, str]) -> list[str]:
    start, end = redirects_block(lines)
    entries = [f'    "{old}": "{new}",\n' for old, new in redirects.items()]
    return [*lines[:start], "redirects = {\n", *entries, "}\n", *lines[end + 1 :]]


def moved(redirects: dict[str, str], old: str, new: str) -> dict[str, str]:
    """The redirects once ``old`` has become ``new``."""
    updated = {
        source: f"{new}.html" if target == f"{old}.html" else target
        for source, target in redirects.items()
        if source != new  # the name is a chapter again
    }
    updated[old] = f"{new}.html"
    return updated


def rename(old: str, new: str, docs: Path = DOCS, conf: Path = CONF) -> list[str]:
    """Rename the chapter; return the files changed, besides the chapter itself."""
    old, new = chapter_name(old), chapter_name(new)
    if not old or not new:
        raise RenameError(
            "give the chapter's name and its new name: make rename FROM=04-offer-alternatives "
            "TO=05-offer-alternatives"
        )
    source, target = docs / f"{old}.md", docs / f"{new}.md"
    if not source.is_file():
        chapters = sorted(p.stem for p in docs.glob("*.md") if CHAPTER_NAME.fullmatch(p.stem))
        raise RenameError(f"there is no chapter docs/{old}.md. The chapters are: {', '.join(chapters)}.")
    if not CHAPTER_NAME.fullmatch(old):
        raise RenameError(
            f"docs/{old}.md is not a chapter: only files named like 04-offer-alternatives are renamed."
        )
    if not CHAPTER_NAME.fullmatch(new):
        raise RenameError(
            f"'{new}' cannot be a chapter's name: write a number, a hyphen, then lowercase words joined "
            f"by hyphens, like 05-offer-alternatives."
        )
    if target.exists():
        raise RenameError(f"docs/{new}.md already exists. Choose another name, or rename that chapter first.")

    conf_lines = conf.read_text(encoding="utf-8").splitlines(keepends=True)
    conf_lines = write_redirects(conf_lines, moved(read_redirects(conf_lines), old, new))
    pattern = mentions(old)
    edits = {}
    for path in sorted(docs.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        if pattern.search(text):
            edits[path] = pattern.sub(new, text)

    # Every check has passed: now write.
    source.rename(target)
    for path, text in edits.items():
        path = target if path == source else path
        path.write_text(text, encoding="utf-8")
    conf.write_text("".join(conf_lines), encoding="utf-8")
    return [str(path.relative_to(docs.parent)) for path in edits if path != source]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "old", nargs="?", default="", help="the chapter's file name, e.g. 04-offer-alternatives"
    )
    parser.add_argument("new", nargs="?", default="", help="its new name, e.g. 05-offer-alternatives")
    parser.add_argument("--docs", type=Path, default=DOCS, help=argparse.SUPPRESS)
    parser.add_argument("--conf", type=Path, default=CONF, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        changed = rename(args.old, args.new, args.docs, args.conf)
    except RenameError as error:
        print(f"No chapter was renamed: {error}", file=sys.stderr)
        return 1
    old, new = chapter_name(args.old), chapter_name(args.new)
    print(f"Renamed docs/{old}.md to docs/{new}.md.")
    if changed:
        print(f"Changed its name in {', '.join(changed)}.")
    print(f"Recorded in conf.py's redirects: the website's {old}.html now sends readers to {new}.html.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
