"""The workbook a reader fills in: on the website (kept in their browser only), in the PDF
(form fields), and in the EPUB (a line saying where to write)."""

import re
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader, PdfWriter

from conftest import BOOK, ROOT
from post import letters
from test_browser import VIEWPORTS

WORKBOOK = "09-workbook"
# The questions, as the author writes them: a bold line just above each answer space.
PROMPTS = re.findall(
    r"^\*\*(.+)\*\*\n\n:::\{answer-lines\}",
    (ROOT / "docs" / f"{WORKBOOK}.md").read_text(encoding="utf-8"),
    re.M,
)
# Three boxes on two tabs: (tab, question, answer).
ANSWERS = [
    ("Step 1: Reflect", "Fear of Vulnerability", "They worry about looking weak.\nAnd about being judged."),
    ("Step 1: Reflect", "Stigma", "Their family sees therapy as a failure."),
    ("Step 2: Say it", "“I’m concerned that…”", "we keep having the same argument."),
]
CHAPTER_LINKS = {  # chapter: the workbook part it links to
    "02-understand-their-resistance": "Step 1: Reflect",
    "03-communicate-your-feelings-clearly": "Step 2: Say it",
    "04-offer-alternatives": "Step 3: Propose",
    "06-reevaluate-the-relationship": "Step 5: Reevaluate",
}


def test_the_workbook_has_prompts():
    assert len(PROMPTS) >= 10


# ── Website ──────────────────────────────────────────────────────────────────────


def open_workbook(browser, site, **options):
    context = browser.new_context(**{"viewport": VIEWPORTS["desktop"], **options})
    page = context.new_page()
    page.goto(site.url + f"{WORKBOOK}.html")
    return page


def show_tab(page, tab: str) -> None:
    page.locator(".sd-tab-label", has_text=tab).click()


def fill(page) -> None:
    for tab, question, answer in ANSWERS:
        show_tab(page, tab)
        page.get_by_label(question, exact=True).fill(answer)


def test_answers_typed_on_two_tabs_come_back_after_a_reload(browser, site):
    page = open_workbook(browser, site)
    fill(page)
    page.reload()
    for tab, question, answer in ANSWERS:
        show_tab(page, tab)
        assert page.get_by_label(question, exact=True).input_value() == answer
    assert page.get_by_label("Past Negative Experiences", exact=True).input_value() == ""
    # kept under the book and its edition
    keys = page.evaluate("Object.keys(localStorage)")
    assert [key for key in keys if BOOK["book_slug"] in key and BOOK["book_edition"] in key]
    page.context.close()


def test_typing_an_answer_sends_it_nowhere(browser, site):
    page = open_workbook(browser, site)
    requests = []
    page.on("request", lambda request: requests.append(request))
    fill(page)
    page.wait_for_timeout(300)
    origin = "/".join(site.url.split("/")[:3]) + "/"
    assert [r.url for r in requests if not r.url.startswith(origin)] == []
    # the page may still fetch its own pictures as it scrolls; nothing carries an answer
    sent = [
        r
        for r in requests
        if r.method != "GET" or any(word in r.url for word in ("weak", "failure", "argument"))
    ]
    assert sent == []
    page.context.close()


def test_clear_asks_first_then_empties_every_box(browser, site):
    page = open_workbook(browser, site)
    fill(page)
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Clear my answers").click()
    assert asked and page.get_by_label(ANSWERS[-1][1], exact=True).input_value() == ANSWERS[-1][2]
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Clear my answers").click()
    values = "[...document.querySelectorAll('textarea')].map(t => t.value)"
    assert page.evaluate(values) == [""] * len(PROMPTS)
    page.reload()
    assert page.evaluate(values) == [""] * len(PROMPTS)
    answers = [
        key
        for key in page.evaluate("Object.keys(localStorage)")
        if BOOK["book_slug"] in key and "answers" in key
    ]
    assert answers == []  # (reading.js keeps the reader's place under a key of its own)
    page.context.close()


