"""The EPUB as the ebook shops take it: Apple Books, Kobo, Google Play Books and Send to Kindle.

epubcheck and Ace (test_epub.py) say the EPUB is valid and accessible, and
test_epub.py checks the cover's size; these are the rules the shops add, which
a valid EPUB can still break.
"""

import io
import re
import zipfile
from datetime import UTC, datetime

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from conftest import BOOK, EPOCH

MAX_EPUB_BYTES = 50 * 1024 * 1024  # Send to Kindle's limit for a file sent by e-mail
# The strictest limits of the shops: Apple Books takes no image over 4 million
# pixels, Amazon none over 5 MB.
MAX_IMAGE_PIXELS = 4_000_000
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MARKUP = (".xhtml", ".html", ".opf", ".ncx", ".xml")
# Elements that fetch a file: none may reach outside the EPUB.
FETCHING = {
    "img": "src",
    "script": "src",
    "link": "href",
    "audio": "src",
    "video": "src",
    "source": "src",
    "iframe": "src",
    "object": "data",
    "embed": "src",
    "image": "href",
}


@pytest.fixture(scope="module")
def epub(book):
    with zipfile.ZipFile(book.epub) as package:
        yield package


@pytest.fixture(scope="module")
def opf(epub) -> BeautifulSoup:
    return BeautifulSoup(epub.read("content.opf"), "xml")


def markup(epub) -> dict[str, str]:
    return {name: epub.read(name).decode("utf-8") for name in epub.namelist() if name.endswith(MARKUP)}


def test_mimetype_comes_first_and_uncompressed(epub):
    first = epub.infolist()[0]
    assert first.filename == "mimetype"
    assert first.compress_type == zipfile.ZIP_STORED
    assert epub.read(first) == b"application/epub+zip"


def test_every_content_file_declares_utf_8(epub):
    for name, text in markup(epub).items():
        if name.endswith((".xhtml", ".html")):
            assert re.search(r'<meta charset="utf-8"\s*/>', text, re.I), name
        else:
            assert re.match(r'<\?xml version="1.0" encoding="UTF-8"\?>', text, re.I), name


def test_no_xml_comment_holds_a_double_hyphen(epub):
    for name, text in markup(epub).items():
        for comment in re.findall(r"<!--(.*?)-->", text, re.S):
            assert "--" not in comment and not comment.endswith("-"), name


def test_no_scripts_forms_or_remote_files(epub):
    for name, text in markup(epub).items():
        if not name.endswith((".xhtml", ".html")):
            continue
        page = BeautifulSoup(text, "lxml")
        assert page.find(["script", "form", "input", "textarea", "select", "button"]) is None, name
        for tag, attribute in FETCHING.items():
            for element in page.find_all(tag):
                assert not re.match(r"(https?:)?//", element.get(attribute, "")), f"{name}: {element}"
    for name in epub.namelist():
        if name.endswith(".css"):
            css = epub.read(name).decode("utf-8")
            assert not re.search(r"(url\(\s*['\"]?|@import\s+['\"])(https?:)?//", css), name


def test_every_image_is_within_the_shops_limits(epub):
    images = [
        info for info in epub.infolist() if info.filename.endswith((".png", ".jpg", ".jpeg", ".gif", ".webp"))
    ]
    assert images
    for info in images:
        assert info.file_size <= MAX_IMAGE_BYTES, info.filename
        width, height = Image.open(io.BytesIO(epub.read(info))).size
        assert width * height <= MAX_IMAGE_PIXELS, f"{info.filename}: {width} × {height}"


def test_the_file_is_under_50_mb(book):
    assert book.epub.stat().st_size < MAX_EPUB_BYTES


def test_the_package_names_the_book_its_language_and_its_edition(opf):
    metadata = opf.find("metadata")
    identifier = metadata.find("identifier", id=opf.find("package")["unique-identifier"])
    assert identifier.get_text() == f"urn:uuid:{BOOK['book_uuid']}"
    assert metadata.find("language").get_text() == BOOK["book_language"]
    built = datetime.fromtimestamp(EPOCH, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    # the edition is dated by its build, and both dates say the same
    assert metadata.find("date").get_text() == built
    assert metadata.find("meta", property="dcterms:modified").get_text() == built
    assert metadata.find("meta", property="ibooks:version").get_text() == BOOK["book_edition"]
    assert BOOK["book_year"] in metadata.find("rights").get_text()
