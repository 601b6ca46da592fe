"""The brand's tokens: the custom properties ``docs/_static/brand.css`` defines.

Every format reads its colours from there: the website as CSS, the EPUB with
each ``var()`` written out, the paperback as each colour's CMYK twin, and the
installed website's manifest and icons.
"""

import re
from pathlib import Path

BRAND_CSS = Path(__file__).resolve().parent.parent / "docs" / "_static" / "brand.css"
TOKEN_DEFINITION = re.compile(r"(--[\w-]+)\s*:\s*([^;]+);")


def brand_tokens(css: str | None = None) -> dict[str, str]:
    """The custom properties that brand.css (or the stylesheet text ``css``) defines, by name."""
    text = BRAND_CSS.read_text(encoding="utf-8") if css is None else css
    return {name: value.strip() for name, value in TOKEN_DEFINITION.findall(text)}
