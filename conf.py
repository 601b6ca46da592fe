"""Sphinx configuration for the BreakBox Coaching guide.

The first block holds the book's settings: change the book here and nowhere
else. Everything below it derives from those settings, grouped by output.
"""

import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).parent))

# ── Book settings ──────────────────────────────────────────────────────────
book_title = "What Should I Do If My Partner Refuses Therapy or Coaching?"
book_subtitle = "Navigating a Stalemate with Compassion and Clarity"
# The name under the guide's icon on a phone's home screen, once installed: a dozen letters or so.
book_short_title = "Partner Guide"
book_slug = "partner-refuses-therapy-or-coaching"
book_author = "Zac"
book_publisher = "BreakBox Coaching"
book_edition = "1.0"
book_language = "en"
book_year = "2026"
book_site_url = "https://www.breakboxcoaching.com/guide/"
book_original_post_url = (
    "https://breakboxcoaching.com/blog/"
    "what-should-i-do-if-my-partner-refuses-therapy-or-coaching-"
    "navigating-a-stalemate-with-compassion-and-clarity"
)
# Where every "book your assessment" link points. Change it to the booking page.
book_booking_url = "https://www.breakboxcoaching.com/"
book_note = "This guide shares general coaching perspectives. It is not therapy or medical advice."
book_keywords = ["relationships", "couples therapy", "coaching", "communication"]
# A stable identifier for the ebook, so reading apps know a new edition is the same book.
book_uuid = "9a4f6f0e-7c1b-4d59-9a57-3f0e4c2b8d11"
# The paperback's back cover. guidebook/settings.py declares every setting with its default
# (the ebook's page "letter", the paperback's trim "6in 9in", its paper…): set one here to change it.
book_description = (
    "When your partner says no to therapy or coaching, you can still move forward. "
    "Six steps show how to understand their resistance, say how you feel, offer other ways "
    "to grow, keep growing yourself, take stock and honor your own needs, with a workbook to write in."
)
# The press: by default coated FOGRA39 in PDF/X-1a:2001, what IngramSpark and Amazon KDP
# take (guidebook/settings.py). A print shop's own ICC CMYK profile, if it gives one:
#   book_print_profile = "print/shop-profile.icc"
# and PDF/X-4 instead of PDF/X-1a:2001:
#   book_print_format = "PDF/X-4"
# ───────────────────────────────────────────────────────────────────────────

# -- General -----------------------------------------------------------------
project = book_title
author = f"{book_author}, {book_publisher}"
copyright = f"{book_year}, {book_publisher}"
version = release = book_edition
language = book_language
root_doc = "index"
exclude_patterns = []  # sources are only docs/, which holds nothing else
source_suffix = {".md": "markdown"}

extensions = [
    "myst_parser",
    "sphinx_design",
    "guidebook",  # the guide's own extension: see guidebook/__init__.py
    # The website's link-preview tags, 404 page and moved-chapter pages
    # (configured under "HTML" below; none of them writes into the ebooks).
    "sphinxext.opengraph",
    "notfound.extension",
    "sphinx_reredirects",
]

nitpicky = True
suppress_warnings = []

# -- MyST ----------------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "attrs_block", "attrs_inline", "deflist", "smartquotes"]
myst_heading_anchors = 3
myst_title_to_header = False

# -- Safety: chapters cannot insert raw HTML or read other files ------------------
# guidebook.authoring.safety turns off docutils' raw_enabled and file_insertion_enabled (Sphinx
# has no setting for them) and refuses HTML typed into a chapter. MyST's HTML
# extensions (html_image, html_admonition) stay out of myst_enable_extensions.

# -- HTML (the website) --------------------------------------------------------------
# furo with the guide's head tags, sidebar and footer (guidebook/website/theme).
html_theme = "guidebook-site"
html_title = book_title
html_short_title = book_title
html_static_path = ["docs/_static"]
html_css_files = ["brand.css", "site.css"]
html_favicon = "docs/_static/logo.svg"
html_baseurl = book_site_url
html_use_index = False  # the guide has no index entries
html_copy_source = False
html_show_sourcelink = False
html_show_sphinx = False
html_last_updated_fmt = None
html_theme_options = {
    "navigation_with_keys": True,
    "top_of_page_buttons": [],
}

