"""What each page of the website says about itself.

Every page gets, through the ``guidebook-site`` theme (website/theme, over furo):

- a Content-Security-Policy that lets in only the site's own scripts, styles,
  fonts and images (the theme's one inline script is allowed by its hash);
- a meta description from the chapter's front matter (``description:``), which
  sphinxext-opengraph also uses for the link preview;
- the PDF and EPUB download links for the sidebar;
- a reading time under each chapter's title.

``sitemap`` writes sitemap.xml and robots.txt. The extensions in conf.py do the
rest: sphinxext-opengraph (link previews), sphinx-notfound-page (the 404 page,
marked noindex here) and sphinx-reredirects (pages at renamed chapters' old addresses).
"""

import base64
import hashlib
import math
import re
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

from guidebook.formats import WEBSITE_BUILDERS
from guidebook.markup.calls_to_action import DOWNLOADS_DIR, offered_ebooks, size_classes

THEME_DIR = Path(__file__).parent / "theme"

# furo's choice of light, dark or automatic colours, made before the page paints; and a mark
# that scripts run, so that what they work (the workbook's boxes) shows from the first paint.
THEME_SCRIPT = 'document.body.dataset.theme = localStorage.getItem("theme") || "auto"; document.body.dataset.scripts = "on";'
MIME_TYPES = {"PDF": "application/pdf", "EPUB": "application/epub+zip"}
WORDS_PER_MINUTE = 220
# The faces of the text and the headings, asked for with the stylesheet rather than
# after it, so they are there for the first paint (site.css makes them optional).
PRELOAD_FONTS = ["source-serif-4-latin-400-normal.woff2", "source-sans-3-latin-700-normal.woff2"]
ITALIC_FONT = "source-serif-4-latin-400-italic.woff2"  # only where the page has italics:
ITALIC_MARKERS = ("<em>", 'class="subtitle', "say-it")  # emphasis, and what site.css sets in italic


def script_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


def content_security_policy() -> str:
    # frame-ancestors, report-uri and sandbox do not work in a <meta> tag, so they are left out.
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src 'self' {script_hash(THEME_SCRIPT)}",
            "style-src 'self'",
            "img-src 'self' data:",  # furo's icons are data: URIs in its CSS
            "font-src 'self'",
            "connect-src 'self'",  # the search reads the pages for its summaries
            "manifest-src 'self'",  # the web app manifest (website/offline.py)
            "worker-src 'self'",  # the guide's own service worker, which keeps it for offline reading
            "base-uri 'self'",
            "form-action 'self'",
        ]
    )


def reading_minutes(text: str) -> int:
    return max(1, math.ceil(len(text.split()) / WORDS_PER_MINUTE))


class AddReadingTime(SphinxPostTransform):
    """Put "N min read" under each chapter's title, on the website."""

    default_priority = 900
    builders = WEBSITE_BUILDERS

    def run(self, **kwargs) -> None:
        if self.env.docname == self.config.root_doc:
            return
        section = next(self.document.findall(nodes.section), None)
        if section is None or not isinstance(section[0], nodes.title):
            return
        minutes = reading_minutes(self.document.astext())
        section.insert(1, nodes.paragraph("", f"{minutes} min read", classes=["reading-time"]))


def has_italics(body: str) -> bool:
    return any(marker in body for marker in ITALIC_MARKERS)


def site_url(app: Sphinx) -> str:
    url = app.config.book_site_url
    return url if url.endswith("/") else url + "/"


def page_description(app: Sphinx, pagename: str) -> str:
    meta = app.env.metadata.get(pagename, {})
    return meta.get("description") or f"{app.config.book_title}: {app.config.book_subtitle}."


def download_links(app: Sphinx) -> list[dict]:
    """The sidebar's links to the ebooks; their sizes are filled in after (calls_to_action.offer_ebooks)."""
    return [
        {
            "label": label,
            "size_classes": " ".join(size_classes(label)),
            "path": f"{DOWNLOADS_DIR}/{path.name}",
            "mimetype": MIME_TYPES[label],
        }
        for label, path in offered_ebooks(app).items()
    ]


DOCUTILS_VIEWPORT = re.compile(r'<meta name="viewport"[^>]*>\s*')


def add_page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if app.builder.name not in WEBSITE_BUILDERS:
        return
    config = app.config
    description = page_description(app, pagename)
    if doctree:
        # sphinxext-opengraph takes a page's "og:" fields over what it would work out itself.
        context["meta"] = {**(context.get("meta") or {}), "og:description": description}
    # docutils writes a viewport tag into the page's metatags; furo's head has its own
    context["metatags"] = DOCUTILS_VIEWPORT.sub("", context.get("metatags", ""))
    context.update(
        guide_csp=content_security_policy(),
        guide_theme_script=THEME_SCRIPT,
        guide_preload_fonts=PRELOAD_FONTS + [ITALIC_FONT] * has_italics(context.get("body", "")),
        guide_description=description,
        guide_downloads=download_links(app),
        guide_robots="noindex" if pagename == config.notfound_pagename else None,
        book_publisher=config.book_publisher,
        book_note=config.book_note,
    )


def setup(app: Sphinx) -> dict:
    app.add_html_theme("guidebook-site", str(THEME_DIR))
    app.add_post_transform(AddReadingTime)
    # before sphinxext-opengraph's handler (500), which reads the page's fields
    app.connect("html-page-context", add_page_context, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
