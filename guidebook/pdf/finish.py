"""What WeasyPrint's tagged PDF still lacks for screen readers and viewers, put right in place.

The PDF builder runs :func:`finish_pdf` on the ebook after WeasyPrint writes it.
What the theme's HTML and CSS can fix is fixed there (guidebook/pdf/theme); this
module does only what WeasyPrint gives no way to change:

- empty structure elements (the empty ``<span id>`` anchors Sphinx writes before a
  title, a ``<br>``) are taken out of the tag tree, and a link's inner elements that
  WeasyPrint gives annotations of their own are folded into the link's one Link element;
- each link annotation's ``/Contents`` says where it goes in words: its target's
  title inside the book, its link text for an address outside it;
- each form field gets a normal appearance (``/AP /N``), so that it shows in any
  viewer, and the form no longer asks viewers to draw the fields (``/NeedAppearances``);
- a regular face's name loses the comma Pango writes after a family name that ends in
  a number ("Source Sans 3," becomes "Source-Sans-3-Regular").
"""

import re
from pathlib import Path

import lxml.html
import pikepdf
from lxml import etree

HEADINGS = {f"h{level}" for level in range(1, 7)}
# What WeasyPrint makes of a link's inline boxes (its text's <span>, its ::after):
# folded into the link's one Link element. Anything else in a link (a Figure) stays.
LINK_PARTS = {"/Span", "/Link", "/NonStruct"}


def finish_pdf(pdf_path: Path, html_path: Path) -> None:
    """Fix the PDF at pdf_path, which WeasyPrint printed from the HTML page at html_path."""
    # lxml's parser: the page is Sphinx's well-formed HTML, read in milliseconds (an HTML5
    # parser in Python took a fifth of a second on a book ten times the guide's length)
    page = lxml.html.document_fromstring(html_path.read_bytes())
    with pikepdf.open(pdf_path, allow_overwriting_input=True) as pdf:
        tidy_structure(pdf)
        describe_links(pdf, target_titles(page), link_texts(page))
        draw_fields(pdf)
        name_regular_faces(pdf)
        pdf.save(pdf_path, deterministic_id=True)


# ── The tag tree ──────────────────────────────────────────────────────────────────


def children(element: pikepdf.Dictionary) -> list:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def is_element(kid) -> bool:
    return isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") not in ("/OBJR", "/MCR")


def has_content(element: pikepdf.Dictionary) -> bool:
    """Whether the element marks any page content or annotation, itself or below."""
    return any(not is_element(kid) or has_content(kid) for kid in children(element))


def tidy_structure(pdf: pikepdf.Pdf) -> None:
    parents: dict[tuple, pikepdf.Dictionary] = {}  # an element folded into a Link → the Link
    _tidy(pdf.Root.StructTreeRoot.K[0], parents)
    if parents:
        _repoint_parent_tree(pdf.Root.StructTreeRoot.ParentTree, parents)


def _tidy(element: pikepdf.Dictionary, folded: dict) -> None:
    kept = []
    for kid in children(element):
        if is_element(kid):
            if not has_content(kid):
                continue
            if element.S == "/Link" and kid.S in LINK_PARTS:
                # A link's text, or its ::after box, with an annotation of its own:
                # its annotations and its content belong to the one Link.
                kept.extend(_fold_into(element, kid, folded))
                continue
            _tidy(kid, folded)
        kept.append(kid)
    element.K = pikepdf.Array(kept)


def _fold_into(link: pikepdf.Dictionary, element: pikepdf.Dictionary, folded: dict) -> list:
    folded[element.objgen] = link
    kids = []
    for kid in children(element):
        if not is_element(kid):
            kids.append(kid)
        elif kid.S in LINK_PARTS:
            kids.extend(_fold_into(link, kid, folded))
        elif has_content(kid):
            kid.P = link
            kids.append(kid)
    return kids


def _repoint_parent_tree(parent_tree: pikepdf.Dictionary, folded: dict) -> None:
    """The parent tree maps marked content and annotations to their elements: point it at the Links."""
    tree = pikepdf.NumberTree(parent_tree)
    for key, entry in list(tree.items()):
        if isinstance(entry, pikepdf.Array):  # a page: an element for each marked-content id
            for i, element in enumerate(entry):
                if isinstance(element, pikepdf.Dictionary) and element.objgen in folded:
                    entry[i] = folded[element.objgen]
        elif isinstance(entry, pikepdf.Dictionary) and entry.objgen in folded:  # an annotation
            tree[key] = folded[entry.objgen]


