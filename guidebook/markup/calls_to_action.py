"""Links that come from the book settings, never typed into a chapter.

- ``{booking}`text``` links text to ``book_booking_url``;
- ``{original-post}`text``` links text to ``book_original_post_url``;
- ``{booking-button}`` is the call-to-action button (its content is the label);
- ``{guide-note}`` shows ``book_note``, the short "what this guide is" note;
- ``{download-buttons}`` offers the PDF and EPUB, with their sizes (website only).

The website shows each ebook's size on every page (these buttons, and the sidebar's
links): the pages are written with an empty ``guide-download-size`` span, which
``offer_ebooks`` fills in on every page once the ebooks are in the website. So a
new size needs no page written again, and ``make`` writes the website while the
ebooks are written (``guide_ebooks_later``), then offers them to it.
"""

import re
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, SphinxRole
from sphinx.util.osutil import relative_uri

from guidebook.formats import WEBSITE_BUILDERS, output_files
from guidebook.warning_types import WARNING_TYPE, GuideWarning

logger = logging.getLogger(__name__)

BUTTON_CLASSES = ["sd-sphinx-override", "sd-btn", "sd-text-wrap"]
DOWNLOADS_DIR = "downloads"
# Where a page shows an ebook's size (size_classes); no-search: the search index leaves it
# out, so it is the same before and after the size is filled in.
SIZE_SPAN = re.compile(r'(<span class="guide-download-size ebook-(\w+)[^"]*">)[^<]*(</span>)')


class SettingLinkRole(SphinxRole):
    """An inline link whose address is a book setting."""

    def __init__(self, setting: str) -> None:
        self.setting = setting

    def run(self):
        url = getattr(self.config, self.setting)
        ref = nodes.reference(self.rawtext, self.text, refuri=url, classes=[self.setting.replace("_", "-")])
        return [ref], []


class BookingButton(SphinxDirective):
    """``{booking-button}`` with the button's label as its content."""

    has_content = True

    def run(self):
        self.assert_has_content()
        label = " ".join(self.content).strip()
        ref = nodes.reference(
            "",
            label,
            refuri=self.config.book_booking_url,
            classes=[*BUTTON_CLASSES, "sd-btn-primary", "cta-button", "book-booking-url"],
        )
        para = nodes.paragraph("", "", ref, classes=["cta"])
        self.set_source_info(para)
        return [para]


class GuideNote(SphinxDirective):
    """``{guide-note}``: the book's one-line note on what the guide is."""

    def run(self):
        note = nodes.admonition(classes=["guide-note"])
        note += nodes.title("", "About this guide")
        note += nodes.paragraph("", self.config.book_note)
        self.set_source_info(note)
        return [note]


class download_buttons(nodes.General, nodes.Element):  # noqa: N801
    """Placeholder that becomes the download buttons when the page is written."""


class DownloadButtons(SphinxDirective):
    option_spec = {"class": directives.class_option}

    def run(self):
        node = download_buttons(classes=["download-buttons", *self.options.get("class", [])])
        self.set_source_info(node)
        return [node]


def ebook_files(app) -> dict[str, Path]:
    """The built ebooks this website offers, by format (``app``: the Sphinx app or its builder)."""
    files = output_files(Path(app.confdir, app.config.guide_ebook_dir), app.config)
    return {"PDF": files["pdf"], "EPUB": files["epub"]}


def offered_ebooks(app) -> dict[str, Path]:
    """The ebooks the pages link: every one when the build requires them (``make``), else those built."""
    return {
        label: path
        for label, path in ebook_files(app).items()
        if path.exists() or app.config.guide_require_ebooks
    }


def size_classes(label: str) -> list[str]:
    """The classes of the empty span where a page shows the ebook's size: the buttons' and the
    sidebar's (``offer_ebooks`` fills it in, found by SIZE_SPAN)."""
    return ["guide-download-size", f"ebook-{label.lower()}", "no-search"]


def human_size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


