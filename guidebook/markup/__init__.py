"""The guide's own markup: booking and download buttons, workbook answer spaces, tabs in the ebooks
and valid tab labels on the website."""

from sphinx.application import Sphinx


def setup(app: Sphinx) -> dict:
    app.setup_extension("guidebook.markup.calls_to_action")
    app.setup_extension("guidebook.markup.workbook")
    app.setup_extension("guidebook.markup.ebook_tabs")
    app.setup_extension("guidebook.markup.tab_labels")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
