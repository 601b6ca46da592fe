"""Make Sphinx's EPUB valid and accessible.

Sphinx's epub3 builder does not know the WOFF2 font type the book's fonts use.
"""

from sphinx.application import Sphinx

EXTRA_MEDIA_TYPES = {".woff2": "font/woff2"}


def add_media_types(app: Sphinx) -> None:
    if app.builder.name == "epub":
        app.builder.media_types = {**app.builder.media_types, **EXTRA_MEDIA_TYPES}


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", add_media_types)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
