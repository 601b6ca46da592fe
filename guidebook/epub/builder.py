"""The book's EPUB: Sphinx's epub3 builder, made valid, accessible and reproducible.

What it changes, and why:

- the package document, the navigation document and the NCX come from
  ``epub/theme/package`` (Sphinx renders them from ``builder.template_dir``
  and ignores ``templates_path``). They add the title refinement, subjects,
  source and the accessibility metadata (EPUB Accessibility 1.1), all from
  the book settings; the NCX's uid is the package identifier (NCX-001); the
  navigation document has ``role="doc-toc"``, landmarks, the book's
  stylesheets, and is the contents page in the reading order;
- every page's ``<html>`` has ``lang`` and ``xml:lang``; the duplicate
  viewport tag goes; a ``role="heading"`` gets its ``aria-level``;
- a linked card's title becomes its link (the site's invisible "stretched"
  link has nothing to stretch over in a reading app);
- the pages load only the book's own stylesheets, and ``ebook.css`` has the
  brand tokens of ``brand.css`` written in, since some reading apps do not
  know CSS custom properties; files no page uses (scripts, the theme's
  stylesheets and icons) stay out of the package;
- the zip is reproducible: fixed entry times from ``SOURCE_DATE_EPOCH``,
  fixed order, ``mimetype`` first and stored;
- WOFF2 fonts get their media type.
"""

import html
import posixpath
import re
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZIP_STORED, ZipFile, ZipInfo

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders.epub3 import Epub3Builder
from sphinx.util import logging

from guidebook.brand import brand_tokens
from guidebook.build_date import zip_date_time
from guidebook.formats import output_names
from guidebook.settings import book_context
from guidebook.warning_types import WARNING_TYPE, GuideWarning

logger = logging.getLogger(__name__)

THEME_DIR = Path(__file__).parent / "theme"
EXTRA_MEDIA_TYPES = {".woff2": "font/woff2"}  # Sphinx knows .ttf and .woff, not .woff2
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
BRAND_CSS = "brand.css"

VIEWPORT_TAG = re.compile(r'<meta name="viewport"[^>]*/>\s*')
HEADING_WITHOUT_LEVEL = re.compile(r'role="heading"(?![^>]*aria-level)')
LOCAL_REFERENCE_IN_PAGE = re.compile(r'(?:href|src)="(?![a-z][a-z0-9+.-]*:|#)([^"#?]+)')
LOCAL_REFERENCE_IN_CSS = re.compile(r'url\(\s*["\']?(?![a-z][a-z0-9+.-]*:)([^"\')?#]+)')
TOKEN_USE = re.compile(r"var\(\s*(--[\w-]+)\s*(?:,\s*([^()]*))?\)")


def accessibility_metadata(config, has_images: bool) -> list[tuple[str, str]]:
    """schema.org accessibility properties for the package document (EPUB Accessibility 1.1)."""
    modes = ["textual", *(["visual"] if has_images else [])]
    features = ["structuralNavigation", "tableOfContents", "readingOrder"]
    if has_images:
        features.append("alternativeText")
    summary = (
        f"“{config.book_title}” meets {CONFORMS_TO.replace(' - ', ' and ')}. "
        + (
            "Every image has a text alternative. "
            if has_images
            else "It is text only, apart from its cover. "
        )
        + "Headings mark every chapter and section, a table of contents links to each of them, "
        "and the reading order follows the book's logical order. Text sizes are relative, "
        "so the reader's own font and size settings apply. There are no hazards."
    )
    return [
        *(("schema:accessMode", mode) for mode in modes),
        ("schema:accessModeSufficient", "textual"),
        *(("schema:accessibilityFeature", feature) for feature in features),
        ("schema:accessibilityHazard", "none"),
        ("schema:accessibilitySummary", summary),
        ("dcterms:conformsTo", CONFORMS_TO),
        ("a11y:certifiedBy", config.book_publisher),
    ]


