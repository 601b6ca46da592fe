"""The three outputs exist and the website says what book it is (the ebooks' metadata: test_epub, test_pdf)."""

from lxml import etree

from conftest import BOOK


def test_outputs_exist_and_are_not_empty(book):
    assert (book.html / "index.html").stat().st_size > 1000
    assert book.epub.stat().st_size > 10_000
    assert book.pdf.stat().st_size > 10_000


def test_site_title_is_the_book_not_documentation(book):
    for page in book.html.glob("*.html"):
        title = etree.HTML(page.read_bytes()).findtext(".//title")
        assert BOOK["book_title"] in title or page.name in {"search.html", "genindex.html"}, page.name
        assert "documentation" not in title.lower(), page.name
