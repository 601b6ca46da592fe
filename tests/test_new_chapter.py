"""`make chapter TITLE="…"` makes a chapter from the template, lists it, and the book still builds."""

import subprocess
from pathlib import Path

import pytest

from book_copy import build, copy_book, placeholder_ebooks, run_tool
from conftest import SLUG
from guidebook.tools.new_chapter import slugify, toctree_entries

TITLE = "Step 7: Don’t Give Up, Together!"
NAME = "12-step-7-dont-give-up-together"


def new_chapter(book: Path, *args: str) -> subprocess.CompletedProcess:
    return run_tool(book, "new_chapter", *args)


def toctree(book: Path) -> list[str]:
    return [
        name for _, name in toctree_entries((book / "docs/index.md").read_text(encoding="utf-8").splitlines())
    ]


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    book = copy_book(tmp_path_factory.mktemp("chapter") / "book")
    result = new_chapter(book, TITLE)
    assert result.returncode == 0, result.stderr
    assert f"docs/{NAME}.md" in result.stdout
    return book


@pytest.mark.parametrize(
    "title, slug",
    [
        ("Step 7: Don’t Give Up, Together!", "step-7-dont-give-up-together"),
        ("  Café   Talks  ", "cafe-talks"),
        ("Zac's “Big” Step: Don’t Stop", "zacs-big-step-dont-stop"),
        ("A " + "very-long " * 20, "a" + "-very-long" * 5 + "-very"),  # at most 60 characters, whole words
    ],
)
def test_slug_is_plain_lowercase_words(title, slug):
    assert slugify(title) == slug


def test_chapter_follows_the_template(book):
    text = (book / f"docs/{NAME}.md").read_text(encoding="utf-8")
    assert text.startswith("---\ndescription: ")
    assert "\n(step-7-dont-give-up-together)=\n# Step 7: Don’t Give Up, Together!\n" in text
    assert "Replace this paragraph" in text


def test_chapter_goes_after_the_chapters_and_before_the_back_matter(book):
    entries = toctree(book)
    assert entries.index(NAME) == entries.index("08-conclusion") + 1
    assert entries[entries.index(NAME) + 1 :] == ["09-workbook", "10-next-steps", "11-about"]


def test_existing_files_are_not_renamed(book):
    before = sorted(p.name for p in (Path(__file__).parent.parent / "docs").glob("*.md"))
    after = sorted(p.name for p in (book / "docs").glob("*.md"))
    assert sorted([*before, f"{NAME}.md"]) == after


def test_book_with_the_new_chapter_builds_without_a_warning(book):
    placeholder_ebooks(book / "_build", SLUG)
    result = build(book, "html")
    log = result.stdout + result.stderr
    assert result.returncode == 0, log
    assert "WARNING:" not in log and "ERROR:" not in log, log
    page = (book / f"_build/html/{NAME}.html").read_text(encoding="utf-8")
    assert "Don’t Give Up, Together!" in page
    assert f'href="{NAME}.html"' in (book / "_build/html/index.html").read_text(encoding="utf-8")


def test_after_puts_it_where_asked(tmp_path):
    book = copy_book(tmp_path / "book")
    assert new_chapter(book, "Extra", "--after", "03-communicate-your-feelings-clearly").returncode == 0
    entries = toctree(book)
    assert entries.index("12-extra") == entries.index("03-communicate-your-feelings-clearly") + 1


@pytest.mark.parametrize(
    "args, message",
    [
        ([""], "give the chapter a title"),
        (["!!!"], "no letters or digits"),
        (["Offer Alternatives"], "already in docs/"),
        (["Extra", "--after", "99-nothing"], "no chapter '99-nothing'"),
    ],
)
def test_refusals_explain_and_write_nothing(tmp_path, args, message):
    book = copy_book(tmp_path / "book")
    before = {p.name: p.read_bytes() for p in (book / "docs").glob("*.md")}
    result = new_chapter(book, *args)
    assert result.returncode == 1
    assert message in result.stderr and "No chapter was made" in result.stderr
    assert "Traceback" not in result.stderr
    assert {p.name: p.read_bytes() for p in (book / "docs").glob("*.md")} == before
