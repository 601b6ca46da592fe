"""What the paperback's two files share: the bleed, the PDF/X format, its CMYK print
condition, the brand's ink colours, and addresses written out for readers of paper.

The print condition is an ICC output profile (``book_print_profile``: by default
``profiles/FOGRA39.icc``, coated offset paper, see ``profiles/README.md``); a print
shop's own profile can replace it. The stylesheets name it the profile of
``device-cmyk()``, which WeasyPrint makes the PDF/X output intent. Every colour
the paperback prints is a brand token's CMYK twin (``--brand-NAME-cmyk`` beside
``--brand-NAME`` in ``brand.css``), written as ``device-cmyk()``: nothing is RGB,
and text is black ink alone.

The format is ``book_print_format``: PDF/X-1a:2001 (CMYK only, no transparency,
what IngramSpark and Amazon KDP take) or PDF/X-4. WeasyPrint writes X-1a as its
2003 revision; the finisher names it 2001, the revision print shops ask for, on
PDF 1.3 as that revision requires.
"""

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from uuid import NAMESPACE_URL, uuid5

from guidebook.brand import BRAND_CSS, brand_tokens
from guidebook.settings import CONF

BLEED_IN = 0.125  # what the printer trims off the outer edges
ROOT = CONF.parent


@dataclass(frozen=True)
class PdfFormat:
    variant: str  # WeasyPrint's pdf_variant
    pdf_version: str | None  # None: the variant's own
    version_key: str  # the GTS_PDFXVersion the file carries
    conformance: str | None  # the GTS_PDFXConformance (X-4 has none)


FORMATS = {
    "PDF/X-1a:2001": PdfFormat("pdf/x-1a", "1.3", "PDF/X-1:2001", "PDF/X-1a:2001"),
    "PDF/X-4": PdfFormat("pdf/x-4", None, "PDF/X-4", None),
}


class PrintSettingError(ValueError):
    """A print setting of conf.py that cannot be used; the message says what to do."""


def pdf_format(name: str) -> PdfFormat:
    if name not in FORMATS:
        raise PrintSettingError(
            f"book_print_format in conf.py is {name!r}, which is not a PDF/X format the paperback "
            f"can be written in. Use one of: {', '.join(map(repr, FORMATS))}."
        )
    return FORMATS[name]


def print_profile(setting: str) -> Path:
    """The ICC output profile of ``book_print_profile``, checked to be a CMYK printer's profile."""
    from PIL import ImageCms

    path = (ROOT / setting).resolve()
    try:
        profile = ImageCms.getOpenProfile(str(path)).profile
    except (OSError, ImageCms.PyCMSError):
        raise PrintSettingError(
            f"book_print_profile in conf.py is {setting!r}, which is not a colour profile that can be read. "
            "Set it to the ICC profile of the print condition (the print shop gives it), or to "
            "'guidebook/pdf/profiles/FOGRA39.icc'."
        ) from None
    if profile.device_class != "prtr" or profile.xcolor_space.strip() != "CMYK":
        raise PrintSettingError(
            f"book_print_profile in conf.py is {setting!r}, a {profile.xcolor_space.strip()} profile of "
            f"class {profile.device_class!r}: a paperback needs a CMYK output profile (class 'prtr'). "
            "Ask the print shop for its CMYK profile, or use 'guidebook/pdf/profiles/FOGRA39.icc'."
        )
    return path


def print_colours(stylesheets: list[Path], brand_css: Path = BRAND_CSS) -> tuple[str, list[tuple[str, str]]]:
    """CSS that makes each brand colour the ``stylesheets`` use its CMYK twin, and the problems.

    A problem is a brand colour used in print with no ``--brand-NAME-cmyk`` in brand.css:
    the stylesheet and line that use it, and a message that says what to do."""
    tokens = brand_tokens(brand_css.read_text(encoding="utf-8"))
    colours = {name for name, value in tokens.items() if value.startswith("#")}
    twins, problems = {}, {}
    for css in stylesheets:
        for number, line in enumerate(css.read_text(encoding="utf-8").splitlines(), start=1):
            for name in re.findall(r"var\((--brand-[\w-]+)\)", line):
                if name not in colours or name in twins or name in problems:
                    continue
                if f"{name}-cmyk" in tokens:
                    twins[name] = f"var({name}-cmyk)"
                else:
                    problems[name] = (
                        f"{where(css)}:{number}",
                        (
                            f"the paperback prints the brand colour {name}, which has "
                            f"no CMYK value for the press.\nWhat to do: add a line '{name}-cmyk: "
                            f"device-cmyk(C M Y K);' beside {name} in {where(brand_css)}, with the ink "
                            "shares (0 to 1) that look like it on paper."
                        ),
                    )
    rules = "".join(f"{name}: {twin} !important; " for name, twin in twins.items())
    return f":root {{ {rules}}}\n", list(problems.values())


SVG_COLOUR = re.compile(r"""(["'])(#[0-9a-fA-F]{3,6})\1""")


