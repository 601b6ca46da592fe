"""The ``print`` builder: the paperback's interior and its full-wrap cover, as PDF/X in CMYK.

It is the ``pdf`` builder with a printer's page: the trim size of
``book_trim_size``, a bleed on the outer edges, mirrored margins whose gutter
grows with the page count, chapters opening on a right-hand page and an even
page count. The cover becomes a title page (the paperback's own cover is the
separate wrap, see ``guidebook.pdf.wrap``); the workbook keeps its ruled
lines; the addresses a reader must type are printed beside their links, and
the booking link also as a QR code; a cross-reference says on which page it lands.

Both files are in ``book_print_format`` (PDF/X-1a:2001 by default) for the print
condition of ``book_print_profile``, every colour a brand token's CMYK twin
(``guidebook.pdf.press``). A brand colour with no CMYK twin, or a picture that would
print at under 300 ppi, fails the build and leaves the last good paperback.
"""

from pathlib import Path
from urllib.parse import quote

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

from guidebook.brand import brand_tokens
from guidebook.formats import output_names
from guidebook.page_size import page_size_inches
from guidebook.pdf.builder import THEME_DIR, PdfBuilder
from guidebook.pdf.cover import stylesheets
from guidebook.pdf.press import (
    BLEED_IN,
    BRAND_CSS,
    PrintSettingError,
    pdf_format,
    pdf_options,
    press_finisher,
    press_options,
    print_colours,
    print_profile,
    print_svg,
    printed_address,
    where,
)
from guidebook.pdf.weasyprint_log import weasyprint_warnings_as_sphinx_warnings
from guidebook.pdf.wrap import WRAP_STYLESHEETS, write_wrap
from guidebook.settings import CONF, conf_line
from guidebook.warning_types import WARNING_TYPE, GuideWarning

logger = logging.getLogger(__name__)

OUTER_MARGIN_IN = 0.5
# The inside margin by page count: the gutter print-on-demand services ask for
# (0.375 in up to 150 pages … 0.875 in up to 828), plus a quarter inch so that
# no line runs into the fold of a thick book.
INSIDE_MARGINS_IN = ((150, 0.625), (300, 0.75), (500, 0.875), (700, 1.0), (None, 1.125))
# WeasyPrint lays the book out again when the page count changes the gutter;
# the count settles within a few rounds, as a wider gutter adds only a few pages.
MAX_LAYOUTS = 4
# The interior's own stylesheets, after those of the cover (the theme's layout.html links them).
INTERIOR_STYLESHEETS = [THEME_DIR / "static" / "workbook.css", THEME_DIR / "static" / "paperback.css"]
# Pictures print sharp from this many pixels an inch at their printed size.
MIN_PPI = 300


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
        try:
            self.pdf_format = pdf_format(self.config.book_print_format)
            self.profile = print_profile(self.config.book_print_profile)
        except PrintSettingError as error:
            line = conf_line(str(error).split()[0])  # the message starts with the setting's name
            location = f"{CONF}:{line}" if line else str(CONF)
            logger.warning("%s", error, location=location, type=WARNING_TYPE, subtype=GuideWarning.PRINT)
            self.pdf_format = self.profile = None

    def assemble_doctree(self) -> nodes.document:
        tree = super().assemble_doctree()
        config = self.config
        # the chapters' pictures, by file, with the file and line that place them
        self.pictures = {
            Path(self.srcdir, image["uri"]): f"{where(Path(image.source))}:{image.line}"
            for image in tree.findall(nodes.image)
            if "://" not in image["uri"] and image.source
        }
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

    def lay_out(self, html, colours: str):
        """The interior's pages, with the gutter their count asks for, in an even number."""
        inside = inside_margin(0)
        for _ in range(MAX_LAYOUTS):
            document = html.render(**press_options(self.profile, colours + page_rules(self.trim, inside)))
            if inside_margin(len(document.pages)) == inside:
                break
            inside = inside_margin(len(document.pages))
        # The book ends with a spare blank page, kept only to make the count even.
        if len(document.pages) % 2:
            document = document.copy(document.pages[:-1])
        return document

    def write_pdf(self) -> None:
        """Write the interior and the wrap, or, if the press cannot take them, say why and write nothing."""
        from weasyprint import HTML

        if self.profile is None:
            return  # the print settings are wrong, as the build has said
        colours, problems = print_colours([*stylesheets(), *INTERIOR_STYLESHEETS, *WRAP_STYLESHEETS])
        problems += self.print_pictures([Path(self.outdir, "_static"), Path(self.outdir, self.imagedir)])
        print_rasters(Path(self.outdir, self.imagedir), self.profile)
        names = output_names(self.config)
        interior = Path(self.outdir, names["print"])
        partial = interior.with_suffix(".pdf.part")
        logger.info("writing the paperback with WeasyPrint… ", nonl=True)
        with weasyprint_warnings_as_sphinx_warnings():
            document = self.lay_out(HTML(filename=Path(self.outdir, f"{self.config.root_doc}.html")), colours)
            name = interior.name + self.config.book_uuid + self.config.book_edition
            document.write_pdf(
                partial,
                finisher=press_finisher(name, self.pdf_format),
                **pdf_options(self.pdf_format),
                pdf_identifier=self.config.book_uuid.encode(),
                custom_metadata=True,
            )
            problems += self.low_resolution_pictures(partial)
            for location, message in problems:
                logger.warning(
                    "%s", message, location=location, type=WARNING_TYPE, subtype=GuideWarning.PRINT
                )
            if problems:
                partial.unlink()
                return
            partial.replace(interior)
            cover = Path(self.outdir, names["print-cover"])
            write_wrap(
                self.config,
                self.trim,
                len(document.pages),
                Path(self.outdir, "_static"),
                cover,
                self.profile,
                self.pdf_format,
                colours,
            )
        logger.info("done")

    def print_pictures(self, folders: list[Path]) -> list[tuple[str, str]]:
        """Write each SVG picture of the built ``folders`` in the brand's inks; the colours it lacks."""
        problems = []
        sources = {path.name: path for path in [*(THEME_DIR / "static").glob("*.svg"), *self.pictures]}
        for path in sorted(svg for folder in folders for svg in folder.glob("*.svg")):
            svg, unknown = print_svg(path.read_text(encoding="utf-8"))
            path.write_text(svg, encoding="utf-8")
            if unknown:
                source = sources.get(path.name, path)
                problems.append(
                    (
                        self.pictures.get(source, where(source)),
                        (
                            f"the picture {where(source)} has colours that are no brand colour with a CMYK value "
                            f"({', '.join(unknown)}), so the paperback cannot print them.\nWhat to do: draw it in "
                            f"brand colours, each with its '-cmyk' twin in {where(BRAND_CSS)}."
                        ),
                    )
                )
        return problems

    def low_resolution_pictures(self, pdf: Path) -> list[tuple[str, str]]:
        """The pictures of the chapters that print at under MIN_PPI, where each is placed and what to do."""
        import pypdfium2
        from PIL import Image

        by_size = {}
        for path, location in self.pictures.items():
            if path.suffix.lower() != ".svg" and path.exists():
                with Image.open(path) as image:
                    by_size[image.size] = (path, location)
        problems = {}
        for number, page in enumerate(pypdfium2.PdfDocument(pdf), start=1):
            for image in page.get_objects(filter=[pypdfium2.raw.FPDF_PAGEOBJ_IMAGE]):
                found = image.get_metadata()
                ppi = min(found.horizontal_dpi, found.vertical_dpi)
                if ppi >= MIN_PPI:
                    continue
                path, location = by_size.get((found.width, found.height), (None, f"page {number}"))
                name = where(path) if path else "a picture"
                problems[location] = (
                    location,
                    (
                        f"{name} is {found.width} × {found.height} pixels and prints at {ppi:.0f} ppi on page "
                        f"{number} of the paperback: under {MIN_PPI} ppi it prints blurred.\nWhat to do: use a "
                        f"picture of at least {MIN_PPI} pixels for each inch it is printed (here "
                        f"{found.width * MIN_PPI / ppi:.0f} pixels wide), or print it smaller."
                    ),
                )
        return list(problems.values())


