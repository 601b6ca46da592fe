"""The paperback (`make print`): a PDF/X-4 interior and a full-wrap cover a printer accepts."""

import re
from types import SimpleNamespace

import pikepdf
import pypdfium2
import pytest
import zxingcpp
from bs4 import BeautifulSoup

from conftest import BOOK, EPOCH, OVERRIDES, ROOT, SLUG
from post import letters

from guidebook.pdf.paperback import inside_margin
from guidebook.page_size import page_size_inches
from guidebook.pdf.press import BLEED_IN, printed_address
from guidebook.pdf.wrap import BARCODE_IN, BARCODE_MARGIN_IN, spine_width, write_wrap

POINTS = 72  # a PDF's unit, to the inch
TRIM = page_size_inches(BOOK["book_trim_size"])
BLEED = BLEED_IN * POINTS
# Print-on-demand services' minimum gutter by page count (their page limits, inches).
MINIMUM_GUTTER = {150: 0.375, 300: 0.5, 500: 0.625, 700: 0.75, 828: 0.875}


@pytest.fixture(scope="module")
def interior(book):
    with pikepdf.open(book.print_interior) as pdf:
        yield pdf


@pytest.fixture(scope="module")
def cover(book):
    with pikepdf.open(book.print_cover) as pdf:
        yield pdf


@pytest.fixture(scope="module")
def page_texts(book) -> list[str]:
    """The interior's text, a page at a time; page_texts[0] is page 1."""
    document = pypdfium2.PdfDocument(book.print_interior)
    return [page.get_textpage().get_text_range() for page in document]


def box(page, name: str) -> tuple[float, float, float, float]:
    return tuple(float(value) for value in page.obj[name])


def close(a, b) -> bool:
    return all(abs(x - y) < 0.01 for x, y in zip(a, b, strict=True))


def test_every_interior_page_has_the_trim_size_and_bleeds_on_its_outer_edges(interior):
    width, height = TRIM[0] * POINTS, TRIM[1] * POINTS
    assert len(interior.pages) > 10
    for number, page in enumerate(interior.pages, start=1):
        assert close(box(page, "/TrimBox"), (0, 0, width, height)), number
        # a right-hand (odd) page bleeds to the right, a left-hand page to the left; both top and bottom
        outer = (0, -BLEED, width + BLEED, height + BLEED) if number % 2 else (-BLEED, -BLEED, width, height + BLEED)
        assert close(box(page, "/BleedBox"), outer), number
        assert close(box(page, "/MediaBox"), outer), number


def test_the_page_count_is_even(interior):
    assert len(interior.pages) % 2 == 0


def test_the_cover_wraps_back_spine_and_front_with_bleed_all_round(interior, cover):
    spine = spine_width(len(interior.pages), BOOK["book_paper_thickness"]) * POINTS
    width, height = TRIM[0] * POINTS, TRIM[1] * POINTS
    [page] = cover.pages
    assert close(box(page, "/TrimBox"), (0, 0, 2 * width + spine, height))
    assert close(box(page, "/BleedBox"), (-BLEED, -BLEED, 2 * width + spine + BLEED, height + BLEED))
    media = box(page, "/MediaBox")
    assert media[2] - media[0] == pytest.approx(2 * (width + BLEED) + spine, abs=0.01)


@pytest.mark.parametrize("which", ["interior", "cover"])
def test_both_files_are_pdf_x_4_with_an_output_intent(request, which):
    pdf = request.getfixturevalue(which)
    assert pdf.open_metadata().get("pdfxid:GTS_PDFXVersion") == "PDF/X-4"
    [intent] = pdf.Root.OutputIntents
    assert intent.S == "/GTS_PDFX"
    assert intent.DestOutputProfile.N == 3 and str(intent.OutputConditionIdentifier)
    assert pdf.trailer.Info.Trapped == "/False"
    assert not [number for number, page in enumerate(pdf.pages, start=1) if "/Annots" in page], "annotations"


def fonts(pdf) -> list[pikepdf.Dictionary]:
    """Every font the pages use, with the fonts inside composite fonts."""
    found = {}
    for page in pdf.pages:
        for font in (page.Resources.get("/Font") or {}).values():
            for part in [font, *font.get("/DescendantFonts", [])]:
                found[part.objgen] = part
    return list(found.values())


