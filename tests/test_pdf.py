"""The PDF ebook: a real, accessible book, whose every link and bookmark works."""

import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pikepdf
import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from book_copy import build
from conftest import BOOK, EPOCH, ROOT, SLUG
from post import letters

DOCS = ROOT / "docs"
MAX_BYTES = 1024 * 1024
BRAND_FONTS = ("Source-Serif-4", "Source-Sans-3")


def chapters() -> list[tuple[str, str]]:
    """(label, title) of every chapter, in the order of the home page's toctree."""
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    toctree = re.search(r"```\{toctree\}(.*?)```", index, re.S).group(1)
    names = [
        line.strip() for line in toctree.splitlines() if line.strip() and not line.strip().startswith(":")
    ]
    found = []
    for name in names:
        text = (DOCS / f"{name}.md").read_text(encoding="utf-8")
        found.append(
            (re.search(r"^\((.+)\)=$", text, re.M).group(1), re.search(r"^# (.+)$", text, re.M).group(1))
        )
    return found


CHAPTERS = chapters()


def pdf_date(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, tz=UTC).strftime("D:%Y%m%d%H%M%SZ")


@pytest.fixture(scope="module")
def pdf(book):
    with pikepdf.open(book.pdf) as document:
        yield document


@pytest.fixture(scope="module")
def pages(book) -> list[str]:
    """The text of each page; pages[0] is page 1."""
    return [page.extract_text() for page in PdfReader(book.pdf).pages]


@pytest.fixture(scope="module")
def source(book) -> BeautifulSoup:
    """The single HTML page that WeasyPrint printed."""
    return BeautifulSoup((book.out / "pdf" / "index.html").read_text(encoding="utf-8"), "lxml")


def page_numbers(pdf) -> dict:
    return {page.objgen: number for number, page in enumerate(pdf.pages, start=1)}


def named_destinations(pdf) -> dict[str, pikepdf.Array]:
    names = pdf.Root.get("/Names")
    if names is None or "/Dests" not in names:
        return {}
    return {str(name): dest for name, dest in pikepdf.NameTree(names.Dests).items()}


def target_page(pdf, dest) -> int | None:
    """The page number a destination (a name or an explicit array) points to, if any."""
    if isinstance(dest, (pikepdf.String, pikepdf.Name)):
        dest = named_destinations(pdf).get(str(dest).lstrip("/"))
    if isinstance(dest, pikepdf.Dictionary):
        dest = dest.get("/D")
    if not isinstance(dest, pikepdf.Array) or len(dest) == 0:
        return None
    return page_numbers(pdf).get(dest[0].objgen)


def links(pdf) -> list[tuple[int, str, object]]:
    """(page, "dest" or "uri", destination or URL) for every link annotation."""
    found = []
    for number, page in enumerate(pdf.pages, start=1):
        for annot in page.obj.get("/Annots", []):
            if annot.get("/Subtype") != "/Link":
                continue
            action = annot.get("/A")
            if "/Dest" in annot:
                found.append((number, "dest", annot.Dest))
            elif action is not None and action.get("/S") == "/GoTo":
                found.append((number, "dest", action.D))
            elif action is not None and action.get("/S") == "/URI":
                found.append((number, "uri", str(action.URI)))
            else:
                found.append((number, "other", annot))
    return found


def outline(pdf) -> list[tuple[str, int | None]]:
    with pdf.open_outline() as tree:
        return [(item.title, target_page(pdf, item.destination)) for item in tree.root]


def chapter_pages(pdf) -> dict[str, int]:
    return {title: page for title, page in outline(pdf)}


# ── Metadata and accessibility ────────────────────────────────────────────────


def test_metadata_is_the_book_settings(pdf):
    info = pdf.docinfo
    assert str(info["/Title"]) == BOOK["book_title"]
    assert str(info["/Author"]) == BOOK["book_author"]
    assert str(info["/Subject"]) == BOOK["book_subtitle"]
    assert str(info["/Keywords"]) == ", ".join(BOOK["book_keywords"])
    assert str(info["/Creator"]) == "Sphinx and WeasyPrint"
    assert str(pdf.Root.Lang) == BOOK["book_language"]


