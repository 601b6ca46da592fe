"""The three outputs build without a warning and say what book they are."""

import zipfile

from lxml import etree
from pypdf import PdfReader

from conftest import BOOK


def test_every_format_builds_without_a_warning(book):
    assert "WARNING" not in book.log
    assert "ERROR" not in book.log


def test_outputs_exist_and_are_not_empty(book):
    assert (book.html / "index.html").stat().st_size > 1000
    assert book.epub.stat().st_size > 10_000
    assert book.pdf.stat().st_size > 10_000


def test_site_title_is_the_book_not_documentation(book):
    for page in book.html.glob("*.html"):
        title = etree.HTML(page.read_bytes()).findtext(".//title")
        assert BOOK["book_title"] in title or page.name in {"search.html", "genindex.html"}, page.name
        assert "documentation" not in title.lower(), page.name


def test_epub_metadata_has_the_title(book):
    with zipfile.ZipFile(book.epub) as epub:
        opf = etree.fromstring(epub.read("content.opf"))
    ns = {"dc": "http://purl.org/dc/elements/1.1/"}
    assert opf.findtext(".//dc:title", namespaces=ns) == BOOK["book_title"]


def test_pdf_metadata_has_the_title(book):
    meta = PdfReader(book.pdf).metadata
    assert meta.title == BOOK["book_title"]
    assert "documentation" not in meta.title.lower()