@pytest.mark.parametrize("which", ["interior", "cover"])
def test_every_font_is_embedded(request, which):
    used = fonts(request.getfixturevalue(which))
    assert used
    for font in used:
        if font.Subtype in ("/Type0", "/Type3"):  # a wrapper, or glyphs drawn in the file itself
            continue
        descriptor = font.FontDescriptor
        assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), font.get("/BaseFont")


@pytest.mark.parametrize("which", ["print_interior", "print_cover"])
def test_every_picture_prints_at_300_ppi_or_more(book, which):
    document = pypdfium2.PdfDocument(getattr(book, which))
    for number, page in enumerate(document, start=1):
        for image in page.get_objects(filter=[pypdfium2.raw.FPDF_PAGEOBJ_IMAGE]):
            metadata = image.get_metadata()
            assert min(metadata.horizontal_dpi, metadata.vertical_dpi) >= 300, f"page {number}"


def chapter_pages(pdf) -> dict[str, int]:
    """Each top-level bookmark's title and the page number it opens."""
    numbers = {page.objgen: number for number, page in enumerate(pdf.pages, start=1)}
    with pdf.open_outline() as outline:
        return {item.title: numbers[item.destination[0].objgen] for item in outline.root}


def test_chapters_open_on_a_right_hand_page(interior):
    opening = chapter_pages(interior)
    assert len(opening) == len(re.findall(r"^\d\d-", (ROOT / "docs" / "index.md").read_text(), re.M))
    assert {title: page for title, page in opening.items() if page % 2 == 0} == {}


def test_blank_pages_carry_no_running_head_or_page_number(interior, page_texts):
    titles = [BOOK["book_title"], *chapter_pages(interior)]
    blank = []
    for number, text in enumerate(page_texts, start=1):
        rest = letters(text)
        for title in titles:
            rest = rest.replace(letters(title), "")
        if not re.sub(r"\d", "", rest):
            blank.append(number)
            assert text.strip() == "", f"page {number} is blank but for {text.strip()!r}"
    assert blank, "chapters opening on the right leave some left-hand pages blank"


def ink_columns(page) -> tuple[int, int]:
    """The first and last columns with ink on a page, in points from its trim's left edge."""
    bitmap = page.render(scale=1, crop=(0, 0, 0, 0)).to_pil().convert("L")
    width, height = bitmap.size
    body = bitmap.crop((0, int(height * 0.15), width, int(height * 0.85)))  # the text, not the running head
    dark = body.point(lambda value: 255 if value < 200 else 0).getbbox()
    return dark[0], dark[2]


def test_margins_are_mirrored_with_the_wider_one_inside(book, interior, page_texts):
    document = pypdfium2.PdfDocument(book.print_interior)
    # a spread of running text: a full left page and the right page facing it
    left = next(n for n in range(2, len(page_texts), 2) if min(len(page_texts[n - 1]), len(page_texts[n])) > 500)
    trim_x = {left: BLEED, left + 1: 0}  # where the trim starts on each rendered page
    first_left, last_left = (x - trim_x[left] for x in ink_columns(document[left - 1]))
    first_right, last_right = (x - trim_x[left + 1] for x in ink_columns(document[left]))
    width = TRIM[0] * POINTS
    outside_left, inside_left = first_left, width - last_left
    inside_right, outside_right = first_right, width - last_right
    assert inside_left > outside_left + 5 and inside_right > outside_right + 5
    assert inside_left == pytest.approx(inside_right, abs=10)
    assert inside_left >= inside_margin(len(interior.pages)) * POINTS - 2


def test_the_gutter_grows_with_the_page_count_and_meets_print_on_demand_minimums():
    margins = [inside_margin(pages) for pages in range(24, 900, 10)]
    assert margins == sorted(margins) and len(set(margins)) > 3
    for pages, minimum in MINIMUM_GUTTER.items():
        assert inside_margin(pages) >= minimum


def test_the_workbook_has_ruled_lines_and_no_form_fields(book, interior):
    page = BeautifulSoup((book.out / "print" / "index.html").read_text(encoding="utf-8"), "lxml")
    workbook = (ROOT / "docs" / "09-workbook.md").read_text(encoding="utf-8")
    lines = sum(int(count or 3) for count in re.findall(r"^:::\{answer-lines\} ?(\d*)$", workbook, re.M))
    assert lines > 10 and len(page.select(".answer-line")) == lines
    assert page.find(["textarea", "input", "select", "form"]) is None
    assert "/AcroForm" not in interior.Root