def test_pdf_is_tagged_for_assistive_technology(pdf):
    root = pdf.Root
    assert "/StructTreeRoot" in root and "/K" in root.StructTreeRoot
    assert bool(root.MarkInfo.Marked) is True
    assert str(root.Lang) == BOOK["book_language"]
    assert bool(root.ViewerPreferences.DisplayDocTitle) is True
    xmp = root.Metadata.read_bytes().decode()
    assert 'pdfuaid:part="1"' in xmp


def structure_elements(element):
    if isinstance(element, pikepdf.Array):
        for child in element:
            yield from structure_elements(child)
    elif isinstance(element, pikepdf.Dictionary) and "/S" in element:
        yield element
        yield from structure_elements(element.get("/K"))


def test_headings_are_tagged_and_every_image_has_alt_text(pdf):
    elements = list(structure_elements(pdf.Root.StructTreeRoot.K))
    tags = [str(element.S) for element in elements]
    assert tags.count("/H1") >= len(CHAPTERS)
    assert "/Link" in tags
    for element in elements:
        if element.S == "/Figure":
            assert str(element.get("/Alt", "")).strip(), "an image has no alt text"


# ── Navigation ─────────────────────────────────────────────────────────────────


def test_outline_is_the_chapter_titles_in_order(pdf):
    assert [title for title, _ in outline(pdf)] == [title for _, title in CHAPTERS]


def test_each_chapter_starts_a_new_page_that_its_bookmark_points_to(pdf, pages):
    starts = [page for _, page in outline(pdf)]
    assert None not in starts
    assert starts == sorted(set(starts)), "two chapters share a page, or are out of order"
    for (_, title), page in zip(CHAPTERS, starts):
        # a chapter's first page opens with its title (no running header there)
        assert letters(pages[page - 1]).startswith(letters(title)), (title, page)


def test_every_cross_reference_in_the_chapters_is_a_working_link(pdf, source):
    """Contents, cross-references and workbook back-links all land on their chapter's page."""
    starts = chapter_pages(pdf)
    title_of = dict(CHAPTERS)
    hrefs = [a["href"][1:] for a in source.select('a[href^="#"]') if "headerlink" not in a.get("class", [])]
    assert len(hrefs) > len(CHAPTERS)
    made = {str(dest).lstrip("/"): target_page(pdf, dest) for _, kind, dest in links(pdf) if kind == "dest"}
    for href in hrefs:
        assert href in made, f"the link to #{href} was dropped from the PDF"
        if href in title_of:
            assert made[href] == starts[title_of[href]], href


def test_every_anchor_of_the_printed_page_is_unique(source):
    """Each chapter numbers its own automatic ids; on one page a repeated id is ambiguous."""
    ids = [element["id"] for element in source.find_all(id=True)]
    assert len(ids) > len(CHAPTERS)
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


# ── Fonts ─────────────────────────────────────────────────────────────────────────


def fonts(pdf) -> dict[str, pikepdf.Dictionary]:
    found = {}
    for page in pdf.pages:
        for font in page.Resources.get("/Font", {}).values():
            found[str(font.BaseFont)] = font
    return found


def test_every_font_is_an_embedded_subset_of_the_brand_fonts(pdf):
    found = fonts(pdf)
    assert found
    for name, font in found.items():
        descriptor = (
            font.DescendantFonts[0].FontDescriptor if "/DescendantFonts" in font else font.FontDescriptor
        )
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.keys()), f"{name} is not embedded"
        assert re.match(r"/[A-Z]{6}\+", name), f"{name} is not a subset"
        # no system font (DejaVu…) fills in for a missing glyph
        assert name[8:].startswith(BRAND_FONTS), f"{name} is not a brand font"


# ── Pages ─────────────────────────────────────────────────────────────────────────


def test_the_cover_has_no_page_number_and_every_other_page_has_one(pages):
    cover = pages[0]
    assert BOOK["book_title"] in " ".join(cover.split())
    assert not re.search(r"\d", cover), "the cover shows a number"
    for number, text in enumerate(pages[1:], start=2):
        assert text.strip().splitlines()[-1].strip() == str(number), f"page {number} has no page number"


