"""Turn a blog export into a chapter draft: ``python -m guidebook.tools.importer export.txt`` (``make import``).

The export is the plain text the BreakBox Coaching blog gives (see
``tests/post-export.txt``): a few lines of page chrome, the title line, then
paragraphs, numbered step lines and "•" bullets, one a line. The draft:

- leaves the page chrome out (tagline, banner file name, "Blog", motto);
- makes the title the chapter's heading (a "Title? Subtitle" line keeps its
  subtitle as a paragraph under it);
- makes each numbered line, and each short Title Case line such as
  "Conclusion: Navigating the Path Forward", a section heading;
- makes "•" lines list items, with the label of a "Label: text" item in bold;
- keeps every word otherwise, typographic quotes and the closing signature
  included; Windows line endings are read like any others.

The draft is listed in the table of contents like a new chapter (see
guidebook/new_chapter.py). Nothing is written unless the export makes sense.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from guidebook.tools.new_chapter import DOCS, ChapterError, add_chapter, slugify

# The blog's page chrome, the same on every post of breakboxcoaching.com.
CHROME = {
    "Data tells you the problem, creativity solves it.",
    "Blog",
    "Freedom, Empowerment, Self-Mastery",
}
IMAGE_FILE = re.compile(r"^\S.*\.(png|jpe?g|gif|webp|svg)$", re.I)
BULLET = "•"
STEP = re.compile(r"^(\d{1,2})\.\s+(\S.{0,99})$")
LABELLED = re.compile(r"^([A-Z][\w’' -]{0,60}): (.+)$")
MAX_TITLE = 200
SENTENCE_END = (".", "?", "!", ":", ";", "…", "”", '"')
# Characters that Markdown would read as markup, escaped so the text stays text.
MARKUP = re.compile(r"([\\`*_<>\[\]{}|])")


class UnreadableExport(ChapterError):
    """An export that cannot be turned into a chapter; the message says why."""


@dataclass
class Post:
    title: str
    subtitle: str = ""
    blocks: list[tuple[str, object]] = field(default_factory=list)  # ("heading"|"para"|"list", …)

    @property
    def steps(self) -> int:
        return sum(1 for kind, value in self.blocks if kind == "heading" and STEP.match(str(value)))


def read_export(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UnreadableExport(f"there is no file {path}.") from None
    except IsADirectoryError:
        raise UnreadableExport(f"{path} is a folder; give the export's text file.") from None
    if not data.strip():
        raise UnreadableExport(f"{path} is empty: export the post again.")
    if b"\x00" in data:
        raise UnreadableExport(
            f"{path} is not a text export (it holds binary data): export the post as text."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableExport(
            f"{path} is not UTF-8 text (byte {error.start} cannot be read): "
            f"export the post as text, or save it as UTF-8."
        ) from None
    if sum(not (c.isprintable() or c in "\r\n\t") for c in text) > len(text) // 100:
        raise UnreadableExport(f"{path} is not a text export (it holds control characters).")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def is_heading(line: str) -> bool:
    """A short line of Title Case words with no sentence ending: 'Conclusion: Navigating the Path Forward'."""
    if STEP.match(line):
        return True
    if len(line) > 80 or line.endswith(SENTENCE_END) or line.startswith(BULLET):
        return False
    words = [w for w in re.findall(r"[A-Za-z][\w’'-]*", line) if len(w) > 3]
    return bool(words) and all(w[0].isupper() for w in words)


def parse(text: str, source: str = "the export") -> Post:
    lines = [line.strip() for line in text.split("\n")]
    start = 0
    while start < len(lines) and (
        not lines[start] or lines[start] in CHROME or IMAGE_FILE.match(lines[start])
    ):
        start += 1
    if start == len(lines):
        raise UnreadableExport(f"{source} has only the blog's page chrome, no post.")
    title = lines[start]
    if len(title) > MAX_TITLE or title.startswith(BULLET) or STEP.match(title) or title.endswith("."):
        raise UnreadableExport(
            f"{source} has no title: after the blog's page chrome, the first line should be the "
            f"post's title, but it is {title[:60]!r}… Add the title as the first line."
        )
    post = Post(title)
    question = re.match(r"^(.+\?)\s+([A-Z].+)$", title)
    if question:
        post.title, post.subtitle = question.groups()
    for line in lines[start + 1 :]:
        if not line:
            continue
        if line.startswith(BULLET):
            item = line.lstrip(BULLET).strip()
            if post.blocks and post.blocks[-1][0] == "list":
                post.blocks[-1][1].append(item)
            else:
                post.blocks.append(("list", [item]))
        elif is_heading(line):
            post.blocks.append(("heading", line))
        else:
            post.blocks.append(("para", line))
    if not any(kind == "para" for kind, _ in post.blocks):
        raise UnreadableExport(f"{source} has a title but no text.")
    return post


def escape(text: str, line_start: bool = True) -> str:
    text = MARKUP.sub(r"\\\1", text)
    if not line_start:
        return text
    # a paragraph that starts like a heading, quote, list or numbered list is text here
    return re.sub(r"^([#>+-]|\d+[.)])", r"\\\1", text)


def item(text: str) -> str:
    labelled = LABELLED.match(text)
    if labelled and len(labelled.group(1).split()) <= 6:
        return f"- **{escape(labelled.group(1))}:** {escape(labelled.group(2))}"
    return f"- {escape(text)}"


def description(post: Post) -> str:
    first = next(str(value) for kind, value in post.blocks if kind == "para")
    sentence = re.split(r"(?<=[.?!])\s+", first)[0]
    return json.dumps(sentence, ensure_ascii=False)  # a JSON string is a YAML string


def render(post: Post, slug: str) -> str:
    out = [
        "---",
        f"description: {description(post)}",
        "---",
        "",
        f"({slug})=",
        f"# {escape(post.title, line_start=False)}",
        "",
    ]
    if post.subtitle:
        out += ["{.subtitle}", escape(post.subtitle), ""]
    for kind, value in post.blocks:
        if kind == "heading":
            # A label of its own, so that the section stays linkable when another
            # chapter has a section of the same name (one id each, in the PDF too).
            out += [f"({slug}-{slugify(str(value))})=", f"## {escape(str(value), line_start=False)}", ""]
        elif kind == "list":
            out += [*(item(text) for text in value), ""]
        else:
            out += [escape(str(value)), ""]
    return "\n".join(out)


def import_post(export: Path, docs: Path = DOCS, after: str | None = None, steps_needed: bool = True):
    post = parse(read_export(export), str(export))
    if steps_needed and not post.steps:
        raise UnreadableExport(
            f"{export} has no numbered steps (lines like '1. Understand Their Resistance'), which "
            f"become the chapter's sections. Check that this is the right export; to import a post "
            f"without steps anyway, run: make import POST={export} STEPS=no"
        )
    slug = slugify(post.title)
    if not slug:
        raise UnreadableExport(f"the title {post.title!r} has no letters or digits to name the file with.")
    return add_chapter(slug, render(post, slug), docs, after)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("export", nargs="?", default="", help="the blog export, a .txt file")
    parser.add_argument("--after", help="put it after this chapter, e.g. 08-conclusion")
    parser.add_argument("--no-steps", action="store_true", help="import a post that has no numbered steps")
    parser.add_argument("--docs", type=Path, default=DOCS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not args.export.strip():
        print(
            "Nothing was imported: say which export, e.g. make import POST=exports/my-post.txt",
            file=sys.stderr,
        )
        return 1
    try:
        path, where = import_post(Path(args.export), args.docs, args.after, steps_needed=not args.no_steps)
    except ChapterError as error:
        print(f"Nothing was imported: {error}", file=sys.stderr)
        return 1
    shown = path.relative_to(args.docs.parent) if args.docs.parent in path.parents else path
    print(f"Imported {args.export} as {shown}, listed in docs/index.md {where}.")
    print(
        "Next: read the draft with `make live`, write its description, and split it into "
        "chapters if it is long (EDITING.md, Import a blog post)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
