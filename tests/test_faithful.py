"""Every sentence of the source post is in every format, word for word."""

import pytest

from post import fragments, letters, normalise

FRAGMENTS = fragments()


def test_the_post_has_sentences():
    assert len(FRAGMENTS) > 60


def missing_from(text: str, compare=normalise) -> list[str]:
    haystack = compare(text)
    return [fragment for fragment in FRAGMENTS if compare(fragment) not in haystack]


def test_every_sentence_is_on_the_website(html_text):
    assert missing_from(html_text) == []


def test_every_sentence_is_in_the_epub(epub_text):
    assert missing_from(epub_text) == []


def test_every_sentence_is_in_the_pdf(pdf_text):
    # hyphenation splits words at line ends, so the PDF is compared letter by letter
    assert missing_from(pdf_text, letters) == []


def test_every_sentence_is_in_the_paperback(print_text):
    assert missing_from(print_text, letters) == []


@pytest.mark.parametrize("chrome", ["BreakBox Blog.png"])
def test_page_chrome_is_not_chapter_text(html_text, chrome):
    assert chrome not in html_text