def fix_page(text: str) -> str:
    """Make one written XHTML page valid for epubcheck and Ace."""
    # the theme and docutils each write a viewport tag: keep the theme's
    first = VIEWPORT_TAG.search(text)
    if first:
        text = text[: first.end()] + VIEWPORT_TAG.sub("", text[first.end() :])
    return HEADING_WITHOUT_LEVEL.sub('role="heading" aria-level="2"', text)


def resolve_tokens(css: str, tokens: dict[str, str], where: str = "") -> str:
    """Write each ``var(--token)`` as its value, for reading apps without custom properties."""

    def value(match: re.Match) -> str:
        name, fallback = match.groups()
        if name in tokens:
            return tokens[name]
        if fallback:
            return fallback.strip()
        logger.warning(
            "%s uses the brand token %s, which brand.css does not define: add it to brand.css "
            "or use one that is there.",
            where or "a stylesheet",
            name,
            type=WARNING_TYPE,
            subtype=GuideWarning.EPUB,
        )
        return match.group(0)

    return TOKEN_USE.sub(value, css)


def files_in_use(outdir: Path, keep: set[str]) -> set[str]:
    """Every file the pages use, following stylesheets to the fonts they load."""
    used = set(keep)
    todo = [path.name for path in outdir.glob("*.xhtml")] + sorted(keep)
    while todo:
        name = todo.pop()
        path = outdir / name
        if not name.endswith((".css", ".xhtml")) or not path.is_file():
            continue
        pattern = LOCAL_REFERENCE_IN_CSS if name.endswith(".css") else LOCAL_REFERENCE_IN_PAGE
        for ref in pattern.findall(path.read_text(encoding="utf-8")):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), ref.strip()))
            if target not in used:
                used.add(target)
                todo.append(target)
    return used


