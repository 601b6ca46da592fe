"""The ``print`` builder: the paperback's interior, as PDF/X-4, and its full-wrap cover.

It is the ``pdf`` builder with a printer's page: the trim size of
``book_trim_size``, a bleed on the outer edges, mirrored margins whose gutter
grows with the page count, chapters opening on a right-hand page and an even
page count. The cover becomes a title page (the paperback's own cover is the
separate wrap, see ``guidebook.pdf.wrap``); the workbook keeps its ruled
lines; the addresses a reader must type are printed beside their links, and
the booking link also as a QR code.
"""

from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

from guidebook.formats import output_names
from guidebook.page_size import page_size_inches
from guidebook.pdf.builder import PdfBuilder
from guidebook.pdf.press import (
    BLEED_IN, PDF_VARIANT, press_finisher, press_options, printed_address,
)
from guidebook.pdf.weasyprint_log import weasyprint_warnings_as_sphinx_warnings
from guidebook.pdf.wrap import write_wrap

logger = logging.getLogger(__name__)

OUTER_MARGIN_IN = 0.5
# The inside margin by page count: the gutter print-on-demand services ask for
# (0.375 in up to 150 pages … 0.875 in up to 828), plus a quarter inch so that
# no line runs into the fold of a thick book.
INSIDE_MARGINS_IN = ((150, 0.625), (300, 0.75), (500, 0.875), (700, 1.0), (None, 1.125))
# WeasyPrint lays the book out again when the page count changes the gutter;
# the count settles within a few rounds, as a wider gutter adds only a few pages.
MAX_LAYOUTS = 4


def inside_margin(pages: int) -> float:
    return next(margin for most, margin in INSIDE_MARGINS_IN if most is None or pages <= most)


def page_rules(trim: tuple[float, float], inside: float) -> str:
    """The page size, bleed and mirrored margins: the right-hand page's outer edge is its right.

    They are a user stylesheet, which needs ``!important`` to win over the theme's page size."""
    width, height = trim
    bleed = f"{BLEED_IN}in"
    return (
        f"@page {{ size: {width}in {height}in !important; }}\n"
        f"@page :right {{ bleed: {bleed} {bleed} {bleed} 0 !important; "
        f"margin-left: {inside}in !important; margin-right: {OUTER_MARGIN_IN}in !important; }}\n"
        f"@page :left {{ bleed: {bleed} 0 {bleed} {bleed} !important; "
        f"margin-left: {OUTER_MARGIN_IN}in !important; margin-right: {inside}in !important; }}\n"
    )


class PrintBuilder(PdfBuilder):
    name = "print"
    epilog = "The paperback's interior and cover are in %(outdir)s."

    def init(self) -> None:
        super().init()
        self.trim = trim = page_size_inches(self.config.book_trim_size)  # checked by guidebook.settings
        self.page_width = trim[0] * 25.4

    def assemble_doctree(self) -> nodes.document:
        tree = super().assemble_doctree()
        config = self.config
        addresses = {
            "book-booking-url": printed_address(config.book_booking_url),
            "book-original-post-url": printed_address(config.book_original_post_url),
        }
        for ref in list(tree.findall(nodes.reference)):
            address = next((addresses[c] for c in ref["classes"] if c in addresses), None)
            if address is None:
                continue
            printed = nodes.inline("", address, classes=["printed-address"])
            ref.parent.insert(ref.parent.index(ref) + 1, printed)
            if "cta-button" in ref["classes"]:
                ref.parent.append(booking_qr_code(config.book_booking_url))
        return tree

    def get_doc_context(self, docname, body, metatags):
        context = super().get_doc_context(docname, body, metatags)
        context["original_post_address"] = printed_address(self.config.book_original_post_url)
        context["paperback"] = True
        return context

    def lay_out(self, html):
        """The interior's pages, with the gutter their count asks for, in an even number."""
        inside = inside_margin(0)
        for _ in range(MAX_LAYOUTS):
            document = html.render(**press_options(page_rules(self.trim, inside)))
            if inside_margin(len(document.pages)) == inside:
                break
            inside = inside_margin(len(document.pages))
        # The book ends with a spare blank page, kept only to make the count even.
        if len(document.pages) % 2:
            document = document.copy(document.pages[:-1])
        return document

    def write_pdf(self) -> None:
        from weasyprint import HTML

        names = output_names(self.config)
        interior = Path(self.outdir, names["print"])
        partial = interior.with_suffix(".pdf.part")
        logger.info("writing the paperback with WeasyPrint… ", nonl=True)
        with weasyprint_warnings_as_sphinx_warnings():
            document = self.lay_out(HTML(filename=Path(self.outdir, f"{self.config.root_doc}.html")))
            document.write_pdf(
                partial,
                finisher=press_finisher(interior.name + self.config.book_uuid + self.config.book_edition),
                pdf_variant=PDF_VARIANT,
                pdf_identifier=self.config.book_uuid.encode(),
                custom_metadata=True,
            )
            partial.replace(interior)
            cover = Path(self.outdir, names["print-cover"])
            write_wrap(self.config, self.trim, len(document.pages), Path(self.outdir, "_static"), cover)
        logger.info("done")


def booking_qr_code(url: str) -> nodes.image:
    """The booking link as a QR code, drawn as SVG so that it prints sharp at any size."""
    import segno

    uri = segno.make(url, error="m").svg_data_uri(border=0)
    # "?" marks the image as not a file of the project: Sphinx leaves its address alone.
    return nodes.image(uri=uri, candidates={"?": uri}, alt=f"QR code for {printed_address(url)}",
                       classes=["booking-qr"])


def setup(app: Sphinx) -> dict:
    app.add_builder(PrintBuilder)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