# Chapters renamed with `make rename`: the old name, then the page it moved to.
# The website keeps a page at each old address that sends readers on, so saved and
# shared links keep working. `make rename` adds the lines; leave them in.
redirects = {}
redirect_html_template_file = str(Path(__file__).parent / "guidebook/website/redirect.html")

# Link previews (OpenGraph): each chapter's front matter `description:`, the cover as the picture.
ogp_site_url = book_site_url
ogp_site_name = book_publisher
ogp_image = "_static/cover.png"  # drawn by guidebook.pdf.cover
ogp_image_alt = f"The cover of {book_title}, by {book_author} of {book_publisher}"
ogp_social_cards = {"enable": False}
ogp_enable_meta_description = False  # the theme writes the front matter's description
ogp_custom_meta_tags = ['<meta name="twitter:card" content="summary">']  # a tall cover, shown whole

# The page a host shows for a missing address, with its links made absolute
# under the site's path, so they work whatever the depth of that address.
_site_path = urlsplit(book_site_url).path
notfound_urls_prefix = _site_path
notfound_context = {
    "title": "Page not found",
    "body": (
        "<h1>Page not found</h1>"
        "<p>There is no page at this address. It may have moved when the guide was updated.</p>"
        f'<p><a href="{_site_path}index.html">Go to the start of the guide</a>, '
        f'or <a href="{_site_path}search.html">search it</a>.</p>'
    ),
}

# -- EPUB --------------------------------------------------------------------------
# Sphinx's epub3 builder, made valid (epubcheck) and accessible (DAISY Ace) by
# guidebook.epub; the package metadata come from the book settings above.
epub_theme = "guidebook-epub"
epub_basename = book_slug
epub_title = book_title
epub_description = f"{book_title} {book_subtitle}."
epub_author = book_author
epub_publisher = book_publisher
epub_copyright = f"© {book_year} {book_publisher}. All rights reserved."
epub_language = book_language
epub_identifier = f"urn:uuid:{book_uuid}"
epub_scheme = "uuid"
epub_uid = "BookId"
epub_show_urls = "no"
epub_css_files = ["brand.css", "ebook.css"]
# The cover image is drawn from the PDF's cover design by guidebook.pdf.cover.
epub_cover = ("_static/cover.png", "epub-cover.html")
# The nav and toc.ncx list every chapter, though the home page's toctree is hidden.
epub_tocscope = "includehidden"
epub_tocdepth = 2
epub_use_index = False
# Sphinx writes the moved-chapter pages beside the EPUB's pages: they stay out of it.
epub_exclude_files = ["search.html", "genindex.html", *(f"{old}.xhtml" for old in redirects)]

# -- Link check: `make linkcheck` live, `make test` against a local stand-in ---------------
# A slow site gets 15 s, and a failed link two more tries. A "429 Too Many Requests"
# is waited out as the server's Retry-After asks, for at most two minutes a host.
linkcheck_timeout = 15
linkcheck_retries = 3
linkcheck_rate_limit_timeout = 120.0
linkcheck_workers = 5
linkcheck_anchors = True  # a link to page#part fails if the part is gone
linkcheck_anchors_ignore_for_url = []  # none: every anchor is checked
linkcheck_ignore = [
    # The download buttons point at the ebooks the website build copies in beside the
    # pages; tests/internal_links.py checks them in the built site (tests/test_links.py).
    r"^downloads/",
]
# Any redirect not allowed here fails the check: a removed post often redirects to
# the home page, and the link should then be updated, not followed.
_site_domain = re.escape(urlsplit(book_site_url).hostname.removeprefix("www."))
linkcheck_allowed_redirects = {
    # The BreakBox site answers with and without www.: a move between the two keeps the page.
    rf"https://(www\.)?{_site_domain}/.+": rf"https://(www\.)?{_site_domain}/.+",
}

# -- Reproducible dates ----------------------------------------------------------------
today_fmt = "%B %-d, %Y"  # today is SOURCE_DATE_EPOCH's date (guidebook/build_date.py)
