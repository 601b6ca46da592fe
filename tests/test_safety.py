"""A chapter cannot inject script into the site, nor pull in files from outside docs/.

Each case adds something to a chapter of a copy of the book (docs/ is never
touched), builds the website, and checks that the build fails with a message
naming the file and the line, and that nothing it tried to bring in reached any
output, not even the half-written one the failed build leaves in its staging folder.
Markdown that MyST makes harmless (javascript: links, on* attributes) builds, and
nothing of it that could run is left on the page.
"""

import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from book_copy import build, copy_book, placeholder_ebooks
from conftest import SLUG
from guidebook.settings import read_conf

TOKEN = "INJECTED-7f3a"
SECRET = "SECRET-OUTSIDE-DOCS-5c1d"


@pytest.fixture(scope="module")
def clean_copy(tmp_path_factory) -> Path:
    book = copy_book(tmp_path_factory.mktemp("safe") / "book")
    (book / "secret.txt").write_text(f"{SECRET}\n", encoding="utf-8")
    (book / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\n" + SECRET.encode())
    placeholder_ebooks(book / "_build", SLUG)
    return book


def add_to_chapters(book: Path, snippets: dict[str, str], offsets: dict | None = None) -> dict[str, tuple[str, int]]:
    """Add each snippet at the end of a chapter, in turn; return the (file, line) its message must name:
    the snippet's first line, or the line ``offsets[case]`` lines below it (None: no line, only the file)."""
    chapters = sorted(path for path in (book / "docs").glob("[0-9]*.md"))
    offsets = offsets or {}
    where = {}
    for n, (case, snippet) in enumerate(snippets.items()):
        path = chapters[n % len(chapters)]
        before = path.read_text(encoding="utf-8") + "\n"
        path.write_text(before + snippet + "\n", encoding="utf-8")
        line = None if case in offsets and offsets[case] is None else before.count("\n") + 1 + offsets.get(case, 0)
        where[case] = (path.relative_to(book).as_posix(), line)
    return where


def build_with(clean_copy: Path, tmp_path: Path, snippets: dict[str, str], offsets: dict | None = None):
    book = tmp_path / "book"
    shutil.copytree(clean_copy, book)
    where = add_to_chapters(book, snippets, offsets)
    result = build(book, "html")
    log = result.stdout + result.stderr
    assert result.returncode != 0, f"the build let {list(snippets)} through:\n{log}"
    return book, log, where


def report_at(log: str, name: str, line: int | None) -> str:
    """The message for ``name:line`` ("docs/x.md:12: ERROR: …") with its "What to do" line."""
    lines = log.splitlines()
    where = f"{name}:{line}:" if line else f"{name}: "
    reports = [" ".join(lines[n:n + 2]) for n, entry in enumerate(lines) if entry.startswith(where)]
    assert reports, f"no message names {where}\n{log}"
    return "\n".join(reports)


def assert_nothing_got_through(book: Path) -> None:
    """Not in the outputs, nor in the staging folder the failed build wrote into (as escaped text is harmless)."""
    forbidden = [SCRIPT, f"onerror=\"alert('{TOKEN}", f'<div class="admonition note">{TOKEN}', SECRET]
    for path in (book / "_build").rglob("*"):
        if path.is_file() and "doctrees" not in path.parts:
            content = path.read_bytes()
            for text in forbidden:
                assert text.encode() not in content, f"{text!r} reached {path}"


SCRIPT = f"<script>alert('{TOKEN}')</script>"


# Each is refused on its own line, so each alone fails the build (every warning is an error).
INSERTIONS = {
    "script in raw HTML": (SCRIPT, "use Markdown instead"),
    "raw html directive": (f"```{{raw}} html\n{SCRIPT}\n```", "use Markdown instead"),
    "event handler in an HTML image": (f'<img src="x.png" onerror="alert(\'{TOKEN}\')">', "HTML is not allowed"),
    "HTML admonition": (f'<div class="admonition note">{TOKEN}</div>', "HTML is not allowed"),
    "include of a file outside docs": ("```{include} ../secret.txt\n```", "{include} would copy another file"),
    "literalinclude of a file outside docs": ("```{literalinclude} ../secret.txt\n```", "{literalinclude} would copy"),
    "csv-table from a file": ("```{csv-table}\n:file: ../secret.txt\n```", "csv-table"),
    "raw directive from a file": ("```{raw} html\n:file: ../secret.txt\n```", "HTML is not allowed"),
    "download of a file outside docs": ("Get {download}`the file <../secret.txt>`.", "outside the book's docs/"),
    "image from outside docs": ("![secret](../secret.png)", "outside the book's docs/"),
    # reStructuredText inside a chapter goes through the same checks
    "raw directive in eval-rst": (f"```{{eval-rst}}\n.. raw:: html\n\n   {SCRIPT}\n```", "HTML is not allowed", 1),
    "include in eval-rst": ("```{eval-rst}\n.. include:: ../secret.txt\n```", "{include} would copy", 1),
    "raw role in eval-rst": (
        # docutils reports this one without its line
        f"```{{eval-rst}}\n.. role:: html(raw)\n   :format: html\n\nA :html:`{SCRIPT}` here.\n```",
        "raw (and derived) roles disabled", None,
    ),
}


@pytest.fixture(scope="module")
def insertions(clean_copy, tmp_path_factory):
    snippets = {case: value[0] for case, value in INSERTIONS.items()}
    offsets = {case: value[2] for case, value in INSERTIONS.items() if len(value) > 2}
    return build_with(clean_copy, tmp_path_factory.mktemp("insertions"), snippets, offsets)


@pytest.mark.parametrize("case", INSERTIONS)
def test_a_chapter_cannot_insert_html_or_files(insertions, case):
    book, log, where = insertions
    report = report_at(log, *where[case])
    assert INSERTIONS[case][1] in report, report


def test_nothing_inserted_reaches_the_output(insertions):
    assert_nothing_got_through(insertions[0])


def test_myst_html_extensions_are_off():
    namespace = read_conf()
    assert "guidebook" in namespace["extensions"]  # guidebook.authoring.safety comes with it
    assert not {"html_image", "html_admonition"} & set(namespace["myst_enable_extensions"])


# Markdown that could carry script if MyST let it: links to javascript: and
# attributes such as onclick. MyST drops them (the build passes); nothing may run.
HARMLESS = """
Click [here](javascript:alert('{token}')) now.

Link [two](https://example.com){{onclick="alert('{token}')" style="color:red"}} here.

{{onmouseover="alert('{token}')"}}
A paragraph with attributes.

<javascript:alert('{token}')>
""".format(token=TOKEN)


def test_markdown_links_and_attributes_cannot_carry_script(clean_copy, tmp_path):
    book = tmp_path / "book"
    shutil.copytree(clean_copy, book)
    chapter = book / "docs" / "08-conclusion.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + HARMLESS, encoding="utf-8")
    result = build(book, "html")
    assert result.returncode == 0, result.stdout + result.stderr
    soup = BeautifulSoup((book / "_build" / "html" / "08-conclusion.html").read_text(encoding="utf-8"), "lxml")
    assert TOKEN in soup.get_text()  # the text is there, as text
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            assert not name.startswith("on"), f"<{tag.name} {name}=…>"
            assert TOKEN not in str(value), f"<{tag.name} {name}={value!r}>"
            assert not str(value).strip().lower().startswith("javascript:"), f"<{tag.name} {name}={value!r}>"
