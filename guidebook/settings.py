"""Register the book settings of conf.py, and tag each build with its format.

Registering the ``book_*`` values lets a build override them with ``-D``
(the tests change the booking link that way). The tags let a chapter show
something only on the website or only in the ebooks::

    :::{only} website
    …
    :::
"""

from sphinx.application import Sphinx

BOOK_SETTINGS = {
    "book_title": "",
    "book_subtitle": "",
    "book_slug": "book",
    "book_author": "",
    "book_publisher": "",
    "book_edition": "",
    "book_language": "en",
    "book_year": "",
    "book_site_url": "",
    "book_original_post_url": "",
    "book_booking_url": "",
    "book_note": "",
    "book_keywords": [],
    "book_page_size": "letter",
    "book_uuid": "",
}

WEBSITE_BUILDERS = {"html", "dirhtml", "linkcheck"}
EBOOK_BUILDERS = {"epub", "pdf"}


def tag_format(app: Sphinx) -> None:
    name = app.builder.name
    if name in WEBSITE_BUILDERS:
        app.tags.add("website")
    if name in EBOOK_BUILDERS:
        app.tags.add("ebook")


def setup(app: Sphinx) -> dict:
    for name, default in BOOK_SETTINGS.items():
        app.add_config_value(name, default, "env", types=frozenset({type(default)}))
    app.connect("builder-inited", tag_format)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
