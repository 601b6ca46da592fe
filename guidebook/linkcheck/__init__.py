"""Links: Sphinx's linkcheck against a local stand-in server, and a report of every link's place."""

from sphinx.application import Sphinx


def setup(app: Sphinx) -> dict:
    app.setup_extension("guidebook.linkcheck.stand_in")
    app.setup_extension("guidebook.linkcheck.report")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
