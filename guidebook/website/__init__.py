"""The website: furo with the guide's head tags, sidebar and footer, and lean stylesheets."""

from sphinx.application import Sphinx


def setup(app: Sphinx) -> dict:
    app.setup_extension("guidebook.website.pages")
    app.setup_extension("guidebook.website.assets")
    app.setup_extension("guidebook.website.contents")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