def test_the_addresses_a_reader_needs_are_printed(print_text):
    for setting in ("book_booking_url", "book_original_post_url"):
        address = printed_address(BOOK[setting])
        assert "://" not in address and letters(address) in letters(print_text), setting


def qr_codes(pdf_path, title: str) -> list[str]:
    """The QR codes on the page that opens with ``title``, as a phone would read them."""
    document = pypdfium2.PdfDocument(pdf_path)
    pages = [page for page in document if page.get_textpage().get_text_range().lstrip().startswith(title)]
    assert len(pages) == 1, f"one page opens with {title!r}"
    return [code.text for code in zxingcpp.read_barcodes(pages[0].render(scale=2).to_pil())]


def test_the_next_steps_page_has_a_qr_code_for_the_booking_link(book):
    assert qr_codes(book.print_interior, "Next Steps") == [BOOK["book_booking_url"]]


def test_the_qr_code_follows_the_booking_setting(overridden):
    interior = overridden.out / "print" / f"{SLUG}-interior.pdf"
    assert qr_codes(interior, "Next Steps") == [OVERRIDES["book_booking_url"]]


def test_the_back_cover_carries_the_subtitle_and_the_description(book):
    text = pypdfium2.PdfDocument(book.print_cover)[0].get_textpage().get_text_range()
    for setting in ("book_subtitle", "book_description"):
        assert letters(BOOK[setting]) in letters(text), setting


def test_the_barcode_area_is_left_empty(book):
    scale = 2  # pixels a point
    bitmap = pypdfium2.PdfDocument(book.print_cover)[0].render(scale=scale).to_pil().convert("RGB")
    # the back cover's bottom right corner, inside the trim, where the spine starts
    right = (BLEED + TRIM[0] * POINTS - BARCODE_MARGIN_IN * POINTS) * scale
    bottom = (BLEED + TRIM[1] * POINTS - BARCODE_MARGIN_IN * POINTS) * scale
    area = bitmap.crop((int(right - BARCODE_IN[0] * POINTS * scale), int(bottom - BARCODE_IN[1] * POINTS * scale),
                        int(right), int(bottom)))
    assert len(area.getcolors(1 << 24)) == 1, "something is drawn where the barcode goes"
    # and the test can see drawing: the back cover's text is not one colour
    assert len(bitmap.crop((int(BLEED * scale), int(BLEED * scale), int(right), int(bottom))).getcolors(1 << 24)) > 1


def spine_text(book, pages: int, tmp_path) -> str:
    """The text a cover wrap for ``pages`` pages shows between its back and its front."""
    config = SimpleNamespace(**BOOK)
    target = tmp_path / f"cover-{pages}.pdf"
    geometry = write_wrap(config, TRIM, pages, book.out / "print" / "_static", target)
    page = pypdfium2.PdfDocument(target)[0]
    left = TRIM[0] * POINTS  # the page's x runs from the trim's left edge
    return page.get_textpage().get_text_bounded(left=left, right=left + geometry["spine"] * POINTS)


def test_the_spine_carries_the_title_only_when_the_book_is_thick_enough(book, tmp_path):
    threshold = BOOK["book_spine_title_min_pages"]
    assert letters(BOOK["book_title"]) in letters(spine_text(book, threshold, tmp_path))
    assert spine_text(book, threshold - 2, tmp_path).strip() == ""


def test_the_website_does_not_offer_the_paperback(book):
    names = {path.name for path in book.html.rglob("*.pdf")}
    assert names == {f"{SLUG}.pdf"}


def test_the_paperback_files_are_the_same_bytes_from_the_same_sources(book, tmp_path, monkeypatch):
    """Like the ebooks: WeasyPrint's PDF/X metadata would otherwise carry a random DocumentID."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))  # the build's date, as every build sets it
    static = book.out / "print" / "_static"
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        write_wrap(SimpleNamespace(**BOOK), TRIM, 40, static, tmp_path / folder / "cover.pdf")
    assert (tmp_path / "one" / "cover.pdf").read_bytes() == (tmp_path / "two" / "cover.pdf").read_bytes()