def test_running_header_shows_the_book_or_the_chapter_except_on_opening_pages(pdf, pages):
    """Left pages show the book's title, right pages the chapter's; not on the cover,
    the front matter or a chapter's first page. (The header is the line above the page number.)"""
    starts = chapter_pages(pdf)
    first_chapter_page = min(starts.values())
    book_title, continued = BOOK["book_title"], 0
    for number, text in enumerate(pages, start=1):
        header = text.strip().splitlines()[-2].strip() if number > 1 else ""
        chapter = max(
            (title for title, page in starts.items() if page <= number), key=starts.get, default=None
        )
        if number < first_chapter_page or number in starts.values():
            assert header not in {book_title, chapter}, f"page {number} has a running header"
        elif number % 2 == 0:
            assert header == book_title, f"page {number}"
            continued += 1
        else:
            assert header == chapter, f"page {number}"
            continued += 1
    assert continued >= 2


def test_page_size_is_the_book_setting(pdf):
    from guidebook.page_size import page_size_inches

    width = page_size_inches(BOOK["book_page_size"])[0] * 25.4
    for page in pdf.pages:
        box = [float(v) for v in page.MediaBox]
        assert abs((box[2] - box[0]) * 25.4 / 72 - width) < 0.5


def test_copyright_page_credits_the_post_and_dates_the_edition(pdf, pages):
    text = " ".join(pages[1].split())
    assert f"© {BOOK['book_year']} {BOOK['book_publisher']}" in text
    assert f"Edition {BOOK['book_edition']}" in text
    assert datetime.fromtimestamp(EPOCH, tz=UTC).strftime("%B %-d, %Y") in text
    assert BOOK["book_note"] in text
    assert BOOK["book_author"] in text
    assert (2, "uri", BOOK["book_original_post_url"]) in links(pdf)


def test_contents_lists_every_chapter_with_its_page_number(pdf, pages):
    starts = chapter_pages(pdf)
    contents = pages[2].splitlines()
    assert contents[0].strip() == "Contents"
    for title, page in starts.items():
        line = next(line for line in contents if letters(line).startswith(letters(title)))
        assert line.rstrip().endswith(f" {page}"), line


# ── Nothing lost ─────────────────────────────────────────────────────────────────


def tab_sets(book) -> list[BeautifulSoup]:
    pages = [BeautifulSoup(p.read_text(encoding="utf-8"), "lxml") for p in sorted(book.html.glob("*.html"))]
    return [tab_set for page in pages for tab_set in page.select(".sd-tab-set")]


def test_every_tab_label_and_tab_content_is_in_the_pdf(book, pdf_text):
    found = letters(pdf_text)
    tab_sets_found = tab_sets(book)
    assert tab_sets_found, "the website has no tab-set to compare with"
    labels = [label for tab_set in tab_sets_found for label in tab_set.select(".sd-tab-label")]
    blocks = [
        block
        for tab_set in tab_sets_found
        for block in tab_set.select(".sd-tab-content p, .sd-tab-content li")
    ]
    assert len(labels) >= 4 and len(blocks) >= len(labels)
    for element in labels + blocks:
        assert letters(element.get_text()) in found, element.get_text()


def rule_colour() -> tuple[float, ...]:
    """The brand's rule colour (--brand-rule), as PDF colour components."""
    brand = (DOCS / "_static" / "brand.css").read_text(encoding="utf-8")
    hex_colour = re.search(r"--brand-rule:\s*#([0-9a-fA-F]{6})", brand).group(1)
    return tuple(round(int(hex_colour[i : i + 2], 16) / 255, 3) for i in (0, 2, 4))


def fills_in(page: pikepdf.Page, colour: tuple[float, ...]) -> int:
    """How many times the page's drawing switches its fill colour to ``colour``."""
    return sum(
        1
        for operands, operator in pikepdf.parse_content_stream(page)
        if str(operator) == "rg" and tuple(round(float(v), 3) for v in operands) == colour
    )