class ResolveDownloadButtons(SphinxPostTransform):
    """The buttons, on the website and for linkcheck, which checks their links; nothing elsewhere.

    A post-transform, so that it runs before linkcheck collects the links (priority 800).
    SphinxTransform.app is deprecated: the builder is given when it starts (``give_builder``).
    """

    default_priority = 100
    builder = None

    def run(self, **kwargs):
        builder = self.builder
        for node in list(self.document.findall(download_buttons)):
            if "website" not in builder.tags:
                node.parent.remove(node)
                continue
            para = nodes.paragraph(classes=node["classes"])
            para.source, para.line = node.source, node.line  # so a link check names the directive's line
            here = builder.get_target_uri(self.env.docname)
            # linkcheck checks every button; a website built on its own offers the ebooks that are built
            ebooks = ebook_files(builder) if builder.name == "linkcheck" else offered_ebooks(builder)
            for label, path in ebooks.items():
                uri = relative_uri(here, f"{DOWNLOADS_DIR}/{path.name}")
                para += nodes.reference(
                    "",
                    "",
                    nodes.Text(f"Download the {label} "),
                    nodes.inline("", "", classes=size_classes(label)),
                    refuri=uri,
                    classes=[*BUTTON_CLASSES, "sd-btn-outline-primary", "download-button"],
                )
                para += nodes.Text(" ")
            if len(para):
                node.replace_self(para)
            else:
                node.parent.remove(node)


def give_builder(app: Sphinx) -> None:
    ResolveDownloadButtons.builder = app.builder


def offer_ebooks(app: Sphinx, exception: Exception | None) -> None:
    """Put the built PDF and EPUB into the website, where the buttons point, and show their sizes on every page.

    `make` requires the ebooks (guide_require_ebooks): a missing one is an error
    there. It writes the website while it writes them (guide_ebooks_later), then
    builds the website again, which writes no page and offers them. A website built
    on its own with sphinx-build offers the ebooks that are built, and says which are not.
    """
    if exception or app.builder.name not in WEBSITE_BUILDERS or app.config.guide_ebooks_later:
        return
    site = Path(app.outdir)
    target = site / DOWNLOADS_DIR
    target.mkdir(exist_ok=True)
    sizes = {}
    for label, path in ebook_files(app).items():
        if path.exists():
            (target / path.name).write_bytes(path.read_bytes())
            sizes[label.lower()] = human_size(path.stat().st_size)
        elif app.config.guide_require_ebooks:
            logger.warning(
                "the %s is not built yet (%s), so the website's download button would be broken. "
                "Run `make` to build the ebooks before the website.",
                label,
                path,
                type=WARNING_TYPE,
                subtype=GuideWarning.DOWNLOADS,
            )
        else:
            logger.info(
                "the %s is not built yet (%s), so the website does not offer it: `make` builds "
                "the ebooks before the website.",
                label,
                path,
            )
    show_sizes(site, sizes)


def show_sizes(site: Path, sizes: dict[str, str]) -> None:
    """Fill in each ebook's size ("(1.2 MB)", by format) wherever a page of the site shows it."""
    for page in sorted(site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        shown = SIZE_SPAN.sub(
            lambda span: f"{span[1]}({sizes[span[2]]}){span[3]}" if span[2] in sizes else span[0], html
        )
        if shown != html:
            page.write_text(shown, encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.setup_extension("guidebook.settings")  # guide_ebook_dir, guide_require_ebooks, guide_ebooks_later
    app.add_role("booking", SettingLinkRole("book_booking_url"))
    app.add_role("original-post", SettingLinkRole("book_original_post_url"))
    app.add_directive("booking-button", BookingButton)
    app.add_directive("guide-note", GuideNote)
    app.add_directive("download-buttons", DownloadButtons)
    app.add_node(download_buttons)
    app.add_post_transform(ResolveDownloadButtons)
    app.connect("builder-inited", give_builder)
    app.connect("build-finished", offer_ebooks)  # before the offline worker lists the files (900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
