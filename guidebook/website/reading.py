"""Where the reader left off: ``static/reading.js`` on every page of the website.

The script keeps the last chapter opened (and the section in it) and the chapters
read to their end, in the reader's browser only, under the book and its edition
(``data-book``, ``data-edition`` on its tag), as the workbook keeps its answers.
The home page then offers "Continue reading: <chapter>" with one button that forgets
it all, and the navigation marks the chapters read. Without scripts, nothing changes.
"""

from sphinx.application import Sphinx

from guidebook.formats import WEBSITE_BUILDERS
from guidebook.website.offline import STATIC_DIR


def add_script(app: Sphinx) -> None:
    if app.builder.name not in WEBSITE_BUILDERS:
        return
    if str(STATIC_DIR) not in app.config.html_static_path:
        app.config.html_static_path.append(str(STATIC_DIR))
    attributes = {"data-book": app.config.book_slug, "data-edition": app.config.book_edition}
    app.add_js_file("reading.js", defer="defer", **attributes)


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", add_script)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
