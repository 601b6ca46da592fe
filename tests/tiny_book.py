"""The conf.py of the small projects under tests/roots/: the guide's extension and the settings it needs.

Each root's conf.py starts with ``from tiny_book import *`` (tests/ is on the path), then
sets what its test is about.
"""

from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"

# The guide's website works with the 404 page of its conf.py (guidebook.website.pages), and
# every format with the brand's stylesheets and fonts in docs/_static.
extensions = ["myst_parser", "sphinx_design", "guidebook", "notfound.extension"]
html_static_path = [str(DOCS / "_static")]
html_css_files = ["brand.css", "site.css"]
html_copy_source = False  # as conf.py: a chapter's source is not published
epub_css_files = ["brand.css", "ebook.css"]
project = "A Small Book"
version = release = "1.0"
copyright = "2026, BreakBox Coaching"
html_baseurl = "https://example.org/guide/"
epub_basename = "small-book"
root_doc = "index"
source_suffix = {".md": "markdown"}
myst_enable_extensions = ["colon_fence", "attrs_block", "attrs_inline", "deflist"]
nitpicky = True

book_title = "A Small Book"
book_subtitle = "For the Tests"
book_slug = "small-book"
book_author = "Zac"
book_publisher = "BreakBox Coaching"
book_edition = "1.0"
book_language = "en"
book_year = "2026"
book_site_url = "https://example.org/guide/"
book_original_post_url = "https://example.org/blog/post"
book_booking_url = "https://example.org/booking"
book_note = "This book shares general coaching perspectives."
book_uuid = "7d3f0c52-6a0e-4a57-b1a7-5d7f3a9a2c10"
