"""The author's safety and messages: chapters cannot inject HTML, and every mistake is explained."""

from sphinx.application import Sphinx


def setup(app: Sphinx) -> dict:
    app.setup_extension("guidebook.authoring.safety")
    app.setup_extension("guidebook.authoring.messages")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
