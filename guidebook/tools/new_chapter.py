"""Start a new chapter: ``python -m guidebook.tools.new_chapter "The chapter's title"`` (``make chapter``).

Writes ``docs/NN-slug.md`` from a template and lists it in the table of
contents in ``docs/index.md``: after the last chapter, before the back matter
(the workbook, next steps and about pages), or after the chapter given with
``--after``. NN is simply the next free number, and the order readers see is
the order of the table of contents (``make rename`` renumbers a chapter and
keeps its old address working).
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
INDEX = "index.md"
# The chapters that close the book, by their names without the number.
BACK_MATTER = ("workbook", "next-steps", "about")
MAX_SLUG = 60

TEMPLATE = """\
---
description: One sentence saying what this chapter is about. Search engines, link previews and the ebook show it.
---

({slug})=
# {title}

Replace this paragraph with the chapter's first paragraph.
"""


class ChapterError(Exception):
    """A problem the author can fix; the message says how."""


def slugify(title: str) -> str:
    """'Step 7: Keep Going, Together!' -> 'step-7-keep-going-together'."""
    plain = unicodedata.normalize("NFKD", re.sub(r"['’]", "", title)).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", plain.lower())
    slug = ""
    for word in words:
        if slug and len(slug) + 1 + len(word) > MAX_SLUG:
            break
        slug = f"{slug}-{word}" if slug else word[:MAX_SLUG]
    return slug


def existing_labels(docs: Path) -> set[str]:
    labels = set()
    for path in docs.glob("*.md"):
        labels.update(re.findall(r"^\(([^)\s]+)\)=\s*$", path.read_text(encoding="utf-8"), re.M))
    return labels


def next_number(docs: Path) -> int:
    numbers = [int(m.group(1)) for p in docs.glob("*.md") if (m := re.match(r"^(\d+)-", p.name))]
    return max(numbers, default=0) + 1


def toctree_span(lines: list[str]) -> tuple[int, int]:
    """The indexes of the toctree's first and last entry lines in index.md."""
    start = next((n for n, line in enumerate(lines) if re.match(r"^(`{3,}|:{3,})\{toctree\}", line)), None)
    if start is None:
        raise ChapterError(f"docs/{INDEX} has no {{toctree}} block, so the chapter cannot be listed.")
    fence = re.match(r"^(`{3,}|:{3,})", lines[start]).group(1)
    end = next((n for n in range(start + 1, len(lines)) if lines[n].strip() == fence), None)
    if end is None:
        raise ChapterError(f"the {{toctree}} block in docs/{INDEX} is never closed (line {start + 1}).")
    return start + 1, end


def entry_name(line: str) -> str:
    return line.strip()


def toctree_entries(lines: list[str]) -> list[tuple[int, str]]:
    """The chapters index.md's toctree lists, in order: (line index, chapter name)."""
    first, end = toctree_span(lines)
    return [
        (n, entry_name(lines[n]))
        for n in range(first, end)
        if lines[n].strip() and not lines[n].lstrip().startswith(":")
    ]


def insertion_point(lines: list[str], after: str | None) -> tuple[int, str]:
    """Where the new entry goes, and a few words saying where that is."""
    entries = toctree_entries(lines)
    end = toctree_span(lines)[1]
    if after:
        after = after.removesuffix(".md").removeprefix("docs/")
        for n, name in entries:
            if name == after:
                return n + 1, f"after {name}"
        raise ChapterError(
            f"there is no chapter '{after}' in the table of contents. "
            f"Give one of: {', '.join(name for _, name in entries)}."
        )
    for position, (n, name) in enumerate(entries):
        if re.sub(r"^\d+-", "", name) in BACK_MATTER:
            before = f"after {entries[position - 1][1]}, " if position else ""
            return n, f"{before}before the back matter ({name} …)"
    return (entries[-1][0] + 1 if entries else end), "at the end"


def new_chapter(title: str, docs: Path = DOCS, after: str | None = None) -> tuple[Path, str]:
    title = " ".join(title.split())
    if not title:
        raise ChapterError('give the chapter a title: make chapter TITLE="Step 7: Keep Going"')
    slug = slugify(title)
    if not slug:
        raise ChapterError(f"the title {title!r} has no letters or digits to name the file with.")
    return add_chapter(slug, TEMPLATE.format(slug=slug, title=title), docs, after)


def add_chapter(slug: str, text: str, docs: Path = DOCS, after: str | None = None) -> tuple[Path, str]:
    """Write docs/NN-slug.md and list it in the table of contents; the place, in words."""
    if slug in existing_labels(docs) or list(docs.glob(f"*-{slug}.md")):
        raise ChapterError(
            f"a chapter called '{slug}' is already in docs/. Choose another title, or edit that chapter."
        )
    index = docs / INDEX
    lines = index.read_text(encoding="utf-8").splitlines(keepends=True)
    at, where = insertion_point(lines, after)  # raises before anything is written
    name = f"{next_number(docs):02d}-{slug}"
    path = docs / f"{name}.md"
    path.write_text(text, encoding="utf-8")
    lines.insert(at, name + "\n")
    index.write_text("".join(lines), encoding="utf-8")
    return path, where


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("title", nargs="?", default="", help="the chapter's title")
    parser.add_argument("--after", help="put it after this chapter, e.g. 07-respect-their-decision")
    parser.add_argument("--docs", type=Path, default=DOCS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        path, where = new_chapter(args.title, args.docs, args.after)
    except ChapterError as error:
        print(f"No chapter was made: {error}", file=sys.stderr)
        return 1
    shown = path.relative_to(args.docs.parent) if args.docs.parent in path.parents else path
    print(f"Made {shown}, listed in docs/{INDEX} {where}.")
    print("Next: write its description and first paragraph, and watch it with `make live`.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
