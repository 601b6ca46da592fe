"""Register the book settings of conf.py, and tag each build with its format.

Registering the ``book_*`` values lets a build override them with ``-D``
(the tests change the booking link that way). The tags let a chapter show
something only on the website or only in the ebooks::

    :::{only} website
    …
    :::
"""

from pathlib import Path

from sphinx.application import Sphinx

CONF = Path(__file__).resolve().parent.parent / "conf.py"

BOOK_SETTINGS = {
    "book_title": "",
    "book_short_title": "",
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
    "book_trim_size": "6in 9in",
    "book_paper_thickness": 0.002252,
    "book_spine_title_min_pages": 80,
    "book_description": "",
    # The paperback's print condition, an ICC CMYK output profile (a print shop's own can
    # replace it), and its PDF/X format: guidebook.pdf.press checks both.
    "book_print_profile": "guidebook/pdf/profiles/FOGRA39.icc",
    "book_print_format": "PDF/X-1a:2001",
}

WEBSITE_BUILDERS = {"html", "dirhtml", "linkcheck"}
EBOOK_BUILDERS = {"epub", "pdf", "print"}


def read_conf(path: Path = CONF) -> dict:
    """conf.py's names, for the tools that need them outside a Sphinx build."""
    namespace: dict = {"__file__": str(path)}
    exec(compile(path.read_text(encoding="utf-8"), "conf.py", "exec"), namespace)
    return namespace


def book_settings(path: Path = CONF) -> dict:
    """The ``book_*`` settings of conf.py."""
    return {name: value for name, value in read_conf(path).items() if name.startswith("book_")}


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
