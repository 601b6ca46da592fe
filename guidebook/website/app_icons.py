"""The icons a phone shows for the installed guide, drawn from the brand mark at build time.

The mark (``docs/_static/logo.svg``) makes three icons: at 192 and 512 pixels as it
is (a rounded square, transparent at the corners), and at 512 pixels as a "maskable"
icon, which the phone crops to its own shape (a circle, a squircle): there the mark
sits inside the middle 80 % (the part no crop cuts) on a full square of the mark's
own colour, the brand's primary (``--brand-primary`` in brand.css). WeasyPrint draws
the SVG once, onto a page of 512 pixels, and pypdfium2 turns that page into a picture
(the same tools draw the cover); the other two are made from that picture.

The icons are kept beside the shared doctrees with a hash of what they are drawn
from, and drawn again only when the mark, the brand tokens or this code changes.
"""

import hashlib
from pathlib import Path

from sphinx.application import Sphinx

from guidebook.brand import BRAND_CSS, brand_tokens
from guidebook.formats import WEBSITE_BUILDERS

ROOT = Path(__file__).resolve().parents[2]
MARK = ROOT / "docs" / "_static" / "logo.svg"

MASKABLE_SAFE_ZONE = 0.8  # of the icon's width: the circle every mask keeps
# name: (pixels, purpose, share of the side the mark takes)
ICONS = {
    "icon-192.png": (192, "any", 1.0),
    "icon-512.png": (512, "any", 1.0),
    "icon-maskable-512.png": (512, "maskable", MASKABLE_SAFE_ZONE * 0.9),
}


def mark_html(pixels: int) -> str:
    return (
        "<!DOCTYPE html><html><head><style>"
        f"@page {{ size: {pixels}px; margin: 0; }} body {{ margin: 0; }}"
        f" img {{ display: block; width: {pixels}px; height: {pixels}px; }}"
        f'</style></head><body><img src="{MARK.as_uri()}" alt=""></body></html>'
    )


def draw_mark(pixels: int):
    """The mark as a square RGBA picture of ``pixels``, transparent around it."""
    import pypdfium2
    from weasyprint import HTML

    pdf = pypdfium2.PdfDocument(HTML(string=mark_html(pixels)).write_pdf())
    page = pdf[0]
    # WeasyPrint measures in CSS pixels (96 a inch), pdfium in points (72 a inch).
    image = page.render(scale=pixels / page.get_width(), fill_color=(0, 0, 0, 0)).to_pil()
    return image.convert("RGBA").resize((pixels, pixels))


def icon(mark, pixels: int, share: float, background: str):
    """``mark`` at ``share`` of a square of ``pixels``, on ``background`` (a #rrggbb colour or transparent)."""
    from PIL import Image, ImageColor

    fill = (0, 0, 0, 0) if background == "transparent" else (*ImageColor.getrgb(background)[:3], 255)
    square = Image.new("RGBA", (pixels, pixels), fill)
    side = round(pixels * share)
    offset = (pixels - side) // 2
    square.alpha_composite(mark.resize((side, side), Image.Resampling.LANCZOS), (offset, offset))
    return square


def brand_colour(name: str) -> str:
    tokens = brand_tokens()
    if name not in tokens:
        raise ValueError(
            f"{BRAND_CSS.relative_to(ROOT)} defines no {name}: the installed guide takes its colours from it"
        )
    return tokens[name]


def draw_icons(folder: Path) -> Path:
    """``folder/static/`` with the icons, drawn unless the ones there come from the same mark."""
    static = folder / "static"
    stamp = folder / "icons.sha256"
    digest = hashlib.sha256(
        MARK.read_bytes() + BRAND_CSS.read_bytes() + Path(__file__).read_bytes()
    ).hexdigest()
    if stamp.exists() and stamp.read_text() == digest and all((static / name).exists() for name in ICONS):
        return static
    static.mkdir(parents=True, exist_ok=True)
    mark = draw_mark(max(pixels for pixels, _purpose, _share in ICONS.values()))
    for name, (pixels, purpose, share) in ICONS.items():
        background = brand_colour("--brand-primary") if purpose == "maskable" else "transparent"
        partial = static / f"{name}.part"
        icon(mark, pixels, share, background).save(partial, format="PNG", optimize=True)
        partial.replace(static / name)
    stamp.write_text(digest)
    return static


def manifest_icons(static_url: str) -> list[dict]:
    """The icons as the web app manifest lists them."""
    return [
        {"src": f"{static_url}{name}", "sizes": f"{pixels}x{pixels}", "type": "image/png", "purpose": purpose}
        for name, (pixels, purpose, _share) in ICONS.items()
    ]


def add_icons(app: Sphinx) -> None:
    """Offer the icons as _static/icon-*.png, from a folder of the build, never from docs/."""
    if app.builder.name not in WEBSITE_BUILDERS:
        return
    static = draw_icons(Path(app.doctreedir) / "app-icons")
    if str(static) not in app.config.html_static_path:
        app.config.html_static_path.append(str(static))


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", add_icons)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
