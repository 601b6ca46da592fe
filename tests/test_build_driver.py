"""How `python -m guidebook.tools.build` reuses work: one read, the website rebuilt page by page.

A copy of the book, with placeholder ebooks, so that only the website is built.
"""

import re

from book_copy import build, copy_book, hashes, placeholder_ebooks
from conftest import SLUG

EDITED = "docs/06-reevaluate-the-relationship.md"
RETITLED = "docs/03-communicate-your-feelings-clearly.md"


def sidebar(page) -> str:
    text = page.read_text(encoding="utf-8")
    return text[text.index('<div class="sidebar-tree">'):text.index("</ul>", text.index('<div class="sidebar-tree">'))]


def test_website_rebuild_writes_only_the_edited_page_and_a_mistake_stays_a_mistake(tmp_path):
    book = copy_book(tmp_path / "book")
    out = book / "_build"
    placeholder_ebooks(out, SLUG)
    first = build(book, "html")
    assert first.returncode == 0, first.stdout + first.stderr
    site = out / "html"
    before = {page.name: page.stat().st_mtime_ns for page in site.glob("*.html")}

    chapter = book / EDITED
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nA sentence added by the test.\n", encoding="utf-8")
    second = build(book, "html", "-v")
    assert second.returncode == 0, second.stdout + second.stderr
    assert "updating environment: 0 added, 1 changed, 0 removed" in second.stdout
    assert "A sentence added by the test." in (site / "06-reevaluate-the-relationship.html").read_text(encoding="utf-8")
    after = {page.name: page.stat().st_mtime_ns for page in site.glob("*.html")}
    assert after.keys() == before.keys()
    assert after["02-understand-their-resistance.html"] == before["02-understand-their-resistance.html"]
    assert after["06-reevaluate-the-relationship.html"] != before["06-reevaluate-the-relationship.html"]

    good = hashes(out, parts=("html",))
    mistake = "\nA sentence that must not be published.\n\n:::{no-such-block}\ntext\n:::\n"
    chapter.write_text(chapter.read_text(encoding="utf-8") + mistake, encoding="utf-8")
    for _ in range(2):  # the second build must not take the first one's reading as good
        failed = build(book, "html")
        assert failed.returncode == 1, failed.stdout + failed.stderr
        assert "The html build failed" in failed.stderr
    # the failed builds wrote their pages into a staging folder that shares the
    # unchanged pages' files with the website: not one byte of the website changed
    assert hashes(out, parts=("html",)) == good


def test_a_new_chapter_title_reaches_every_page(tmp_path):
    """A title shows in every page's sidebar and in its neighbours' next and previous links."""
    book = copy_book(tmp_path / "book")
    out = book / "_build"
    placeholder_ebooks(out, SLUG)
    assert build(book, "html").returncode == 0
    chapter = book / RETITLED
    text = chapter.read_text(encoding="utf-8")
    old_title = re.search(r"^# (.+)$", text, re.MULTILINE)[1]
    chapter.write_text(text.replace(f"# {old_title}", "# Step 2: Say It Kindly", 1), encoding="utf-8")

    rebuilt = build(book, "html", "-v")
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    assert "updating environment: 0 added, 1 changed, 0 removed" in rebuilt.stdout
    pages = sorted((out / "html").glob("[0-9][0-9]-*.html"))
    assert len(pages) >= 10
    for page in pages:
        assert "Say It Kindly" in sidebar(page), page.name
        assert old_title not in sidebar(page), page.name
    neighbour = (out / "html" / "04-offer-alternatives.html").read_text(encoding="utf-8")
    assert re.search(r'class="prev-page".*?Say It Kindly', neighbour, re.DOTALL)


def test_a_renamed_chapter_leaves_no_page_behind(tmp_path):
    """Sphinx never deletes a page: the rebuild must not carry the old address over from the last site."""
    book = copy_book(tmp_path / "book")
    out = book / "_build"
    placeholder_ebooks(out, SLUG)
    assert build(book, "html").returncode == 0
    assert (out / "html" / "07-respect-their-decision.html").exists()
    (book / "docs" / "07-respect-their-decision.md").rename(book / "docs" / "07-respect-their-choice.md")
    index = book / "docs" / "index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("\n07-respect-their-decision\n", "\n07-respect-their-choice\n"),
                     encoding="utf-8")

    rebuilt = build(book, "html")
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    assert (out / "html" / "07-respect-their-choice.html").exists()
    assert not (out / "html" / "07-respect-their-decision.html").exists()
    assert "07-respect-their-decision" not in (out / "html" / "sitemap.xml").read_text(encoding="utf-8")
