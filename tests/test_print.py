"""The paperback (`make print`): a PDF/X interior and a full-wrap cover a printer accepts.

The preflight (preflight.py) reads both files as a print shop's would; the tests
below it prove that it catches what a press cannot take."""

import math
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pikepdf
import pypdfium2
import pytest
import weasyprint
import zxingcpp
from bs4 import BeautifulSoup

from conftest import BOOK, EPOCH, OVERRIDES, ROOT, SLUG
from guidebook.page_size import page_size_inches
from guidebook.pdf.paperback import inside_margin, print_rasters
from guidebook.pdf.press import (
    BLEED_IN,
    FORMATS,
    PrintSettingError,
    pdf_format,
    print_colours,
    print_profile,
    printed_address,
)
from guidebook.pdf.wrap import BARCODE_IN, BARCODE_MARGIN_IN, spine_width, write_wrap
from post import letters
from preflight import preflight

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
        outer = (
            (0, -BLEED, width + BLEED, height + BLEED)
            if number % 2
            else (-BLEED, -BLEED, width, height + BLEED)
        )
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


def wrap(static, target, fmt: str = BOOK["book_print_format"], pages: int = 40) -> dict:
    """Write a cover wrap from the print build's ``static`` folder, as the build writes it."""
    profile = print_profile(BOOK["book_print_profile"])
    return write_wrap(SimpleNamespace(**BOOK), TRIM, pages, static, target, profile, FORMATS[fmt])


@pytest.mark.parametrize("which", ["print_interior", "print_cover"])
def test_both_files_pass_the_preflight(book, which):
    assert preflight(getattr(book, which), BOOK["book_print_format"]) == []


@pytest.mark.parametrize("which", ["interior", "cover"])
def test_both_files_are_pdf_x_1a_2001_for_coated_fogra39(request, which):
    pdf = request.getfixturevalue(which)
    assert BOOK["book_print_format"] == "PDF/X-1a:2001" and pdf.pdf_version == "1.3"
    assert pdf.trailer.Info.GTS_PDFXConformance == "PDF/X-1a:2001"
    assert pdf.open_metadata().get("pdfx:GTS_PDFXConformance") == "PDF/X-1a:2001"
    [intent] = pdf.Root.OutputIntents
    assert str(intent.OutputConditionIdentifier) == "Coated FOGRA39 (ISO 12647-2:2004)"


def test_pdf_x_4_is_a_setting(book, tmp_path):
    target = tmp_path / "cover.pdf"
    wrap(book.out / "print" / "_static", target, "PDF/X-4")
    assert preflight(target, "PDF/X-4") == []
    with pikepdf.open(target) as pdf:
        assert pdf.open_metadata().get("pdfxid:GTS_PDFXVersion") == "PDF/X-4"


# What a print stylesheet must not do, and what the preflight then says.
MISPRINTS = {
    "an RGB colour": (".back-cover .back-description { color: rgb(200 30 30); }", "RGB colour"),
    "an opacity": (".back-publisher { opacity: 0.5; }", "partly transparent"),
    "small text in four inks": (
        ".back-cover .back-description { color: var(--brand-accent); }",
        "not black ink alone",
    ),
}


@pytest.mark.parametrize("misprint", MISPRINTS)
def test_the_preflight_fails_on_what_a_press_cannot_take(book, tmp_path, misprint):
    css, problem = MISPRINTS[misprint]
    static = tmp_path / "_static"
    shutil.copytree(book.out / "print" / "_static", static)
    with (static / "cover-wrap.css").open("a", encoding="utf-8") as stylesheet:
        stylesheet.write(css + "\n")
    wrap(static, tmp_path / "cover.pdf")
    found = preflight(tmp_path / "cover.pdf")
    assert found and all(line.startswith("page 1") for line in found), found
    assert any(problem in line for line in found), found


@pytest.mark.parametrize("in_inks", [True, False], ids=["in CMYK", "as it is"])
def test_a_photo_prints_in_the_press_inks(book, tmp_path, in_inks):
    """A chapter's picture is converted to CMYK; as it is (RGB), the preflight would refuse it."""
    from PIL import Image

    static = tmp_path / "_static"
    shutil.copytree(book.out / "print" / "_static", static)
    Image.new("RGBA", (900, 600), "#0d5c63").save(static / "photo.png")
    if in_inks:
        print_rasters(static, print_profile(BOOK["book_print_profile"]))
    with (static / "cover-wrap.css").open("a", encoding="utf-8") as stylesheet:
        stylesheet.write(
            '.back-publisher::after { content: url("photo.png"); display: block; image-resolution: 300dpi; }\n'
        )
    wrap(static, tmp_path / "cover.pdf")
    found = preflight(tmp_path / "cover.pdf")
    assert found == [] if in_inks else any("RGB" in line for line in found), found


def test_a_screen_profile_or_an_unknown_format_is_no_print_setting():
    monitor = Path(weasyprint.__file__).parent / "pdf" / "sRGB2014.icc"
    with pytest.raises(PrintSettingError, match="CMYK output profile"):
        print_profile(str(monitor))
    with pytest.raises(PrintSettingError, match="book_print_format in conf.py is 'PDF/X-3'"):
        pdf_format("PDF/X-3")


