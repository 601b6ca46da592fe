"""The website: furo with the guide's head tags, sidebar and footer, and lean stylesheets;
installable, readable offline, and remembering where the reader was."""

from sphinx.application import Sphinx


def setup(app: Sphinx) -> dict:
    app.setup_extension("guidebook.website.pages")
    app.setup_extension("guidebook.website.assets")
    app.setup_extension("guidebook.website.contents")
    app.setup_extension("guidebook.website.app_icons")
    app.setup_extension("guidebook.website.sitemap")
    app.setup_extension("guidebook.website.offline")
    app.setup_extension("guidebook.website.reading")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
