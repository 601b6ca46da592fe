"""How `python -m guidebook.build` reuses work: one read, the website rebuilt page by page.

A copy of the book, with placeholder ebooks, so that only the website is built.
"""

from book_copy import build, copy_book, placeholder_ebooks
from conftest import SLUG

EDITED = "docs/06-reevaluate-the-relationship.md"


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

    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n:::{no-such-block}\ntext\n:::\n", encoding="utf-8")
    for _ in range(2):  # the second build must not take the first one's reading as good
        failed = build(book, "html")
        assert failed.returncode == 1, failed.stdout + failed.stderr
        assert "The html build failed" in failed.stderr
    assert "A sentence added by the test." in (site / "06-reevaluate-the-relationship.html").read_text(encoding="utf-8")
