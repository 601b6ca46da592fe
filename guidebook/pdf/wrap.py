"""The paperback's cover: one PDF/X page that wraps around the book, back, spine and front.

The front is the cover design every format shares (the PDF theme's
``cover.html``); the back carries the subtitle, ``book_description`` and, at
its bottom right, an empty area where a printer puts the barcode. The spine is
as wide as the pages are thick (``book_paper_thickness`` a page) and carries
the title once the book has ``book_spine_title_min_pages`` pages. The bleed
runs round the outside of the whole wrap. Its format, print condition and colours
are the interior's (``guidebook.pdf.press``).
"""

from pathlib import Path

from guidebook.build_date import build_date
from guidebook.pdf.cover import PDF_THEME, stylesheets
from guidebook.pdf.press import (
    BLEED_IN,
    PdfFormat,
    pdf_options,
    press_finisher,
    press_options,
    print_colours,
    printed_address,
)
from guidebook.settings import book_context

TEMPLATE = "cover-wrap.html"
STYLESHEET = PDF_THEME / "static" / "cover-wrap.css"
WRAP_STYLESHEETS = [STYLESHEET]  # after the cover's own
# The barcode area print-on-demand services keep free: 2 × 1.2 in, a quarter inch in from the trim.
BARCODE_IN = (2.0, 1.2)
BARCODE_MARGIN_IN = 0.25
# Spine type: at most this size, and at most this share of the spine's width; it keeps
# this far from the top and the bottom of the spine.
SPINE_INSET_IN = 0.5
SPINE_TYPE_MAX_PT = 12
SPINE_TYPE_SHARE = 0.45


def spine_width(pages: int, paper_thickness: float) -> float:
    """The spine's width in inches: the pages' count times their thickness."""
    return pages * paper_thickness


def wrap_geometry(trim: tuple[float, float], pages: int, book: dict) -> dict:
    """Every measure the wrap's template needs, in inches (points for the spine type)."""
    width, height = trim
    spine = spine_width(pages, book["paper_thickness"])
    return {
        "trim_width": width,
        "trim_height": height,
        "spine": spine,
        "bleed": BLEED_IN,
        "width": 2 * width + spine,
        "barcode": BARCODE_IN,
        "barcode_margin": BARCODE_MARGIN_IN,
        "spine_title": pages >= book["spine_title_min_pages"],
        "spine_type_pt": min(SPINE_TYPE_MAX_PT, spine * 72 * SPINE_TYPE_SHARE),
        "spine_length": height - 2 * SPINE_INSET_IN,
    }


def wrap_html(book: dict, geometry: dict, static: Path) -> str:
    """The wrap's page, linking the cover's stylesheets in the built book's ``static`` folder,
    where they sit beside the fonts and pictures they name."""
    from jinja2 import Environment, FileSystemLoader

    template = Environment(loader=FileSystemLoader(PDF_THEME), autoescape=True).get_template(TEMPLATE)
    links = [(static / css.name).as_uri() for css in [*stylesheets(), *WRAP_STYLESHEETS]]
    return template.render(
        book=book,
        g=geometry,
        stylesheets=links,
        site_address=printed_address(book["site_url"]),
        build_iso=build_date().strftime("%Y-%m-%dT%H:%M:%SZ"),
    )


def write_wrap(
    config,
    trim: tuple[float, float],
    pages: int,
    static: Path,
    target: Path,
    profile: Path,
    fmt: PdfFormat,
    colours: str | None = None,
) -> dict:
    """Write the cover wrap for a book of ``pages`` pages; return its geometry.

    ``colours`` is the CSS of the brand's CMYK colours (``press.print_colours``), made here if not given."""
    from weasyprint import HTML

    book = book_context(config)
    geometry = wrap_geometry(trim, pages, book)
    if colours is None:
        colours, _ = print_colours([*stylesheets(), *WRAP_STYLESHEETS])
    partial = target.with_suffix(".pdf.part")
    HTML(string=wrap_html(book, geometry, static), base_url=str(static)).write_pdf(
        partial,
        **press_options(profile, colours),
        finisher=press_finisher(target.name + config.book_uuid + config.book_edition, fmt),
        **pdf_options(fmt),
        pdf_identifier=config.book_uuid.encode(),
        custom_metadata=True,
    )
    partial.replace(target)
    return geometry
