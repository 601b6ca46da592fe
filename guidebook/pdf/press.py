"""What the paperback's two files share: the bleed, the PDF/X variant, its output intent,
and addresses written out for readers of paper.

PDF/X-4 rather than X-1a or X-3: those two forbid transparency and any colour
but CMYK, and WeasyPrint writes the brand's colours as RGB. WeasyPrint writes
a PDF/X output intent only from a colour profile the stylesheets declare, so
both files declare sRGB (the profile WeasyPrint ships) and the printer
converts from it to its inks.
"""

import re
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlsplit
from uuid import NAMESPACE_URL, uuid5

PDF_VARIANT = "pdf/x-4"
BLEED_IN = 0.125  # what the printer trims off the outer edges


def press_options(css: str = "") -> dict:
    """WeasyPrint's options for a printed file: ``css`` as a user stylesheet, and the output intent.

    The stylesheet declares the sRGB profile, which WeasyPrint makes the PDF/X
    output intent; the profile goes into ``color_profiles``, which WeasyPrint
    shares between that stylesheet and the document.
    """
    from weasyprint import CSS

    profile = Path(str(files("weasyprint") / "pdf" / "sRGB2014.icc"))
    intent = f"@color-profile --srgb {{ src: url({profile.as_uri()}); components: r, g, b; }}\n"
    profiles: dict = {}
    return {"stylesheets": [CSS(string=intent + css, color_profiles=profiles)], "color_profiles": profiles}


def press_finisher(name: str):
    """A WeasyPrint finisher for a file that goes to a printer.

    - It drops the pages' annotations (the links): paper has no links, and
      PDF/X admits no annotation inside the bleed box but printer's marks.
    - It gives the file an XMP DocumentID made from ``name``: WeasyPrint's PDF/X-4
      metadata carries a random one, so two builds of one commit would differ.
    """
    document_id = f"xmp.did:{uuid5(NAMESPACE_URL, name)}".encode()

    def finish(document, pdf) -> None:
        for number in pdf.pages["Kids"][::3]:
            pdf.objects[number].pop("Annots", None)
        metadata = pdf.objects[int(pdf.catalog["Metadata"].split()[0])]
        metadata.stream = [re.sub(rb"xmp\.did:[0-9a-f-]{36}", document_id, part) for part in metadata.stream]

    return finish


def printed_address(url: str) -> str:
    """An address as a reader types it: no scheme, no "www.", no trailing slash."""
    parts = urlsplit(url)
    return f"{parts.netloc.removeprefix('www.')}{parts.path}".rstrip("/")