def print_svg(svg: str, brand_css: Path = BRAND_CSS) -> tuple[str, list[str]]:
    """An SVG picture with each brand colour written as its CMYK twin; and the colours it has no twin for."""
    tokens = brand_tokens(brand_css.read_text(encoding="utf-8"))
    cmyk = {
        value.lower(): tokens[f"{name}-cmyk"]
        for name, value in tokens.items()
        if value.startswith("#") and f"{name}-cmyk" in tokens
    }
    unknown = sorted({colour for _, colour in SVG_COLOUR.findall(svg) if colour.lower() not in cmyk})

    def twin(match: re.Match) -> str:
        quote, colour = match.groups()
        return quote + cmyk.get(colour.lower(), colour) + quote

    return SVG_COLOUR.sub(twin, svg), unknown


def where(path: Path) -> str:
    """A path as the author sees it: from the project's folder."""
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)


def press_options(profile: Path, css: str = "") -> dict:
    """WeasyPrint's options for a printed file: ``css`` as a user stylesheet, and the output intent.

    The stylesheet makes ``profile`` the profile of ``device-cmyk()`` colours, which
    WeasyPrint makes the PDF/X output intent; the profile goes into
    ``color_profiles``, which WeasyPrint shares between that stylesheet and the document.
    """
    from weasyprint import CSS

    intent = f"@color-profile device-cmyk {{ src: url({profile.as_uri()}); components: c, m, y, k; }}\n"
    profiles: dict = {}
    return {
        "stylesheets": [CSS(string=intent + css, color_profiles=profiles)],
        "color_profiles": profiles,
        "output_intent": "device-cmyk",
    }


def pdf_options(fmt: PdfFormat) -> dict:
    """WeasyPrint's write_pdf options for ``fmt``."""
    return {"pdf_variant": fmt.variant, **({"pdf_version": fmt.pdf_version} if fmt.pdf_version else {})}


def press_finisher(name: str, fmt: PdfFormat):
    """A WeasyPrint finisher for a file that goes to a printer.

    - It drops the pages' annotations (the links): paper has no links, and
      PDF/X admits no annotation inside the bleed box but printer's marks.
    - It gives the file an XMP DocumentID made from ``name``: WeasyPrint's PDF/X
      metadata carries a random one, so two builds of one commit would differ.
    - It writes the PDF/X version keys of ``fmt``, in the Info dictionary and the XMP.
    - For PDF 1.3 (X-1a:2001), it drops the graphics states' opacity keys, all 1:
      that version has no transparency, so no such keys either; and the colour
      spaces WeasyPrint defines for every file but nothing here uses (Lab, and the
      print profile as an ICC colour space), which X-1a does not admit.
    """
    import pydyf

    document_id = f"xmp.did:{uuid5(NAMESPACE_URL, name)}".encode()

    def finish(document, pdf) -> None:
        for number in pdf.pages["Kids"][::3]:
            pdf.objects[number].pop("Annots", None)
        metadata = pdf.objects[int(pdf.catalog["Metadata"].split()[0])]
        metadata.stream = [
            xmp_keys(re.sub(rb"xmp\.did:[0-9a-f-]{36}", document_id, part), fmt) for part in metadata.stream
        ]
        if fmt.conformance:
            pdf.info["GTS_PDFXVersion"] = pydyf.String(fmt.version_key)
            pdf.info["GTS_PDFXConformance"] = pydyf.String(fmt.conformance)
        if fmt.pdf_version == "1.3":
            for item in pdf.objects:
                drop_full_opacity(getattr(item, "extra", item))
            drop_unused_colour_spaces(pdf)

    return finish


def xmp_keys(xmp: bytes, fmt: PdfFormat) -> bytes:
    """The XMP with the version and conformance keys of ``fmt``."""
    if not fmt.conformance:
        return xmp
    xmp = re.sub(rb"(GTS_PDFXVersion>)[^<]*", rb"\g<1>" + fmt.version_key.encode(), xmp)
    return re.sub(rb"(GTS_PDFXConformance>)[^<]*", rb"\g<1>" + fmt.conformance.encode(), xmp)


def drop_full_opacity(item) -> None:
    """Remove ``CA`` and ``ca`` of 1 from the graphics states in a resource dictionary, at any depth."""
    if not isinstance(item, dict):
        return
    for key, value in list(item.items()):
        if key == "ExtGState" and isinstance(value, dict):
            for state in value.values():
                for alpha in ("CA", "ca"):
                    if isinstance(state, dict) and state.get(alpha) == 1:
                        del state[alpha]
        else:
            drop_full_opacity(value)


def drop_unused_colour_spaces(pdf) -> None:
    """Remove the named colour spaces that no content stream sets."""
    import pydyf

    drawn = b"".join(
        part if isinstance(part, bytes) else str(part).encode()
        for item in pdf.objects
        if isinstance(item, pydyf.Stream)
        for part in item.stream
    )
    for item in pdf.objects:
        if isinstance(item, pydyf.Dictionary) and "lab-d50" in item:  # the colour spaces of every page
            for name in list(item):
                if not re.search(rb"/" + re.escape(name.encode()) + rb"\s+(cs|CS)\b", drawn):
                    del item[name]


def printed_address(url: str) -> str:
    """An address as a reader types it: no scheme, no "www.", no trailing slash."""
    parts = urlsplit(url)
    return f"{parts.netloc.removeprefix('www.')}{parts.path}".rstrip("/")