RASTER_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp"}


def print_rasters(folder: Path, profile: Path) -> None:
    """Each raster picture in ``folder`` in the press's inks: CMYK through ``profile``, on white paper.

    The picture is taken as sRGB, the web's colours. It keeps its file name, which the
    page links, but becomes a CMYK JPEG, which WeasyPrint reads by its content and
    embeds as it is; PDF/X-1a admits no transparency, so a see-through part shows paper."""
    from PIL import Image, ImageCms

    transform = ImageCms.buildTransform(
        ImageCms.createProfile("sRGB"),
        ImageCms.getOpenProfile(str(profile)),
        "RGB",
        "CMYK",
        renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
    )
    for path in sorted(folder.glob("*")):
        if path.suffix.lower() not in RASTER_SUFFIXES:
            continue
        with Image.open(path) as image:
            picture = image.convert("RGBA")
        paper = Image.new("RGB", picture.size, "white")
        paper.paste(picture, mask=picture.getchannel("A"))
        ImageCms.applyTransform(paper, transform).save(path, format="JPEG", quality=95)


def booking_qr_code(url: str) -> nodes.image:
    """The booking link as a QR code, drawn as SVG so that it prints sharp at any size, in black ink."""
    import segno

    ink = brand_tokens()["--brand-ink"]
    svg = segno.make(url, error="m").svg_inline(dark=ink, border=0)
    # The code is drawn in strokes: without fill="none" its path would be filled in RGB black.
    svg, _ = print_svg(svg.replace("<path ", '<path fill="none" ', 1))
    uri = "data:image/svg+xml;charset=utf-8," + quote(svg)
    # "?" marks the image as not a file of the project: Sphinx leaves its address alone.
    return nodes.image(
        uri=uri, candidates={"?": uri}, alt=f"QR code for {printed_address(url)}", classes=["booking-qr"]
    )


def setup(app: Sphinx) -> dict:
    app.add_builder(PrintBuilder)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
