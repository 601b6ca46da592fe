"""The guide's structure: step cards, phrases, prompts, workbook and calls to action, in every format."""

import re
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from conftest import BOOK, OVERRIDES, ROOT
from post import letters, normalise

RESISTANCE = ["Fear of Vulnerability", "Stigma", "Past Negative Experiences", "Belief in Self-Sufficiency"]
ALTERNATIVES = ["Books or Podcasts", "Workshops or Online Courses", "Somatic Practices"]
PHRASES = [
    "“I feel worried about our relationship because we’re not resolving our issues.”",
    "“I’m concerned that we’re stuck in a pattern that we can’t break on our own.”",
    "“I’m struggling with feeling disconnected, and I think professional help could guide us.”",
]
QUESTIONS = [
    "Can I continue to invest in this relationship as it is?",
    "Am I compromising my mental and emotional health by staying?",
    "What are the long-term implications of remaining in a relationship where growth and healing aren’t prioritized?",
]
STARTERS = ["“I feel worried about…”", "“I’m concerned that…”", "“I’m struggling with…”"]
WORKBOOK_PARTS = ["Step 1: Reflect", "Step 2: Say it", "Step 3: Propose", "Step 5: Reevaluate"]
STEPS = [
    ("understand-their-resistance", "Step 1: Understand Their Resistance"),
    ("communicate-your-feelings-clearly", "Step 2: Communicate Your Feelings Clearly"),
    ("offer-alternatives", "Step 3: Offer Alternatives"),
    ("focus-on-self-growth", "Step 4: Focus on Self-Growth"),
    ("reevaluate-the-relationship", "Step 5: Reevaluate the Relationship"),
    ("respect-their-decision", "Step 6: Respect Their Decision, But Honor Your Own Needs"),
]
ITEMS = RESISTANCE + ALTERNATIVES + PHRASES + QUESTIONS + STARTERS + WORKBOOK_PARTS + [BOOK["book_note"]]


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def epub_pages(epub: Path) -> dict[str, BeautifulSoup]:
    with zipfile.ZipFile(epub) as package:
        return {
            name: BeautifulSoup(package.read(name), "lxml")
            for name in package.namelist()
            if name.endswith(".xhtml")
        }


def pdf_uris(pdf: Path) -> list[str]:
    uris = []
    for page in PdfReader(pdf).pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action and "/URI" in action:
                uris.append(str(action["/URI"]))
    return uris


@pytest.mark.parametrize("item", ITEMS)
def test_every_item_is_on_the_website(html_text, item):
    assert normalise(item) in normalise(html_text)


@pytest.mark.parametrize("item", ITEMS)
def test_every_item_is_in_the_epub(epub_text, item):
    assert normalise(item) in normalise(epub_text)


@pytest.mark.parametrize("item", ITEMS)
def test_every_item_is_in_the_pdf(pdf_text, item):
    assert letters(item) in letters(pdf_text)


@pytest.mark.parametrize("item", ITEMS)
def test_every_item_is_in_the_paperback(print_text, item):
    assert letters(item) in letters(print_text)


def test_step_one_shows_its_four_sources_as_cards(book):
    page = soup(book.html / "02-understand-their-resistance.html")
    titles = [t.get_text(strip=True) for t in page.select(".resistance-cards .sd-card-title")]
    assert titles == RESISTANCE


def test_step_three_shows_its_alternatives_as_cards(book):
    page = soup(book.html / "04-offer-alternatives.html")
    titles = [t.get_text(strip=True) for t in page.select(".alternative-cards .sd-card-title")]
    assert titles == ALTERNATIVES


def test_step_two_phrases_stand_apart_from_the_prose(book):
    page = soup(book.html / "03-communicate-your-feelings-clearly.html")
    phrases = [normalise(li.get_text(" ", strip=True)) for li in page.select(".say-it li")]
    assert phrases == [normalise(p) for p in PHRASES]


def test_step_five_questions_are_a_reflection_prompt(book):
    page = soup(book.html / "06-reevaluate-the-relationship.html")
    questions = [normalise(li.get_text(" ", strip=True)) for li in page.select(".reflection li")]
    assert questions == [normalise(q) for q in QUESTIONS]


