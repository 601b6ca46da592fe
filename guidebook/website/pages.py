"""What each page of the website says about itself, and the site's 404 page.

Every page gets, through the ``guidebook-site`` theme (website/theme, over furo):

- a Content-Security-Policy that lets in only the site's own scripts, styles,
  fonts and images (the theme's one inline script is allowed by its hash);
- a meta description from the chapter's front matter (``description:``);
- OpenGraph and Twitter card tags, with the cover as the card image;
- a canonical URL from ``book_site_url`` (the home page's is the site URL itself);
- the PDF and EPUB download links for the sidebar;
- a reading time under each chapter's title.

The 404 page carries ``<base href>`` set to the site's path, so its links and
styles work whatever depth the missing address had.
"""

import base64
import hashlib
import math
from pathlib import Path
from urllib.parse import urlsplit

from docutils import nodes
from markupsafe import Markup
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

from guidebook.markup.calls_to_action import DOWNLOADS_DIR, ebook_files, human_size

THEME_DIR = Path(__file__).parent / "theme"
WEBSITE_BUILDERS = {"html", "dirhtml"}

# furo's choice of light, dark or automatic colours, made before the page paints.
THEME_SCRIPT = 'document.body.dataset.theme = localStorage.getItem("theme") || "auto";'
SOCIAL_IMAGE = "_static/cover.png"
MIME_TYPES = {"PDF": "application/pdf", "EPUB": "application/epub+zip"}
WORDS_PER_MINUTE = 220
NOT_FOUND_PAGE = "404"
# The faces of the text and the headings, asked for with the stylesheet rather than
# after it, so they are there for the first paint (site.css makes them optional).
PRELOAD_FONTS = ["source-serif-4-latin-400-normal.woff2", "source-sans-3-latin-700-normal.woff2"]
ITALIC_FONT = "source-serif-4-latin-400-italic.woff2"  # only where the page has italics:
ITALIC_MARKERS = ("<em>", 'class="subtitle', "say-it")  # emphasis, and what site.css sets in italic


def script_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


def content_security_policy() -> str:
    # frame-ancestors, report-uri and sandbox do not work in a <meta> tag, so they are left out.
    return "; ".join([
        "default-src 'none'",
        f"script-src 'self' {script_hash(THEME_SCRIPT)}",
        "style-src 'self'",
        "img-src 'self' data:",  # furo's icons are data: URIs in its CSS
        "font-src 'self'",
        "connect-src 'self'",  # the search reads the pages for its summaries
        "base-uri 'self'",
        "form-action 'self'",
    ])


def reading_minutes(text: str) -> int:
    return max(1, math.ceil(len(text.split()) / WORDS_PER_MINUTE))


class AddReadingTime(SphinxPostTransform):
    """Put "N min read" under each chapter's title, on the website."""

    default_priority = 900

    def run(self, **kwargs) -> None:
        if self.app.builder.name not in WEBSITE_BUILDERS or self.env.docname == self.config.root_doc:
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


def png_size(path: Path) -> tuple[int, int] | None:
    """Width and height from a PNG's header."""
    with path.open("rb") as png:
        head = png.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def social_image_size(app: Sphinx) -> tuple[int, int] | None:
    name = Path(SOCIAL_IMAGE).name  # the cover is added to html_static_path by guidebook.pdf.cover
    for folder in app.config.html_static_path:
        path = Path(app.confdir, folder, name)
        if path.is_file():
            return png_size(path)
    return None


def social_tags(app: Sphinx, pagename: str, title: str, description: str, url: str | None) -> list[tuple[str, str]]:
    config = app.config
    image = site_url(app) + SOCIAL_IMAGE
    image_alt = f"The cover of {config.book_title}, by {config.book_author} of {config.book_publisher}"
    size = social_image_size(app)
    # A wide image fills a large card; a book cover is tall, and a large card would crop it.
    card = "summary_large_image" if size and size[0] >= 1.5 * size[1] else "summary"
    tags = [
        ("og:type", "website" if pagename == config.root_doc else "article"),
        ("og:site_name", config.book_publisher),
        ("og:title", title),
        ("og:description", description),
        ("og:image", image),
        ("og:image:alt", image_alt),
        ("og:locale", config.book_language.replace("-", "_")),
        ("twitter:card", card),
        ("twitter:title", title),
        ("twitter:description", description),
        ("twitter:image", image),
        ("twitter:image:alt", image_alt),
    ]
    if size:
        tags[5:5] = [("og:image:width", str(size[0])), ("og:image:height", str(size[1]))]
    if url:
        tags.insert(3, ("og:url", url))
    return tags


def download_links(app: Sphinx) -> list[dict]:
    return [
        {"label": label, "path": f"{DOWNLOADS_DIR}/{path.name}", "size": human_size(path.stat().st_size),
         "mimetype": MIME_TYPES[label]}
        for label, path in ebook_files(app).items() if path.exists()
    ]


def add_page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if app.builder.name not in WEBSITE_BUILDERS:
        return
    config = app.config
    if pagename == config.root_doc:
        context["pageurl"] = site_url(app)
    elif pagename in {NOT_FOUND_PAGE, "search"}:
        context["pageurl"] = None
    title = Markup(context.get("title", "")).striptags() if pagename != config.root_doc else ""
    title = title or config.book_title
    description = page_description(app, pagename)
    context.update(
        guide_csp=content_security_policy(),
        guide_theme_script=THEME_SCRIPT,
        guide_preload_fonts=PRELOAD_FONTS + [ITALIC_FONT] * has_italics(context.get("body", "")),
        guide_description=description,
        guide_social_tags=social_tags(app, pagename, title, description, context.get("pageurl")),
        guide_downloads=download_links(app),
        guide_base_href=urlsplit(site_url(app)).path if pagename == NOT_FOUND_PAGE else None,
        guide_robots="noindex" if pagename == NOT_FOUND_PAGE else None,
        book_publisher=config.book_publisher,
        book_note=config.book_note,
    )


def not_found_page(app: Sphinx):
    """The page a host shows for a missing address (GitHub Pages and Read the Docs use 404.html)."""
    if app.builder.name != "html":
        return []
    home = app.builder.get_target_uri(app.config.root_doc)
    search = app.builder.get_target_uri("search")
    body = (
        '<section id="page-not-found"><h1>Page not found</h1>'
        "<p>There is no page at this address. It may have moved when the guide was updated.</p>"
        f'<p><a href="{home}">Go to the start of the guide</a>, or <a href="{search}">search it</a>.</p>'
        "</section>"
    )
    return [(NOT_FOUND_PAGE, {"title": "Page not found", "body": body}, "page.html")]


def setup(app: Sphinx) -> dict:
    app.add_html_theme("guidebook-site", str(THEME_DIR))
    app.add_post_transform(AddReadingTime)
    app.connect("html-page-context", add_page_context)
    app.connect("html-collect-pages", not_found_page)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