def test_every_workbook_prompt_is_printed_with_ruled_lines_under_it(pdf, source, pdf_text):
    workbook = source.find(id="workbook")
    prompts = [
        p
        for p in workbook.select("p")
        if p.find("strong") and p.get_text(strip=True) == p.strong.get_text(strip=True)
    ]
    assert len(prompts) >= 10
    lines = 0
    for prompt in prompts:
        assert letters(prompt.get_text()) in letters(pdf_text), prompt.get_text()
        box = prompt.find_next_sibling()
        assert box is not None and "answer-lines" in box.get("class", []), prompt.get_text()
        assert len(box.select(".answer-line")) >= 3
        lines += len(box.select(".answer-line"))
    # the lines are drawn in the PDF, on the workbook's pages
    starts = sorted(chapter_pages(pdf).values())
    first = chapter_pages(pdf)[dict(CHAPTERS)["workbook"]]
    last = next((page for page in starts if page > first), len(pdf.pages) + 1) - 1
    drawn = sum(fills_in(pdf.pages[number - 1], rule_colour()) for number in range(first, last + 1))
    assert drawn >= lines


def test_no_card_or_callout_is_split_across_pages(source, pages):
    boxes = source.select("main .sd-card, main .admonition")
    assert len(boxes) >= 10
    page_letters = [letters(text) for text in pages]
    for box in boxes:
        text = letters(box.get_text())
        assert any(text in page for page in page_letters), box.get_text(" ", strip=True)[:60]


def test_dropdowns_print_open():
    from weasyprint import HTML

    css = ROOT / "guidebook" / "pdf" / "theme" / "static" / "book.css"
    html = (
        f'<link rel="stylesheet" href="{css.as_uri()}">'
        '<details class="sd-dropdown sd-card"><summary class="sd-summary-title">Question</summary>'
        '<div class="sd-summary-content"><p>The hidden answer.</p></div></details>'
    )
    text = PdfReader(io.BytesIO(HTML(string=html).write_pdf())).pages[0].extract_text()
    assert "Question" in text and "The hidden answer." in text


# ── The file ──────────────────────────────────────────────────────────────────────


def test_the_pdf_is_under_one_megabyte(book):
    assert book.pdf.stat().st_size < MAX_BYTES


@pytest.fixture(scope="module")
def small_book(tmp_path_factory) -> Path:
    """One more PDF, on A5 and dated another day, of a copy in which two chapters share a section title."""
    from book_copy import copy_book

    folder = tmp_path_factory.mktemp("small")
    book_dir = copy_book(folder / "book")
    for chapter, extra in [
        ("05-focus-on-self-growth.md", "\n## In Short\n\nOne.\n"),
        (
            "07-respect-their-decision.md",
            "\n## In Short\n\nTwo. See {ref}`the later part <later-part>`.\n\n(later-part)=\n## Later\n\nText.\n",
        ),
    ]:
        path = book_dir / "docs" / chapter
        path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    result = build(book_dir, "pdf", out=folder / "out", settings={"book_page_size": "A5"}, epoch=SMALL_EPOCH)
    assert result.returncode == 0, result.stdout + result.stderr
    return folder / "out" / "pdf"


SMALL_EPOCH = 1780000000


def test_page_size_and_date_follow_the_settings_on_a_small_page(small_book):
    path = small_book / f"{SLUG}.pdf"
    with pikepdf.open(path) as small:
        width, height = (float(v) * 25.4 / 72 for v in small.pages[0].MediaBox[2:])
        assert (round(width), round(height)) == (148, 210)
        assert str(small.docinfo["/CreationDate"]) == pdf_date(SMALL_EPOCH)
        assert [title for title, _ in outline(small)] == [title for _, title in CHAPTERS]
    texts = [page.extract_text() for page in PdfReader(path).pages]
    # the copyright page still fits on one page, dated with this build
    assert datetime.fromtimestamp(SMALL_EPOCH, tz=UTC).strftime("%B %-d, %Y") in " ".join(texts[1].split())
    assert texts[2].splitlines()[0].strip() == "Contents"


def test_chapters_may_share_a_section_title(small_book):
    """Two chapters with the same section title print, each section keeps an anchor, and links land."""
    from internal_links import check_pdf

    printed = BeautifulSoup((small_book / "index.html").read_text(encoding="utf-8"), "lxml")
    ids = [tag["id"] for tag in printed.find_all(id=True)]
    assert len(ids) == len(set(ids))
    short_sections = [
        h.find_parent("section")
        for h in printed.find_all("h2")
        if h.get_text(strip=True).startswith("In Short")
    ]
    assert len(short_sections) == 2 and all(s.get("id") for s in short_sections)
    assert check_pdf(small_book / f"{SLUG}.pdf") == []