# ── Links ─────────────────────────────────────────────────────────────────────────


def words(element) -> str:
    return " ".join("".join(element.itertext()).replace("¶", "").split())


def target_titles(page) -> dict[str, str]:
    """Each id of the page → the title of the place it marks.

    A heading, or an element with a heading inside, has that heading's title; an
    empty anchor, the title of the heading after it; anything else, the title of the
    chapter it is in, with the heading or tab label it is under when there is one.
    """
    titles: dict[str, str] = {}
    waiting: list[str] = []  # empty anchors, waiting for the next heading
    chapter = section = ""
    for element in page.iter(etree.Element):  # elements, not comments
        heading = element.tag in HEADINGS or "tab-label" in element.get("class", "").split()
        if heading:
            title = words(element)
            if element.tag == "h1":
                chapter, section = title, ""
            else:
                section = title
            for anchor in waiting:
                titles[anchor] = title
            waiting = []
        anchor = element.get("id")
        if not anchor:
            continue
        if heading:
            titles[anchor] = words(element)
        elif (inner := next(element.iter(*HEADINGS), None)) is not None:
            titles[anchor] = words(inner)
        elif not words(element):
            waiting.append(anchor)
        else:
            titles[anchor] = f"{chapter}: {section}" if section and section != chapter else chapter
    return titles


def link_texts(page) -> dict[str, str]:
    """Each address outside the book → the words of its first link."""
    texts: dict[str, str] = {}
    for link in page.iter("a"):
        href = link.get("href", "")
        if not href.startswith("#"):
            texts.setdefault(href, words(link))
    return texts


def describe_links(pdf: pikepdf.Pdf, titles: dict[str, str], texts: dict[str, str]) -> None:
    for page in pdf.pages:
        for annotation in page.get("/Annots", []):
            if annotation.get("/Subtype") != "/Link":
                continue
            annotation.Contents = pikepdf.String(link_description(annotation, titles, texts))


def link_description(annotation: pikepdf.Dictionary, titles: dict[str, str], texts: dict[str, str]) -> str:
    action = annotation.get("/A")
    if action is not None and action.get("/S") == "/URI":
        address = str(action.URI)
        text = texts.get(address, "")
        if text and text != address:
            return text
        return "Web page " + re.sub(r"^https?://", "", address)
    target = annotation.get("/Dest") if action is None else action.get("/D")
    name = str(target) if isinstance(target, (pikepdf.String, pikepdf.Name)) else ""
    title = titles.get(name.lstrip("/"))
    if title is None:
        raise ValueError(f"a link in the PDF goes to {name or target!r}, which is no place in the book")
    return title


# ── Form fields ───────────────────────────────────────────────────────────────────


def draw_fields(pdf: pikepdf.Pdf) -> None:
    """Give each text field an appearance of its value (empty: nothing over the page's lines)."""
    form = pdf.Root.get("/AcroForm")
    if form is None:
        return
    for page in pdf.pages:
        for widget in page.get("/Annots", []):
            if widget.get("/Subtype") != "/Widget" or "/AP" in widget:
                continue
            if widget.get("/FT") != "/Tx" or str(widget.get("/V", "")):
                raise ValueError(
                    f"the PDF has a form field {widget.get('/T')} that is not an empty text field"
                )
            x1, y1, x2, y2 = (float(x) for x in widget.Rect)  # two corners, in any order
            appearance = pikepdf.Stream(pdf, b"/Tx BMC\nEMC\n")
            appearance.Type = pikepdf.Name.XObject
            appearance.Subtype = pikepdf.Name.Form
            appearance.BBox = pikepdf.Array([0, 0, abs(x2 - x1), abs(y2 - y1)])
            appearance.Resources = pikepdf.Dictionary()
            widget.AP = pikepdf.Dictionary(N=appearance)
    if "/NeedAppearances" in form:
        del form["/NeedAppearances"]


# ── Font names ────────────────────────────────────────────────────────────────────


def name_regular_faces(pdf: pikepdf.Pdf) -> None:
    """ "/ABCDEF+Source-Sans-3," → "/ABCDEF+Source-Sans-3-Regular".

    WeasyPrint names a face by Pango's description of it, and Pango ends a family
    name that ends in a number with a comma when the face is the regular one (so
    that the number is not read as a size). The fonts themselves are named right.
    """
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary):
            continue
        for key in ("/BaseFont", "/FontName"):
            name = obj.get(key)
            if isinstance(name, pikepdf.Name) and str(name).endswith(","):
                obj[key] = pikepdf.Name(str(name)[:-1] + "-Regular")
