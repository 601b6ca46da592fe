"""`make rename FROM=… TO=…` renames a chapter, updates every mention, and the old address redirects."""

import ast
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from book_copy import ROOT, build, copy_book, placeholder_ebooks
from conftest import BOOK, SLUG
from guidebook.tools import rename as tool
from guidebook.tools.new_chapter import toctree_entries
from guidebook.tools.site_server import SiteServer, site_path

OLD, NEW = "04-offer-alternatives", "05-offer-alternatives"


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


def redirects(conf: Path) -> dict[str, str]:
    text = conf.read_text(encoding="utf-8")
    start = text.index("\nredirects = {") + len("\nredirects = ")
    return ast.literal_eval(text[start : text.index("}", start) + 1])


def toctree(docs: Path) -> list[str]:
    return [name for _, name in toctree_entries((docs / "index.md").read_text(encoding="utf-8").splitlines())]


@pytest.fixture
def docs(tmp_path) -> Path:
    """A copy of docs/ and conf.py, with a link to the chapter by its file name."""
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs, ignore=shutil.ignore_patterns("_static"))
    shutil.copy2(ROOT / "conf.py", tmp_path / "conf.py")
    chapter = docs / "08-conclusion.md"
    chapter.write_text(
        chapter.read_text(encoding="utf-8") + f"\nSee [the alternatives]({OLD}.md#top).\n", encoding="utf-8"
    )
    return docs


@pytest.fixture
def rename_in(capsys):
    """Run the tool as `make rename` does, on a copy of docs/ and the conf.py beside it."""

    def run(docs: Path, *names: str) -> Run:
        returncode = tool.main([*names, "--docs", str(docs), "--conf", str(docs.parent / "conf.py")])
        out = capsys.readouterr()
        return Run(returncode, out.out, out.err)

    return run


def snapshot(docs: Path) -> dict[str, bytes]:
    return {
        p.relative_to(docs.parent).as_posix(): p.read_bytes()
        for p in [*docs.rglob("*.md"), docs.parent / "conf.py"]
    }


def test_rename_updates_the_contents_every_link_and_the_redirects(docs, rename_in):
    before = toctree(docs)
    result = rename_in(docs, OLD, f"docs/{NEW}.md")  # the path and the .md are optional
    assert result.returncode == 0, result.stderr
    assert f"Renamed docs/{OLD}.md to docs/{NEW}.md." in result.stdout
    assert not (docs / f"{OLD}.md").exists() and (docs / f"{NEW}.md").is_file()
    assert toctree(docs) == [NEW if entry == OLD else entry for entry in before]  # in the same place
    assert f"[the alternatives]({NEW}.md#top)" in (docs / "08-conclusion.md").read_text(encoding="utf-8")
    assert not [p.name for p in docs.rglob("*.md") if OLD in p.read_text(encoding="utf-8")]
    assert redirects(docs.parent / "conf.py") == {OLD: f"{NEW}.html"}


def test_a_chapter_renamed_twice_redirects_straight_to_its_last_name(docs, rename_in):
    assert rename_in(docs, OLD, NEW).returncode == 0
    assert rename_in(docs, NEW, "12-offer-alternatives").returncode == 0
    assert redirects(docs.parent / "conf.py") == {
        OLD: "12-offer-alternatives.html",
        NEW: "12-offer-alternatives.html",
    }
    # back to its first name: that address is a chapter again, not a redirect
    assert rename_in(docs, "12-offer-alternatives", OLD).returncode == 0
    assert redirects(docs.parent / "conf.py") == {NEW: f"{OLD}.html", "12-offer-alternatives": f"{OLD}.html"}


@pytest.mark.parametrize(
    "names, message",
    [
        (("04-nowhere", NEW), "there is no chapter docs/04-nowhere.md. The chapters are: 01-introduction, "),
        (
            (OLD, "05-focus-on-self-growth"),
            "docs/05-focus-on-self-growth.md already exists. Choose another name",
        ),
        (
            (OLD, "Offer Alternatives"),
            "'Offer Alternatives' cannot be a chapter's name: write a number, a hyphen",
        ),
        ((OLD, "05_offer"), "'05_offer' cannot be a chapter's name"),
        (("index", "00-home"), "docs/index.md is not a chapter"),
        ((OLD,), "give the chapter's name and its new name: make rename FROM="),
    ],
)
def test_a_rename_that_cannot_be_done_changes_nothing_and_says_why(docs, rename_in, names, message):
    before = snapshot(docs)
    result = rename_in(docs, *names)
    assert result.returncode == 1
    assert result.stderr.startswith(f"No chapter was renamed: {message}"), result.stderr
    assert snapshot(docs) == before


@pytest.fixture(scope="module")
def renamed_site(tmp_path_factory) -> Path:
    """A copy of the book with a chapter renamed, then built as `make` builds it (the PDF is a stand-in)."""
    book = copy_book(tmp_path_factory.mktemp("rename") / "book")
    tool.rename(OLD, NEW, book / "docs", book / "conf.py")
    placeholder_ebooks(book / "_build", SLUG)
    (book / "_build" / "epub" / f"{SLUG}.epub").unlink()
    result = build(book, "epub", "html")
    assert result.returncode == 0, result.stdout + result.stderr
    return book / "_build"


def test_the_old_address_sends_readers_to_the_new_page(renamed_site):
    from internal_links import check_html

    page = (renamed_site / "html" / f"{OLD}.html").read_text(encoding="utf-8")
    assert f'http-equiv="refresh" content="0; url={NEW}.html"' in page
    # the site's policy holds there too: no script, no style
    assert "Content-Security-Policy" in page and "<script" not in page and "style" not in page
    assert not check_html(renamed_site / "html", BOOK["book_site_url"])  # its link leads to the new page
    sitemap = (renamed_site / "html" / "sitemap.xml").read_text(encoding="utf-8")
    assert f"/{NEW}.html<" in sitemap and f"/{OLD}.html<" not in sitemap


def test_the_redirect_stays_out_of_the_epub(renamed_site):
    with zipfile.ZipFile(renamed_site / "epub" / f"{SLUG}.epub") as epub:
        names = epub.namelist()
    assert f"{NEW}.xhtml" in names
    assert not [name for name in names if OLD in name]


def test_a_browser_at_the_old_address_lands_on_the_new_page(renamed_site, browser):
    with SiteServer(renamed_site / "html", site_path(BOOK["book_site_url"])) as server:
        page = browser.new_page()
        page.goto(server.url + f"{OLD}.html")
        page.wait_for_url(server.url + f"{NEW}.html")
        assert "Offer Alternatives" in page.locator("h1").inner_text()
        page.close()
