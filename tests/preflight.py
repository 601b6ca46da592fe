"""A print shop's preflight of a paperback PDF, read with pikepdf: each problem names its page and object.

It checks the output intent (a CMYK printer profile), the PDF/X keys of the format,
that no colour is RGB, that nothing is transparent, that small text is black ink
alone, that fonts are embedded, that pictures have 300 ppi at their printed size,
and the page boxes.
"""

import math

import pikepdf

from guidebook.pdf.press import FORMATS

MIN_PPI = 300
# Text at least this large (points) may print in any of the brand's inks; smaller
# text must be black ink alone (or no ink, the paper showing through a colour).
DISPLAY_TYPE_PT = 14
RGB_SPACES = {"/DeviceRGB", "/CalRGB"}


def multiply(a, b):
    """The PDF matrix product a × b (a applied first)."""
    return [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]


def scale(matrix) -> float:
    return math.sqrt(abs(matrix[0] * matrix[3] - matrix[1] * matrix[2]))


def colour_space_problems(name, space, where: str) -> list[str]:
    family = space[0] if isinstance(space, pikepdf.Array) else space
    if str(family) in RGB_SPACES or (str(family) == "/ICCBased" and int(space[1].N) == 3):
        return [f"{where}: colour space {name} is RGB ({family})"]
    return []


def resource_problems(resources, where: str) -> list[str]:
    """RGB colour spaces and transparent graphics states among ``resources``."""
    problems = []
    for name, space in (resources.get("/ColorSpace") or {}).items():
        problems += colour_space_problems(name, space, where)
    for name, state in (resources.get("/ExtGState") or {}).items():
        for key in ("/CA", "/ca"):
            if key in state and float(state[key]) < 1:
                problems.append(f"{where}: graphics state {name} is partly transparent ({key} {state[key]})")
        if "/SMask" in state and state.SMask != pikepdf.Name.None_:
            problems.append(f"{where}: graphics state {name} has a soft mask")
        if str(state.get("/BM", "/Normal")) not in ("/Normal", "/Compatible"):
            problems.append(f"{where}: graphics state {name} has the blend mode {state.BM}")
    for name, pattern in (resources.get("/Pattern") or {}).items():
        if "/Resources" in pattern:
            problems += resource_problems(pattern.Resources, f"{where}, pattern {name}")
    return problems


def content_problems(stream, resources, ctm, where: str) -> list[str]:
    """What the content of a page or form draws that a press cannot take."""
    problems = resource_problems(resources, where)
    stack, fill, fill_space = [], ("/DeviceGray", [0.0]), "/DeviceGray"  # PDF's initial fill: black
    font_size, text_matrix = 0.0, [1, 0, 0, 1, 0, 0]
    for operands, operator in pikepdf.parse_content_stream(stream):
        op = str(operator)
        if op == "q":
            stack.append((ctm, fill, fill_space))
        elif op == "Q" and stack:
            ctm, fill, fill_space = stack.pop()
        elif op == "cm":
            ctm = multiply([float(x) for x in operands], ctm)
        elif op in ("rg", "RG"):
            problems.append(f"{where}: RGB colour '{' '.join(map(str, operands))} {op}'")
        elif op == "k":
            fill_space, fill = "/DeviceCMYK", ("/DeviceCMYK", [float(x) for x in operands])
        elif op == "g":
            fill_space, fill = "/DeviceGray", ("/DeviceGray", [float(x) for x in operands])
        elif op in ("cs", "CS"):
            name = operands[0]
            space = (resources.get("/ColorSpace") or {}).get(name, name)
            problems += colour_space_problems(name, space, where)
            if op == "cs":
                fill_space = str(space[0] if isinstance(space, pikepdf.Array) else space)
        elif op in ("sc", "scn"):
            fill = (fill_space, [float(x) for x in operands if not isinstance(x, pikepdf.Name)])
        elif op == "Tf":
            font_size = float(operands[1])
        elif op == "Tm":
            text_matrix = [float(x) for x in operands]
        elif op in ("Tj", "TJ", "'", '"'):
            size = font_size * scale(text_matrix) * scale(ctm)
            problems += text_problems(fill, size, where)
        elif op == "Do":
            problems += drawn_object_problems(resources, operands[0], ctm, where)
    return problems


def text_problems(fill, size: float, where: str) -> list[str]:
    space, values = fill
    if space == "/DeviceGray":
        values = [0, 0, 0, 1 - values[0]]
    elif space != "/DeviceCMYK":
        return [f"{where}: text at {size:.1f} pt is filled in {space}, not in the press's inks"]
    cyan, magenta, yellow, black = values
    if size < DISPLAY_TYPE_PT and (cyan or magenta or yellow or black not in (0, 1)):
        inks = " ".join(f"{value:g}" for value in values)
        return [f"{where}: text at {size:.1f} pt is filled {inks} k, not black ink alone"]
    return []