def test_download_holds_each_question_with_its_answer(browser, site):
    page = open_workbook(browser, site, accept_downloads=True)
    fill(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download my answers").click()
    assert download.value.suggested_filename == f"{BOOK['book_slug']}-answers.md"
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith(f"# {BOOK['book_title']}\n")
    assert [question for question in PROMPTS if f"**{question}**" not in text] == []
    for _, question, answer in ANSWERS:
        assert f"**{question}**\n\n{answer}\n" in text
    page.context.close()


# axe checks the workbook with its boxes filled in, light and dark, at 390 and 1280 px,
# in the tour of every page (tests/test_browser.py).


ACTIVE = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return {tag: el.tagName, tab: el.matches(".sd-tab-set > input"), inPanel: !!el.closest(".sd-tab-content"),
            label: el.labels && el.labels.length ? el.labels[0].textContent.trim() : null,
            outline: style.outlineStyle, width: parseFloat(style.outlineWidth)};
}"""


def test_every_box_is_reachable_and_labelled_by_keyboard(browser, site):
    page = open_workbook(browser, site)
    for _ in range(80):  # from the top of the page to the workbook's first tab
        page.keyboard.press("Tab")
        if page.evaluate(ACTIVE)["tab"]:
            break
    else:
        pytest.fail("the keyboard never reaches the workbook's tabs")
    reached = []
    for number in range(page.locator(".sd-tab-set > input").count()):
        if number:
            page.keyboard.press("ArrowRight")  # the next part
        presses = 0
        while True:  # through the part's questions, and back up to its tab
            page.keyboard.press("Tab")
            presses += 1
            active = page.evaluate(ACTIVE)
            if not active["inPanel"]:
                break
            if active["tag"] == "TEXTAREA":
                assert active["outline"] != "none" and active["width"] >= 2, active
                reached.append(active["label"])
        for _ in range(presses):
            page.keyboard.press("Shift+Tab")
        assert page.evaluate(ACTIVE)["tab"]
    assert reached == PROMPTS
    page.context.close()


def test_printing_shows_every_question_and_answer_and_not_the_site(browser, site):
    page = open_workbook(browser, site)
    fill(page)
    page.emulate_media(media="print")
    for question in PROMPTS:
        assert page.locator("label", has_text=question).first.is_visible(), question
    for _, question, answer in ANSWERS:
        field_id = page.get_by_label(question, exact=True).get_attribute("id")
        printed = page.locator(f"#{field_id} + .answer-print")
        assert printed.is_visible() and printed.inner_text() == answer
    for chrome in (".sidebar-drawer", ".mobile-header", ".answer-tools", "textarea"):
        assert not page.locator(chrome).first.is_visible(), chrome
    page.context.close()


def test_without_javascript_every_question_shows_and_no_box(browser, site):
    page = open_workbook(browser, site, java_script_enabled=False)
    text = page.locator("article").text_content()
    assert [question for question in PROMPTS if question not in text] == []
    assert page.locator("label", has_text=PROMPTS[0]).is_visible()
    assert not page.locator("textarea").first.is_visible()
    assert not page.locator(".answer-tools").is_visible()
    page.context.close()


def test_the_page_says_answers_stay_on_the_device(browser, site):
    page = open_workbook(browser, site)
    assert page.get_by_text("Your answers stay on this device").is_visible()
    page.context.close()


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def test_chapters_link_to_their_part_of_the_workbook(book):
    workbook = soup(book.html / f"{WORKBOOK}.html")
    for chapter, part in CHAPTER_LINKS.items():
        links = soup(book.html / f"{chapter}.html").select(f'article a[href^="{WORKBOOK}.html#"]')
        assert links, chapter
        target = workbook.find(id=links[0]["href"].split("#")[1])
        panel = target.find_parent(class_="sd-tab-content")
        assert panel.find_previous_sibling("label").get_text(strip=True) == part, chapter
        assert panel.select("textarea"), chapter


def test_following_a_chapter_link_opens_its_part(browser, site):
    context = browser.new_context(viewport=VIEWPORTS["phone"])
    page = context.new_page()
    page.goto(site.url + "03-communicate-your-feelings-clearly.html")
    page.locator(f'article a[href^="{WORKBOOK}.html#"]').click()
    page.wait_for_load_state("load")
    page.get_by_label(ANSWERS[-1][1], exact=True).wait_for(state="visible", timeout=5000)
    assert page.get_by_label(ANSWERS[0][1], exact=True).is_hidden()  # on the first tab, not shown
    context.close()


def test_the_booking_call_to_action_closes_the_workbook_in_every_format(book):
    blocks = soup(book.html / f"{WORKBOOK}.html").select_one("article section").find_all(recursive=False)
    assert "cta" in blocks[-1].get("class", [])
    with zipfile.ZipFile(book.epub) as epub:
        page = BeautifulSoup(epub.read(f"{WORKBOOK}.xhtml"), "lxml")
    assert "cta" in page.select_one("section").find_all(recursive=False)[-1].get("class", [])
    pages = workbook_pages(PdfReader(book.pdf))
    last = PdfReader(book.pdf).pages[pages[-1]]
    uris = [a.get_object()["/A"].get("/URI") for a in last.get("/Annots") or [] if "/A" in a.get_object()]
    assert BOOK["book_booking_url"] in uris


# ── EPUB ─────────────────────────────────────────────────────────────────────────


def test_the_epub_says_where_to_write_under_every_prompt(book):
    with zipfile.ZipFile(book.epub) as epub:
        page = BeautifulSoup(epub.read(f"{WORKBOOK}.xhtml"), "lxml")
    prompts = [p for p in page.select("p") if p.get_text(strip=True) in PROMPTS]
    assert len(prompts) == len(PROMPTS)
    for prompt in prompts:
        where = prompt.find_next_sibling()
        assert "answer-where" in where.get("class", []) and "PDF" in where.get_text(), prompt.get_text()
    assert page.find(["textarea", "input", "label"]) is None


# ── PDF ──────────────────────────────────────────────────────────────────────────


def workbook_pages(reader: PdfReader) -> list[int]:
    """The workbook's pages (0-based), from its bookmark to the next chapter's."""
    starts = [
        (item.title, reader.get_destination_page_number(item))
        for item in reader.outline
        if not isinstance(item, list)
    ]
    titles = [title for title, _ in starts]
    first = dict(starts)["Workbook"]
    following = [page for _, page in starts[titles.index("Workbook") + 1 :]]
    return list(range(first, following[0] if following else len(reader.pages)))


def text_fields(reader: PdfReader) -> list[tuple[int, object]]:
    return [
        (number, annot.get_object())
        for number, page in enumerate(reader.pages)
        for annot in page.get("/Annots") or []
        if annot.get_object().get("/FT") == "/Tx"
    ]


def test_the_pdf_has_one_multiline_field_per_prompt_named_by_it(book):
    fields = text_fields(PdfReader(book.pdf))
    assert sorted(str(field["/TU"]) for _, field in fields) == sorted(PROMPTS)
    assert len({str(field["/T"]) for _, field in fields}) == len(PROMPTS)
    assert all(field["/Ff"] & (1 << 12) for _, field in fields)  # multi-line


def test_each_field_sits_on_its_prompts_workbook_page(book):
    reader = PdfReader(book.pdf)
    pages = workbook_pages(reader)
    for number, field in text_fields(reader):
        assert number in pages, field["/TU"]
        assert letters(str(field["/TU"])) in letters(reader.pages[number].extract_text())


def test_every_field_is_tagged_as_a_form_for_pdf_ua(book):
    reader = PdfReader(book.pdf)
    nums = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    parents = dict(zip(nums[::2], nums[1::2]))
    for _, field in text_fields(reader):
        assert parents[field["/StructParent"]].get_object()["/S"] == "/Form", field["/TU"]


def test_answers_filled_in_and_saved_are_there_on_reopening(book, tmp_path):
    writer = PdfWriter(clone_from=book.pdf)
    answers = {}
    for page in writer.pages:
        names = [
            str(a.get_object()["/T"]) for a in page.get("/Annots") or [] if a.get_object().get("/FT") == "/Tx"
        ]
        values = {name: f"My answer number {len(answers) + i + 1}" for i, name in enumerate(names)}
        if values:
            writer.update_page_form_field_values(page, values, auto_regenerate=False)
            answers.update(values)
    assert len(answers) == len(PROMPTS)
    saved = tmp_path / "filled.pdf"
    writer.write(saved)
    fields = PdfReader(saved).get_fields()
    assert {name: str(fields[name]["/V"]) for name in answers} == answers