def test_each_step_opens_with_its_number_and_title_and_a_key_idea(book):
    for number, (_label, title) in enumerate(STEPS, start=1):
        page = soup(next(book.html.glob(f"0{number + 1}-*.html")))
        assert page.find("h1").get_text(strip=True).rstrip("#¶") == title
        key_idea = page.select_one(".key-idea")
        assert key_idea is not None, title
        # the key idea is taken from the chapter's own sentences: it appears in the text too
        body = normalise(page.select_one("article").get_text(" ")).casefold()
        idea = normalise(key_idea.find_all("p")[-1].get_text(" ")).rstrip(".:").casefold()
        assert body.count(idea) >= 2, title


def test_home_page_has_a_card_per_step_linking_to_its_chapter(book):
    page = soup(book.html / "index.html")
    cards = page.select(".step-cards .sd-card")
    assert len(cards) == len(STEPS)
    for card, (_label, title) in zip(cards, STEPS):
        assert card.select_one(".sd-card-title").get_text(strip=True) == title
        link = card.find("a", class_="sd-stretched-link")
        target = book.html / link["href"].split("#")[0]
        assert target.exists() and soup(target).find("h1").get_text(strip=True).rstrip("#¶") == title


def test_home_page_says_who_the_guide_is_for_and_offers_the_ebooks(book):
    page = soup(book.html / "index.html")
    assert page.select_one(".subtitle").get_text(strip=True) == BOOK["book_subtitle"]
    assert "But your partner refuses." in page.select_one(".lead").get_text()
    buttons = page.select(".download-buttons a")
    assert [b["href"] for b in buttons] == [
        f"downloads/{BOOK['book_slug']}.pdf",
        f"downloads/{BOOK['book_slug']}.epub",
    ]
    for button in buttons:
        assert re.search(r"\(\d+(\.\d)? [KM]B\)", button.get_text()), button.get_text()
    assert page.select_one(".guide-note") is not None


def test_every_call_to_action_uses_the_booking_setting(book):
    """Chapters link with {booking}, {booking-button} and {original-post}, never by typing an address."""
    for chapter in sorted((ROOT / "docs").glob("*.md")):
        text = chapter.read_text(encoding="utf-8")
        for setting in ("book_booking_url", "book_original_post_url", "book_site_url"):
            assert BOOK[setting].rstrip("/") not in text, f"{chapter.name} types {setting}: use its role"
    url = BOOK["book_booking_url"]
    pages = [soup(p) for p in book.html.glob("*.html")]
    ctas = [a for page in pages for a in page.select("a.cta-button, a.book-booking-url")]
    assert len(ctas) >= 3
    assert {a["href"] for a in ctas} == {url}
    epub_ctas = [
        a for page in epub_pages(book.epub).values() for a in page.select("a.cta-button, a.book-booking-url")
    ]
    assert len(epub_ctas) >= 2 and {a["href"] for a in epub_ctas} == {url}
    assert url in pdf_uris(book.pdf)


def test_the_original_post_is_credited_and_linked(book):
    url = BOOK["book_original_post_url"]
    about = soup(book.html / "11-about.html")
    assert about.find("a", href=url) is not None
    assert any(page.find("a", href=url) for page in epub_pages(book.epub).values())
    assert url in pdf_uris(book.pdf)


def test_cross_references_use_labels_not_file_paths():
    for chapter in (ROOT / "docs").glob("*.md"):
        text = chapter.read_text(encoding="utf-8")
        assert "{doc}" not in text, chapter.name
        assert not re.search(r"\]\((?!https?:|mailto:)[^)]*\.(md|html)\b", text), chapter.name


def test_chapters_follow_the_naming_convention():
    names = sorted(p.name for p in (ROOT / "docs").glob("*.md") if p.name != "index.md")
    for name in names:
        assert re.fullmatch(r"\d\d-[a-z0-9-]+\.md", name), name
        text = (ROOT / "docs" / name).read_text(encoding="utf-8")
        assert re.search(r"^description: .+$", text, re.M), name
        assert re.search(r"^\([a-z0-9-]+\)=\n# ", text, re.M), name


def test_changing_the_booking_link_changes_it_everywhere(overridden):
    new_url = OVERRIDES["book_booking_url"]
    html_ctas = [
        a["href"]
        for p in overridden.html.glob("*.html")
        for a in soup(p).select("a.cta-button, a.book-booking-url")
    ]
    assert len(html_ctas) >= 3 and set(html_ctas) == {new_url}
    epub_ctas = [
        a["href"]
        for page in epub_pages(overridden.epub).values()
        for a in page.select("a.cta-button, a.book-booking-url")
    ]
    assert len(epub_ctas) >= 2 and set(epub_ctas) == {new_url}
    uris = pdf_uris(overridden.pdf)
    assert new_url in uris and BOOK["book_booking_url"] not in uris