def drawn_object_problems(resources, name, ctm, where: str) -> list[str]:
    xobject = resources.XObject[name]
    inside = f"{where}, {name}"
    if xobject.Subtype == "/Image":
        problems = []
        if "/SMask" in xobject or "/Mask" in xobject:
            problems.append(f"{inside}: picture with a transparency mask")
        if "/ColorSpace" in xobject:
            problems += colour_space_problems(name, xobject.ColorSpace, inside)
        # the image fills the unit square, which the CTM maps to its printed size in points
        width, height = math.hypot(ctm[0], ctm[1]) / 72, math.hypot(ctm[2], ctm[3]) / 72
        ppi = min(int(xobject.Width) / width, int(xobject.Height) / height) if width and height else math.inf
        if ppi < MIN_PPI:
            problems.append(f"{inside}: picture printed at {ppi:.0f} ppi, under {MIN_PPI}")
        return problems
    problems = []
    group = xobject.get("/Group")
    if group is not None and group.get("/S") == "/Transparency":
        problems.append(f"{inside}: transparency group")
    matrix = [float(x) for x in xobject.get("/Matrix", [1, 0, 0, 1, 0, 0])]
    problems += content_problems(xobject, xobject.get("/Resources", resources), multiply(matrix, ctm), inside)
    return problems


def font_problems(page, where: str) -> list[str]:
    problems = []
    for name, font in (page.Resources.get("/Font") or {}).items():
        for part in [font, *font.get("/DescendantFonts", [])]:
            if part.Subtype in ("/Type0", "/Type3"):
                continue
            if not any(key in part.FontDescriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                problems.append(f"{where}: font {name} ({part.get('/BaseFont')}) is not embedded")
    return problems


def box_problems(page, where: str) -> list[str]:
    boxes = {
        name: [float(v) for v in page.obj.get(name, page.mediabox)]
        for name in ("/MediaBox", "/BleedBox", "/TrimBox")
    }
    problems = [f"{where}: no {name}" for name in ("/TrimBox", "/BleedBox") if name not in page.obj]

    def within(inner, outer) -> bool:
        return all(inner[i] >= outer[i] - 0.01 for i in (0, 1)) and all(
            inner[i] <= outer[i] + 0.01 for i in (2, 3)
        )

    if not within(boxes["/TrimBox"], boxes["/BleedBox"]) or not within(
        boxes["/BleedBox"], boxes["/MediaBox"]
    ):
        problems.append(
            f"{where}: the trim box is not inside the bleed box, or the bleed box not inside the media box"
        )
    return problems


def intent_problems(pdf, fmt_name: str) -> list[str]:
    problems = []
    intents = pdf.Root.get("/OutputIntents", [])
    if len(intents) != 1 or intents[0].get("/S") != "/GTS_PDFX":
        return ["catalog: not one /GTS_PDFX output intent"]
    profile = intents[0].DestOutputProfile
    header = profile.read_bytes()[:20]
    if int(profile.N) != 4 or header[16:20] != b"CMYK":
        problems.append("output intent: the profile is not CMYK")
    if header[12:16] != b"prtr":
        problems.append(
            f"output intent: the profile's class is {header[12:16].decode()!r}, not an output profile ('prtr')"
        )
    if not str(intents[0].get("/OutputConditionIdentifier", "")):
        problems.append("output intent: no OutputConditionIdentifier")
    fmt = FORMATS[fmt_name]
    info = pdf.trailer.Info
    if fmt.conformance:
        if (
            str(info.get("/GTS_PDFXVersion")) != fmt.version_key
            or str(info.get("/GTS_PDFXConformance")) != fmt.conformance
        ):
            problems.append(
                f"Info: GTS_PDFXVersion/Conformance are not {fmt.version_key} / {fmt.conformance}"
            )
        if pdf.pdf_version != fmt.pdf_version:
            problems.append(f"header: PDF {pdf.pdf_version}, not {fmt.pdf_version}")
    elif pdf.open_metadata().get("pdfxid:GTS_PDFXVersion") != fmt.version_key:
        problems.append(f"XMP: pdfxid:GTS_PDFXVersion is not {fmt.version_key}")
    if info.get("/Trapped") != "/False":
        problems.append("Info: Trapped is not /False")
    return problems


def preflight(path, fmt_name: str = "PDF/X-1a:2001") -> list[str]:
    """Every problem a print shop's preflight would reject ``path`` for; none for a press-ready file."""
    with pikepdf.open(path) as pdf:
        problems = intent_problems(pdf, fmt_name)
        for number, page in enumerate(pdf.pages, start=1):
            where = f"page {number}"
            if "/Annots" in page.obj:
                problems.append(f"{where}: annotations")
            if page.obj.get("/Group", {}).get("/S") == "/Transparency":
                problems.append(f"{where}: the page is a transparency group")
            problems += content_problems(page, page.Resources, [1, 0, 0, 1, 0, 0], where)
            problems += font_problems(page, where)
            problems += box_problems(page, where)
        return problems
