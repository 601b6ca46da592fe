"""The guide's markup, built in-process on a small project (tests/roots/test-markup), compared with snapshots.

Booking links and button, the guide note, the download buttons, answer-lines and tab-sets:
what each format's doctree holds after the guide's transforms, and the page each writes.
Run ``pytest --update-snapshots`` after a change on purpose, and read the diff of tests/snapshots/.
"""

import pytest
from bs4 import BeautifulSoup

from conftest import EPOCH
from guidebook.build_date import ENV_VAR


@pytest.fixture(autouse=True)
def dated(monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(EPOCH))  # the PDF's copyright page dates the edition


def doctree_text(app, docname: str = "chapter") -> str:
    """The doctree as the builder writes it (after its post-transforms), without the temporary folder."""
    tree = app.env.get_and_resolve_doctree(docname, app.builder, tags=app.tags)
    return tree.pformat().replace(str(app.srcdir), "<srcdir>")


def body(page, selector: str = 'div[role="main"]') -> str:
    """The part of the page the chapter's markup writes, one tag a line."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return soup.select_one(selector).prettify()


@pytest.mark.sphinx("html", testroot="markup")
def test_website(app, warning, snapshot):
    app.build()
    assert warning.getvalue() == ""
    snapshot("markup-html-doctree.txt", doctree_text(app))
    snapshot("markup-html-body.html", body(app.outdir / "chapter.html"))
    assert (app.outdir / "downloads" / "small-book.pdf").stat().st_size == 3000


@pytest.mark.sphinx("pdf", testroot="markup")
def test_pdf(app, warning, snapshot):
    app.build()
    assert warning.getvalue() == ""
    snapshot("markup-pdf-doctree.txt", doctree_text(app))
    snapshot("markup-pdf-body.html", body(app.outdir / "index.html", "main.chapters"))
    assert (app.outdir / "small-book.pdf").read_bytes().startswith(b"%PDF-")


@pytest.mark.sphinx("epub", testroot="markup")
def test_epub(app, warning, snapshot):
    app.build()
    assert warning.getvalue() == ""
    snapshot("markup-epub-doctree.txt", doctree_text(app))
    snapshot("markup-epub-body.html", body(app.outdir / "chapter.xhtml", "body"))
    assert (app.outdir / "small-book.epub").exists()


@pytest.mark.sphinx("print", testroot="markup")
def test_paperback(app, warning, snapshot):
    app.build()
    assert warning.getvalue() == ""
    snapshot("markup-print-body.html", body(app.outdir / "index.html", "main.chapters"))
    assert (app.outdir / "small-book-interior.pdf").read_bytes().startswith(b"%PDF-")
    assert (app.outdir / "small-book-cover.pdf").read_bytes().startswith(b"%PDF-")