def link_card_titles(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Make a linked card's title its link, in place of the site's stretched link."""
    if app.builder.name != "epub":
        return
    for link in list(doctree.findall(nodes.reference)):
        if "sd-stretched-link" not in link["classes"]:
            continue
        card = link.parent
        while card is not None and "sd-card" not in card.get("classes", []):
            card = card.parent
        titles = (
            card.findall(lambda n: isinstance(n, nodes.Element) and "sd-card-title" in n["classes"])
            if card
            else []
        )
        title = next(iter(titles), None)
        if title is None:
            continue
        target = {key: link[key] for key in ("refuri", "refid", "internal") if key in link}
        # the title's text sits in one inline wrapper: the link goes inside it
        text_holder = title[0] if len(title.children) == 1 and isinstance(title[0], nodes.Element) else title
        title_link = nodes.reference("", "", *text_holder.children, classes=["sd-card-link"], **target)
        text_holder.children = []
        text_holder += title_link
        container = link.parent if link.parent is not card else link
        container.parent.remove(container)


class GuideEpubBuilder(Epub3Builder):
    """Sphinx's epub3 builder, with the book's package templates and fixes."""

    template_dir = THEME_DIR / "package"
    media_types = {**Epub3Builder.media_types, **EXTRA_MEDIA_TYPES}
    guide_titles = {**Epub3Builder.guide_titles, "toc": "Contents", "bodymatter": "Start of the guide"}

    def init(self) -> None:
        super().init()
        lang = html.escape(self.config.epub_language)
        self.html_tag = (
            '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" '
            f'lang="{lang}" xml:lang="{lang}">'
        )

    @property
    def book_css_files(self) -> list[str]:
        return [f"_static/{name}" for name, _attrs in self.config.epub_css_files]

    def handle_finish(self) -> None:
        self.get_toc()
        self.tidy_pages()
        self.build_mimetype()
        self.build_container()
        self.build_content()
        self.build_navigation_doc()
        self.build_toc()
        self.build_epub()

    def tidy_pages(self) -> None:
        outdir = Path(self.outdir)
        for page in outdir.glob("*.xhtml"):
            page.write_text(fix_page(page.read_text(encoding="utf-8")), encoding="utf-8")
        cover_image = {self.config.epub_cover[0]} if self.config.epub_cover else set()
        used = files_in_use(outdir, cover_image | set(self.book_css_files))
        for path in sorted(outdir.glob("_static/**/*")):
            if path.is_file() and path.relative_to(outdir).as_posix() not in used:
                path.unlink()
        brand = outdir / "_static" / BRAND_CSS
        tokens = brand_tokens(brand.read_text(encoding="utf-8")) if brand.exists() else {}
        for name in self.book_css_files:
            css = outdir / name
            if css.name != BRAND_CSS and css.exists():
                css.write_text(
                    resolve_tokens(css.read_text(encoding="utf-8"), tokens, name), encoding="utf-8"
                )

    def landmarks(self) -> list[dict[str, str]]:
        root = self.config.root_doc + self.out_suffix
        marks = []
        if self.config.epub_cover and self.config.epub_cover[1]:
            marks.append(("cover", "cover", self.coverpage_name))
        marks.append(("toc", "toc", "nav.xhtml"))
        chapters = [n["refuri"] for n in self.refnodes if n["level"] == 1 and "#" not in n["refuri"]]
        first = next((uri for uri in chapters if uri != root), root)
        marks.append(("bodymatter", "text", first))
        return [
            {"type": kind, "guide_type": guide, "title": html.escape(self.guide_titles[kind]), "href": href}
            for kind, guide, href in marks
        ]

    def content_metadata(self) -> dict:
        metadata = super().content_metadata()
        config = self.config
        metadata.update(
            subjects=[html.escape(keyword, quote=False) for keyword in config.book_keywords],
            source=html.escape(config.book_original_post_url, quote=False),
            accessibility=[
                (prop, html.escape(value, quote=False))
                for prop, value in accessibility_metadata(config, bool(self.images))
            ],
            contents_after=self.make_id(config.root_doc + self.out_suffix),
            landmarks=self.landmarks(),
        )
        return metadata

    def navigation_doc_metadata(self, navlist) -> dict:
        metadata = super().navigation_doc_metadata(navlist)
        metadata.update(
            css_files=self.book_css_files,
            landmarks=self.landmarks(),
            landmarks_locale="Landmarks",
        )
        return metadata

    def toc_metadata(self, level, navpoints) -> dict:
        metadata = super().toc_metadata(level, navpoints)
        metadata.update(
            identifier=html.escape(self.config.epub_identifier),
            lang=html.escape(self.config.epub_language),
        )
        return metadata

    def build_epub(self) -> None:
        """Zip the book: mimetype first and stored, then the files in a fixed order and time."""
        stamp = zip_date_time()
        names = ["mimetype", "META-INF/container.xml", "content.opf", "toc.ncx", *self.files]
        target = Path(self.outdir, output_names(self.config)["epub"])
        logger.info("writing %s file...", target.name)
        with ZipFile(target, "w") as epub:
            for name in dict.fromkeys(names):
                entry = ZipInfo(name, date_time=stamp)
                entry.compress_type = ZIP_STORED if name == "mimetype" else ZIP_DEFLATED
                entry.external_attr = 0o644 << 16
                entry.create_system = 3  # Unix, whatever system builds the book
                epub.writestr(entry, Path(self.outdir, name).read_bytes())


def page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The EPUB's pages: only the book's stylesheets, and the book settings for the cover page."""
    if app.builder.name != "epub":
        return
    context["book"] = book_context(app.config)
    wanted = set(app.builder.book_css_files)
    context["css_files"] = [css for css in context.get("css_files", []) if css.filename in wanted]
    context["script_files"] = []


def setup(app: Sphinx) -> dict:
    app.add_builder(GuideEpubBuilder, override=True)
    app.add_html_theme("guidebook-epub", str(THEME_DIR))
    app.connect("doctree-resolved", link_card_titles)
    app.connect("html-page-context", page_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
