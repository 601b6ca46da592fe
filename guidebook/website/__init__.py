"""The website: furo with the guide's head tags, sidebar and footer, and lean stylesheets."""

import contextlib
import io

from sphinx.application import Sphinx

# sphinxext-opengraph prints a note on import when matplotlib is missing. The guide's
# link previews show the cover, not generated cards, so the note would only puzzle
# the author: the import happens here, before conf.py's list loads the extension.
with contextlib.redirect_stdout(io.StringIO()):
    import sphinxext.opengraph  # noqa: F401


def setup(app: Sphinx) -> dict:
    app.setup_extension("guidebook.website.pages")
    app.setup_extension("guidebook.website.assets")
    app.setup_extension("guidebook.website.contents")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