def test_the_ebook_pdf_stays_rgb(book):
    """The paperback's inks are for paper: the PDF for screens keeps the screen's colours."""
    with pikepdf.open(book.pdf) as pdf:
        assert "/OutputIntents" not in pdf.Root or all(
            i.DestOutputProfile.N == 3 for i in pdf.Root.OutputIntents
        )
        assert b" rg" in pdf.pages[1].Contents.read_bytes() and "/StructTreeRoot" in pdf.Root


def test_a_brand_colour_without_a_cmyk_twin_is_named_with_its_line(tmp_path):
    brand = tmp_path / "brand.css"
    brand.write_text(
        ":root { --brand-ink: #1f2933; --brand-ink-cmyk: device-cmyk(0 0 0 1); --brand-tint: #eee; }"
    )
    css = tmp_path / "print.css"
    css.write_text("p { color: var(--brand-ink); }\n.box { background: var(--brand-tint); }\n")
    rules, problems = print_colours([css], brand)
    assert "--brand-ink: var(--brand-ink-cmyk) !important" in rules and "--brand-tint:" not in rules
    [(location, message)] = problems
    assert location.endswith("print.css:2") and "--brand-tint-cmyk" in message and "What to do" in message


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
    left = next(
        n for n in range(2, len(page_texts), 2) if min(len(page_texts[n - 1]), len(page_texts[n])) > 500
    )
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
    area = bitmap.crop(
        (
            int(right - BARCODE_IN[0] * POINTS * scale),
            int(bottom - BARCODE_IN[1] * POINTS * scale),
            int(right),
            int(bottom),
        )
    )
    assert len(area.getcolors(1 << 24)) == 1, "something is drawn where the barcode goes"
    # and the test can see drawing: the back cover's text is not one colour
    assert (
        len(bitmap.crop((int(BLEED * scale), int(BLEED * scale), int(right), int(bottom))).getcolors(1 << 24))
        > 1
    )


def spine_text(book, pages: int, tmp_path) -> str:
    """The text a cover wrap for ``pages`` pages shows between its back and its front."""
    target = tmp_path / f"cover-{pages}.pdf"
    geometry = wrap(book.out / "print" / "_static", target, pages=pages)
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
        wrap(static, tmp_path / folder / "cover.pdf")
    assert (tmp_path / "one" / "cover.pdf").read_bytes() == (tmp_path / "two" / "cover.pdf").read_bytes()


def test_cross_references_say_on_which_page_they_land(interior, print_text, pdf_text, html_text, epub_text):
    text = re.sub(r"\s+", " ", print_text)
    workbook = next(page for title, page in chapter_pages(interior).items() if "Workbook" in title)
    assert f"The workbook (page {workbook})" in text
    pages = [int(number) for number in re.findall(r"\(page (\d+)\)", text)]
    assert len(pages) > 5 and all(1 <= page <= len(interior.pages) for page in pages)
    # the website and the ebooks keep their links as they are
    assert all("(page " not in other for other in (pdf_text, html_text, epub_text))


def lab(image, source) -> tuple[float, float, float]:
    """A one-pixel image's colour in CIELAB (D50), through the profile of its ``source`` space."""
    from PIL import ImageCms

    transform = ImageCms.buildTransform(
        source,
        ImageCms.createProfile("LAB"),
        image.mode,
        "LAB",
        renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
    )
    lightness, a, b = ImageCms.applyTransform(image, transform).getpixel((0, 0))
    return lightness * 100 / 255, a - 128, b - 128


def test_the_brand_inks_look_like_the_screen_colours():
    """Each CMYK twin printed on FOGRA39 paper is within ΔE 6 of its screen colour; text is black ink by design."""
    from PIL import Image, ImageCms

    from guidebook.epub.builder import brand_tokens

    tokens = brand_tokens((ROOT / "docs" / "_static" / "brand.css").read_text(encoding="utf-8"))
    paper = ImageCms.getOpenProfile(str(print_profile(BOOK["book_print_profile"])))
    screen = ImageCms.createProfile("sRGB")
    twins = {name[:-5]: value for name, value in tokens.items() if name.endswith("-cmyk")}
    assert {"--brand-primary", "--brand-accent", "--brand-tint", "--brand-rule"} <= set(twins)
    for name, twin in twins.items():
        inks = [float(share) for share in re.fullmatch(r"device-cmyk\(([\d. ]+)\)", twin).group(1).split()]
        if name in ("--brand-ink", "--brand-muted"):
            assert inks == [0, 0, 0, 1], name
            continue
        hex_colour = tokens[name].lstrip("#")
        rgb = tuple(int(hex_colour[i : i + 2], 16) for i in (0, 2, 4))
        printed = lab(Image.new("CMYK", (1, 1), tuple(round(share * 255) for share in inks)), paper)
        shown = lab(Image.new("RGB", (1, 1), rgb), screen)
        assert math.dist(printed, shown) < 6, (name, printed, shown)
