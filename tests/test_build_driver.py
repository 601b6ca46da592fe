"""What `make` promises on top of stock sphinx-build (guidebook/tools/build.py).

A copy of the book, with placeholder ebooks, so that only the website is built.
"""

import re
import subprocess
import sys

from book_copy import build, copy_book, hashes, placeholder_ebooks
from conftest import SLUG

EDITED = "docs/06-reevaluate-the-relationship.md"
STYLESHEET_VERSION = re.compile(r'href="[^"]*_static/guide\.css\?v=(\w+)"')


def stylesheet_versions(site) -> dict[str, str]:
    """The bundle's ?v= on each page."""
    return {page.name: STYLESHEET_VERSION.search(page.read_text(encoding="utf-8"))[1] for page in site.glob("*.html")}


def test_a_failed_build_keeps_the_last_good_output_and_fails_again(tmp_path):
    book = copy_book(tmp_path / "book")
    out = book / "_build"
    placeholder_ebooks(out, SLUG)
    first = build(book, "html")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Built:" in first.stdout and "_build/html/index.html" in first.stdout

    good = hashes(out, parts=("html", "doctrees"))
    chapter = book / EDITED
    mistake = "\nA sentence that must not be published.\n\n:::{no-such-block}\ntext\n:::\n"
    chapter.write_text(chapter.read_text(encoding="utf-8") + mistake, encoding="utf-8")
    for _ in range(2):  # the second build must not take the first one's reading as good
        failed = build(book, "html")
        assert failed.returncode == 1, failed.stdout + failed.stderr
        assert f"{EDITED}:" in failed.stderr and "The html build failed" in failed.stderr
    assert hashes(out, parts=("html", "doctrees")) == good
    assert not (out / ".staging").exists()


def test_a_stylesheet_edit_reaches_every_page(tmp_path):
    """After a CSS edit and a chapter edit, no page keeps the old ?v=, with make or with stock sphinx-build."""
    book = copy_book(tmp_path / "book")
    out = book / "_build"
    placeholder_ebooks(out, SLUG)
    stock = [sys.executable, "-m", "sphinx", "build", "-b", "html", "-d", str(tmp_path / "doctrees"),
             "-c", str(book), "-W", "-q", str(book / "docs"), str(tmp_path / "stock")]
    assert build(book, "html").returncode == 0
    assert subprocess.run(stock, cwd=book).returncode == 0
    before = set(stylesheet_versions(out / "html").values())
    assert len(before) == 1 and before == set(stylesheet_versions(tmp_path / "stock").values())

    css = book / "docs" / "_static" / "site.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n.reading-time { letter-spacing: 0.01em; }\n", encoding="utf-8")
    chapter = book / EDITED
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nA sentence added by the test.\n", encoding="utf-8")
    assert build(book, "html").returncode == 0
    assert subprocess.run(stock, cwd=book).returncode == 0
    for site in (out / "html", tmp_path / "stock"):
        after = set(stylesheet_versions(site).values())
        assert len(after) == 1 and after != before, site
        assert "letter-spacing:0.01em" in (site / "_static" / "guide.css").read_text(encoding="utf-8").replace(" ", "")


def test_a_rebuild_after_a_retitle_and_a_removal_leaves_no_stale_page(tmp_path):
    """`make html` writes only changed pages, yet every sidebar shows the new title and no removed chapter."""
    book = copy_book(tmp_path / "book")
    out = book / "_build"
    placeholder_ebooks(out, SLUG)
    assert build(book, "html").returncode == 0
    untouched = (out / "html" / "05-focus-on-self-growth.html").stat().st_mtime_ns
    chapter = book / "docs" / "03-communicate-your-feelings-clearly.md"
    old_title = re.search(r"^# (.+)$", chapter.read_text(encoding="utf-8"), re.MULTILINE)[1]
    chapter.write_text(chapter.read_text(encoding="utf-8").replace(f"# {old_title}", "# Step 2: Say It Kindly", 1),
                       encoding="utf-8")
    (book / "docs" / "08-conclusion.md").unlink()
    index = book / "docs" / "index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("\n08-conclusion\n", "\n"), encoding="utf-8")
    for page in (book / "docs").glob("*.md"):  # links to the removed chapter go too
        page.write_text(re.sub(r"\{ref\}`([^`<]*?)\s*<conclusion>`", r"\1", page.read_text(encoding="utf-8")),
                        encoding="utf-8")

    rebuilt = build(book, "html")
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    assert not (out / "html" / "08-conclusion.html").exists()
    pages = sorted((out / "html").glob("[0-9][0-9]-*.html"))
    assert len(pages) >= 9
    for page in pages:
        text = page.read_text(encoding="utf-8")
        sidebar = text[text.index('<div class="sidebar-tree">'):text.index("</ul>", text.index('<div class="sidebar-tree">'))]
        assert "Say It Kindly" in sidebar and old_title not in sidebar, page.name
        assert "08-conclusion.html" not in text, page.name
    assert (out / "html" / "05-focus-on-self-growth.html").stat().st_mtime_ns != untouched
