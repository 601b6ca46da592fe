"""The PDF: the book as one page, printed by WeasyPrint as tagged PDF/UA-1, and its cover;
and the paperback printed from the same page (the ``print`` builder)."""

from sphinx.application import Sphinx


def setup(app: Sphinx) -> dict:
    app.setup_extension("guidebook.pdf.builder")
    app.setup_extension("guidebook.pdf.cover")
    app.setup_extension("guidebook.pdf.paperback")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
