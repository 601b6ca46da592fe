"""The PDF's tags, as a screen reader meets them: one element per heading, no empty
elements, links that say where they go, and fields that show in any viewer.

The structure is walked with pikepdf; the text of each heading is read by Poppler
(``pdfinfo -struct-text``); the PDF/UA-1 rules a machine can check are run by pdfua.
"""

import re
import shutil
import subprocess

import pikepdf
import pytest
from bs4 import BeautifulSoup
from pdfua import validate

from conftest import missing

HEADING = re.compile(r"/H([1-6])")


def kids(element: pikepdf.Dictionary) -> list:
    found = element.get("/K")
    if found is None:
        return []
    return list(found) if isinstance(found, pikepdf.Array) else [found]


def elements(element: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    return [
        kid
        for kid in kids(element)
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") not in ("/OBJR", "/MCR")
    ]


def walk(element: pikepdf.Dictionary):
    """Every structure element under element, in reading order."""
    for kid in elements(element):
        yield kid
        yield from walk(kid)


def has_content(element: pikepdf.Dictionary) -> bool:
    return any(
        not isinstance(kid, pikepdf.Dictionary) or kid.get("/Type") in ("/OBJR", "/MCR") or has_content(kid)
        for kid in kids(element)
    )


@pytest.fixture(scope="module")
def pdf(book):
    with pikepdf.open(book.pdf) as document:
        yield document


@pytest.fixture(scope="module")
def document(pdf) -> pikepdf.Dictionary:
    return pdf.Root.StructTreeRoot.K[0]


@pytest.fixture(scope="module")
def printed_headings(book) -> list[tuple[int, str]]:
    """(level, title) of each heading of the HTML page that WeasyPrint printed, in order."""
    page = BeautifulSoup((book.out / "pdf" / "index.html").read_text(encoding="utf-8"), "lxml")
    for link in page.select("a.headerlink"):
        link.decompose()
    return [(int(h.name[1]), " ".join(h.get_text().split())) for h in page.find_all(re.compile(r"^h[1-6]$"))]


def struct_text_headings(path) -> list[tuple[int, str]]:
    """(level, text) of each heading element, as Poppler reads the tag tree."""
    if shutil.which("pdfinfo") is None:
        missing("Poppler's pdfinfo", "sudo apt-get install poppler-utils")
    lines = subprocess.run(
        ["pdfinfo", "-struct-text", str(path)], capture_output=True, text=True, check=True
    ).stdout
    headings, current, depth = [], None, 0
    for line in lines.splitlines():
        indent = len(line) - len(line.lstrip())
        if current is not None and indent <= depth:
            current = None
        if match := re.match(r"H([1-6]) ", line.strip()):
            current, depth = [int(match.group(1)), []], indent
            headings.append(current)
        elif current is not None and line.strip().startswith('"'):
            current[1].append(line.strip()[1:-1])
    return [(level, " ".join(" ".join(parts).split())) for level, parts in headings]


def test_each_heading_is_one_element_at_its_level_in_reading_order(book, document, printed_headings):
    levels = [
        int(HEADING.fullmatch(str(e.S)).group(1)) for e in walk(document) if HEADING.fullmatch(str(e.S))
    ]
    assert levels == [level for level, _ in printed_headings]
    for element in walk(document):
        if HEADING.fullmatch(str(element.S)):
            inner = [str(e.S) for e in walk(element) if HEADING.fullmatch(str(e.S)) or e.S == "/NonStruct"]
            assert not inner, f"a {element.S} holds {inner}"
    assert struct_text_headings(book.pdf) == printed_headings


def test_no_element_of_the_tag_tree_is_empty(document):
    empty = [str(e.S) for e in walk(document) if not has_content(e)]
    assert not empty, f"{len(empty)} empty elements: {sorted(set(empty))}"


def test_each_link_annotation_belongs_to_a_link_element_of_its_own(pdf):
    parents = pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)
    for page in pdf.pages:
        for annotation in page.get("/Annots", []):
            if annotation.Subtype == "/Link":
                element = parents[int(annotation.StructParent)]
                assert element.S == "/Link", (
                    f"the link to {annotation.get('/Contents')} is tagged {element.S}"
                )
                assert not [e for e in walk(element) if e.S == "/Link"], "a link inside a link"


def test_every_link_says_where_it_goes_in_words(pdf, printed_headings):
    chapter_titles = {title for level, title in printed_headings if level == 1}
    descriptions = []
    for page in pdf.pages:
        for annotation in page.get("/Annots", []):
            if annotation.Subtype == "/Link":
                descriptions.append((annotation, str(annotation.get("/Contents", ""))))
    assert descriptions
    for annotation, words in descriptions:
        assert words and not re.fullmatch(r"[a-z0-9-]+|\S*://\S*", words), f"a link described as {words!r}"
        if "/Dest" in annotation:
            assert words.split(":")[0] in chapter_titles or words in chapter_titles, words


def test_every_field_shows_without_the_viewer_drawing_it(pdf):
    widgets = [a for page in pdf.pages for a in page.get("/Annots", []) if a.Subtype == "/Widget"]
    assert widgets
    for widget in widgets:
        appearance = widget.get("/AP", {}).get("/N")
        assert isinstance(appearance, pikepdf.Stream), f"{widget.T} has no normal appearance"
        x1, y1, x2, y2 = (float(x) for x in widget.Rect)
        assert [float(x) for x in appearance.BBox] == pytest.approx([0, 0, abs(x2 - x1), abs(y2 - y1)])
    assert not pdf.Root.AcroForm.get("/NeedAppearances", False)


def test_pdfua_finds_nothing(book):
    report = validate(str(book.pdf))
    assert not report.findings, [f"{f.rule_id}: {f.message}" for f in report.findings]


def test_pdfua_finds_a_pdf_without_its_language(book, tmp_path):
    """The checker above is live: it finds a rule broken."""
    with pikepdf.open(book.pdf) as pdf:
        del pdf.Root["/Lang"]
        pdf.save(tmp_path / "no-language.pdf")
    assert validate(str(tmp_path / "no-language.pdf")).findings
