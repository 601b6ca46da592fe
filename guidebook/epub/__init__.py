"""The EPUB: Sphinx's epub3 builder, made valid (epubcheck) and accessible (DAISY Ace)."""

from sphinx.application import Sphinx


def setup(app: Sphinx) -> dict:
    app.setup_extension("guidebook.epub.builder")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
