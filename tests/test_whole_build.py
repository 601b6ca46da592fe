"""Every build is whole: after edits and builds, what is published is what a clean build writes.

A copy of the book starts from the session's clean release build (`make dist`
with the test overrides) as its last good output; a paragraph is added and the
website built, then the edit is undone and `make dist` run. Every file of the
website (the sitemap, the search index, the inventory, robots.txt, the 404 page
and the redirect pages among them) and every release file must be the clean
build's, byte for byte.
"""

import os
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from book_copy import build, copy_book, hashes, run_tool, settings_args
from conftest import OVERRIDES
from guidebook.markup.calls_to_action import human_size, show_sizes, size_classes

GATHERING_ALL_PAGES = ["sitemap.xml", "searchindex.js", "objects.inv", "robots.txt", "404.html"]
CHAPTER = "docs/05-focus-on-self-growth.md"


def run(book: Path, tool: str, *args: str) -> str:
    result = run_tool(book, tool, *args, "--out", str(book / "_build"), *settings_args(OVERRIDES))
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def published(folder: Path) -> dict[str, str]:
    """Every file by path; .buildinfo is Sphinx's note of its settings, paths included, and never published."""
    return {
        name: digest
        for name, digest in hashes(folder, parts=("html", "dist")).items()
        if not name.endswith("/.buildinfo")
    }


@pytest.fixture(scope="module")
def edited_then_undone(overridden, tmp_path_factory) -> Path:
    book = copy_book(tmp_path_factory.mktemp("whole") / "book")
    for part in ("html", "epub", "pdf", "print", "doctrees"):
        shutil.copytree(overridden.out / part, book / "_build" / part)
    chapter = book / CHAPTER
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(text + "\nA paragraph written, built, then taken out again.\n", encoding="utf-8")
    run(book, "build", "html")
    assert "taken out again" in (book / "_build/html/05-focus-on-self-growth.html").read_text(
        encoding="utf-8"
    )
    chapter.write_text(text, encoding="utf-8")
    run(book, "dist")
    return book / "_build"


def test_after_an_edit_and_its_undo_every_file_is_the_clean_builds(overridden, edited_then_undone):
    clean, after = published(overridden.out), published(edited_then_undone)
    assert set(after) == set(clean), f"different files: {sorted(set(after) ^ set(clean))}"
    assert [name for name in clean if after[name] != clean[name]] == []


def test_the_files_that_gather_every_page_were_compared(overridden, edited_then_undone):
    names = set(published(overridden.out))
    assert {f"html/{name}" for name in GATHERING_ALL_PAGES} <= names
    assert any(name.startswith("dist/") and name.endswith(".zip") for name in names)
    sitemap = (edited_then_undone / "html/sitemap.xml").read_text(encoding="utf-8")
    chapters = len(list((edited_then_undone.parent / "docs").glob("[0-9][0-9]-*.md")))
    assert sitemap.count("<url>") >= chapters + 1  # every chapter and the home page


def test_when_an_ebook_changes_size_every_page_shows_the_new_size(book, tmp_path):
    """No chapter changed, so Sphinx alone would write no page again; every page shows the sizes."""
    copy = copy_book(tmp_path / "book")
    for part in ("html", "epub", "pdf", "doctrees"):
        shutil.copytree(book.out / part, copy / "_build" / part)
    first = build(copy, "html")  # in its own folder: from here on, a build writes only what changed
    assert first.returncode == 0, first.stdout + first.stderr
    untouched = copy / "_build/html/02-understand-their-resistance.html"
    written = untouched.stat().st_mtime_ns
    again = build(copy, "html")
    assert again.returncode == 0 and untouched.stat().st_mtime_ns == written  # nothing to write
    pdf = copy / "_build" / "pdf" / book.pdf.name
    pdf.write_bytes(pdf.read_bytes() + b"\n%" + b"x" * 3 * 1024 * 1024)  # a comment: the PDF grows by 3 MB
    result = build(copy, "html")
    assert result.returncode == 0, result.stdout + result.stderr
    size = f"({human_size(pdf.stat().st_size)})"
    pages = sorted((copy / "_build/html").glob("*.html"))
    assert [page.name for page in pages if size not in page.read_text(encoding="utf-8")] == []


def test_every_page_shows_the_sizes_of_the_ebooks_this_build_wrote(book):
    """`make` writes the website beside the ebooks, then offers them to it: every page shows
    their sizes, and the website holds the very files."""
    sizes = {ebook.suffix[1:]: f"({human_size(ebook.stat().st_size)})" for ebook in (book.pdf, book.epub)}
    for ebook in (book.pdf, book.epub):
        assert (book.html / "downloads" / ebook.name).read_bytes() == ebook.read_bytes()
    shown = {}
    for page in sorted(book.html.glob("*.html")):
        for span in BeautifulSoup(page.read_text(encoding="utf-8"), "lxml").select(".guide-download-size"):
            ebook = next(name[len("ebook-") :] for name in span["class"] if name.startswith("ebook-"))
            shown.setdefault(page.name, {})[ebook] = span.get_text()
    assert len(shown) >= 13, sorted(shown)  # the home page, every chapter, the 404 and search pages
    assert {page: found for page, found in shown.items() if found != sizes} == {}


def test_sizes_are_filled_in_where_a_page_shows_them_and_no_other_page_is_written(tmp_path):
    def span(label: str, text: str) -> str:
        return f'<span class="{" ".join(size_classes(label))}">{text}</span>'

    page = tmp_path / "chapter.html"
    page.write_text(f"<a>PDF {span('PDF', '')}</a> <a>EPUB {span('EPUB', '(1 KB)')}</a>")
    other = tmp_path / "folder" / "moved.html"
    other.parent.mkdir()
    other.write_text("<p>No ebook here.</p>")
    os.utime(other, ns=(1, 1))
    show_sizes(tmp_path, {"pdf": "2.0 MB", "epub": "9 KB"})
    expected = f"<a>PDF {span('PDF', '(2.0 MB)')}</a> <a>EPUB {span('EPUB', '(9 KB)')}</a>"
    assert page.read_text() == expected
    assert other.stat().st_mtime_ns == 1
