"""The cover image: the PDF's cover design, drawn as a PNG for the EPUB and the website.

There is one cover design: the PDF theme's ``cover.html`` with the stylesheets
the PDF theme's layout links (``brand.css``, ``book.css``…). WeasyPrint prints it on one
page of the book's page size, and pypdfium2 turns that page into a PNG whose
long side is ``LONG_SIDE`` pixels. The html and epub builds offer it as
``_static/cover.png`` (the EPUB's cover, the website's social card). It is kept
beside the shared doctrees, with a hash of everything it is drawn from, and
drawn again only when the design, the fonts or the book settings change:
drawing it loads WeasyPrint, which would add a second to every website build.
"""

import hashlib
import json
import os
import re
from html import escape
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

from guidebook.formats import COVER_IMAGE_BUILDERS
from guidebook.pdf.weasyprint_log import weasyprint_warnings_as_sphinx_warnings
from guidebook.settings import book_context
from guidebook.warning_types import WARNING_TYPE, GuideWarning

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
PDF_THEME = Path(__file__).parent / "theme"
TEMPLATE = "cover.html"
STATIC_DIRS = [PDF_THEME / "static", ROOT / "docs" / "_static"]  # where the PDF's _static/ comes from
FONTS = ROOT / "docs" / "_static" / "fonts"
# Pixels: stores ask for at least 1,600 on the long side, and Apple Books takes no image
# over 4 million pixels (2,200 × 1,700 on a Letter page).
LONG_SIDE = 2200


def stylesheets() -> list[Path]:
    """The stylesheets the PDF theme's layout links, in its order: the cover looks as in the PDF."""
    layout = (PDF_THEME / "layout.html").read_text(encoding="utf-8")
    found = []
    for name in re.findall(r'<link rel="stylesheet" href="_static/([^"]+)"', layout):
        found += [folder / name for folder in STATIC_DIRS if (folder / name).exists()][:1]
    return found


def cover_html(book: dict) -> str:
    """The cover as a page of its own, on the book's page size."""
    from jinja2 import Environment, FileSystemLoader

    cover = Environment(loader=FileSystemLoader(PDF_THEME), autoescape=True).get_template(TEMPLATE)
    links = "\n".join(f'<link rel="stylesheet" href="{css.as_uri()}">' for css in stylesheets())
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(book["language"])}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(book['title'])}</title>\n{links}\n"
        f"<style>@page {{ size: {book['page_size']}; }}</style>\n</head>\n"
        f"<body>\n{cover.render(book=book)}\n</body>\n</html>\n"
    )


def design_inputs() -> list[Path]:
    """Every file the cover is drawn from: this code, the template, its stylesheets, pictures and fonts."""
    pictures = sorted((PDF_THEME / "static").glob("*.svg"))
    return [
        Path(__file__),
        PDF_THEME / TEMPLATE,
        *stylesheets(),
        *pictures,
        *sorted(FONTS.glob("*.ttf")),
    ]  # brand.css's faces


def design_hash(book: dict) -> str:
    """Changes whenever anything that shows on the cover changes."""
    digest = hashlib.sha256()
    for path in design_inputs():
        digest.update(path.read_bytes())
    digest.update(json.dumps(book, sort_keys=True).encode())
    return digest.hexdigest()


def draw_cover(book: dict, target: Path) -> int:
    """Write the cover PNG; return how many pages the design took (it should take one)."""
    import pypdfium2
    from weasyprint import HTML

    with weasyprint_warnings_as_sphinx_warnings(notices=False):  # a missing face or picture fails the build
        pdf = pypdfium2.PdfDocument(HTML(string=cover_html(book), base_url=str(ROOT)).write_pdf())
    page = pdf[0]
    scale = LONG_SIDE / max(page.get_size())
    page.render(scale=scale).to_pil().convert("RGB").save(target, format="PNG")
    return len(pdf)


def cover_image(folder: Path, book: dict) -> Path:
    """``folder/static/cover.png``, drawn unless the one there has the same design."""
    png = folder / "static" / "cover.png"
    stamp = folder / "cover.sha256"
    digest = design_hash(book)
    if png.exists() and stamp.exists() and stamp.read_text() == digest:
        return png
    png.parent.mkdir(parents=True, exist_ok=True)
    # `make` writes the EPUB and the website side by side, and each may draw it: each its own file
    partial = png.with_name(f"cover.png.{os.getpid()}.part")
    pages = draw_cover(book, partial)
    partial.replace(png)
    if pages != 1:  # no stamp, so that every build says it until it is fixed
        logger.warning(
            "the cover design takes %d pages, so the cover image shows only the first: shorten "
            "book_title or book_subtitle in conf.py, or make the cover's type smaller in %s.",
            pages,
            (PDF_THEME / "static").relative_to(ROOT),
            type=WARNING_TYPE,
            subtype=GuideWarning.COVER,
        )
        stamp.unlink(missing_ok=True)
    else:
        stamp.write_text(digest)
    return png


def add_cover_image(app: Sphinx) -> None:
    """Offer the cover as _static/cover.png, from a folder of the build, never from docs/."""
    if app.builder.name not in COVER_IMAGE_BUILDERS:
        return
    png = cover_image(Path(app.doctreedir) / "cover", book_context(app.config))
    if str(png.parent) not in app.config.html_static_path:
        app.config.html_static_path.append(str(png.parent))


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", add_cover_image)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
