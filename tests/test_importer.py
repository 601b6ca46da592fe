"""`make import POST=…` turns a blog export into a chapter draft, or says why it cannot."""

import subprocess
from pathlib import Path

import pytest

from book_copy import build, copy_book, run_tool
from conftest import page_text
from guidebook.tools.importer import parse, read_export
from post import CHROME, EXPORT, fragments, normalise

NAME = "12-what-should-i-do-if-my-partner-refuses-therapy-or-coaching"


def run_import(book: Path, *args: str) -> subprocess.CompletedProcess:
    return run_tool(book, "importer", *args)


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> Path:
    """A copy of the book with the post imported, built in all three formats.

    All three, because the PDF holds every chapter in one page, where two sections
    of the same name (here, the post's steps and the book's chapters) must not clash.
    """
    book = copy_book(tmp_path_factory.mktemp("import") / "book")
    result = run_import(book, str(EXPORT))
    assert result.returncode == 0, result.stderr
    assert f"docs/{NAME}.md" in result.stdout
    built = build(book, "all")
    book.joinpath("build.log").write_text(built.stdout + built.stderr)
    assert built.returncode == 0, built.stdout + built.stderr
    return book


def draft(book: Path) -> str:
    return (book / f"docs/{NAME}.md").read_text(encoding="utf-8")


def test_draft_builds_without_a_warning(imported):
    log = (imported / "build.log").read_text()
    assert "WARNING:" not in log and "ERROR:" not in log, log


def test_draft_keeps_every_sentence(imported):
    text = normalise(page_text((imported / f"_build/html/{NAME}.html").read_text(encoding="utf-8")))
    assert [f for f in fragments() if normalise(f) not in text] == []


def test_draft_drops_the_page_chrome(imported):
    text = draft(imported)
    for line in CHROME:
        assert line not in text


def test_draft_has_the_shape_of_a_chapter(imported):
    text = draft(imported)
    assert text.startswith('---\ndescription: "It’s a common scenario')
    assert (
        "\n(what-should-i-do-if-my-partner-refuses-therapy-or-coaching)=\n"
        "# What Should I Do If My Partner Refuses Therapy or Coaching?\n" in text
    )
    assert f"\n({NAME[3:]}-1-understand-their-resistance)=\n## 1. Understand Their Resistance\n" in text
    assert "\n## 6. Respect Their Decision, But Honor Your Own Needs\n" in text
    assert "\n## Conclusion: Navigating the Path Forward\n" in text
    assert "\n- **Fear of Vulnerability:** Therapy or coaching requires" in text
    assert "\n- “I feel worried about our relationship" in text  # typographic quotes kept
    assert text.rstrip().endswith("Looking forward to connecting soon. – Zac")  # the signature


def test_draft_is_in_the_table_of_contents(imported):
    index = (imported / "docs/index.md").read_text(encoding="utf-8")
    assert f"08-conclusion\n{NAME}\n09-workbook\n" in index


def test_windows_line_endings_import_the_same(tmp_path):
    crlf = tmp_path / "export.txt"
    crlf.write_bytes(EXPORT.read_bytes().replace(b"\n", b"\r\n"))
    assert parse(read_export(crlf)) == parse(read_export(EXPORT))
    book = copy_book(tmp_path / "book")
    assert run_import(book, str(crlf)).returncode == 0
    assert "\r" not in draft(book)


def without_title(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith("What Should I Do"))


def without_steps(text: str) -> str:
    import re

    return re.sub(r"(?m)^\d+\. .*\n", "", text)


MALFORMED = {
    "empty": (b"", "is empty"),
    "blank": (b"\n \n\t\n", "is empty"),
    "no title": (without_title(EXPORT.read_text(encoding="utf-8")).encode(), "has no title"),
    "chrome only": ("\n".join(sorted(CHROME)).encode(), "only the blog's page chrome"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary data"),
    "not utf-8": ("Café au lait".encode("latin-1") + b"\nText.\n", "not UTF-8"),
    "no steps": (without_steps(EXPORT.read_text(encoding="utf-8")).encode(), "no numbered steps"),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_export_is_refused_clearly_and_writes_nothing(tmp_path, case):
    content, message = MALFORMED[case]
    export = tmp_path / "export.txt"
    export.write_bytes(content)
    book = copy_book(tmp_path / "book")
    before = {p.name: p.read_bytes() for p in (book / "docs").glob("*.md")}

    result = run_import(book, str(export))

    assert result.returncode == 1
    assert "Nothing was imported" in result.stderr and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert {p.name: p.read_bytes() for p in (book / "docs").glob("*.md")} == before


def test_a_post_without_steps_imports_when_asked(tmp_path):
    export = tmp_path / "export.txt"
    export.write_bytes(MALFORMED["no steps"][0])
    book = copy_book(tmp_path / "book")
    assert run_import(book, str(export), "--no-steps").returncode == 0
    assert "## " not in draft(book).split("## Conclusion")[0]


@pytest.mark.parametrize("args, message", [([], "say which export"), (["nowhere.txt"], "there is no file")])
def test_missing_export_is_explained(tmp_path, args, message):
    book = copy_book(tmp_path / "book")
    result = run_import(book, *args)
    assert result.returncode == 1 and message in result.stderr
