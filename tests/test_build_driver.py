"""What `make` promises on top of stock sphinx-build (guidebook/tools/build.py).

One copy of the book, with placeholder ebooks so that only the website is
built, goes through what an author does: a good build, a mistake (built twice),
then the mistake fixed along with a stylesheet edit, a retitled chapter and a
removed one. Each test checks one promise on what those builds left.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from book_copy import build, copy_book, hashes, placeholder_ebooks
from conftest import SLUG

EDITED = "docs/06-reevaluate-the-relationship.md"
RETITLED = "docs/03-communicate-your-feelings-clearly.md"
REMOVED = "08-conclusion"
UNTOUCHED = "05-focus-on-self-growth.html"
STYLESHEET_VERSION = re.compile(r'href="[^"]*_static/guide\.css\?v=(\w+)"')


def stylesheet_versions(site: Path) -> set[str]:
    """The bundle's ?v= on every page."""
    return {STYLESHEET_VERSION.search(page.read_text(encoding="utf-8"))[1] for page in site.glob("*.html")}


def sidebar(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    start = text.index('<div class="sidebar-tree">')
    return text[start : text.index("</ul>", start)]


@dataclass
class Session:
    out: Path
    good_log: str
    failed_logs: list[str]
    good: dict[str, str]  # every file of the last good output, before the failed builds
    after_failures: dict[str, str]
    versions_before: set[str]  # after the first build; the stylesheet edit comes last
    untouched_mtime: int
    old_title: str
    sidebars: dict[str, str]  # each chapter page's sidebar after the retitle and the removal
    removed_page_left: bool
    links_to_removed: list[str]
    untouched_rewritten: bool
    edited_page: str


@pytest.fixture(scope="module")
def session(tmp_path_factory) -> Session:
    book = copy_book(tmp_path_factory.mktemp("driver") / "book")
    out = book / "_build"
    placeholder_ebooks(out, SLUG)
    first = build(book, "html")
    assert first.returncode == 0, first.stdout + first.stderr
    good = hashes(out, parts=("html", "doctrees"))
    versions_before = stylesheet_versions(out / "html")
    untouched_mtime = (out / "html" / UNTOUCHED).stat().st_mtime_ns

    chapter = book / EDITED
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(
        text + "\nA sentence that must not be published.\n\n:::{no-such-block}\ntext\n:::\n", encoding="utf-8"
    )
    failed = [
        build(book, "html") for _ in range(2)
    ]  # the second must not take the first one's reading as good
    assert [run.returncode for run in failed] == [1, 1], [run.stdout + run.stderr for run in failed]
    after_failures = hashes(out, parts=("html", "doctrees"))

    # the mistake fixed, with a paragraph added; a chapter retitled, another removed
    chapter.write_text(text + "\nA sentence added by the test.\n", encoding="utf-8")
    retitled = book / RETITLED
    old_title = re.search(r"^# (.+)$", retitled.read_text(encoding="utf-8"), re.MULTILINE)[1]
    retitled.write_text(
        retitled.read_text(encoding="utf-8").replace(f"# {old_title}", "# Step 2: Say It Kindly", 1),
        encoding="utf-8",
    )
    (book / "docs" / f"{REMOVED}.md").unlink()
    index = book / "docs" / "index.md"
    index.write_text(index.read_text(encoding="utf-8").replace(f"\n{REMOVED}\n", "\n"), encoding="utf-8")
    for page in (book / "docs").glob("*.md"):  # links to the removed chapter go too
        page.write_text(
            re.sub(r"\{ref\}`([^`<]*?)\s*<conclusion>`", r"\1", page.read_text(encoding="utf-8")),
            encoding="utf-8",
        )
    rebuilt = build(book, "html")
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    site = out / "html"
    pages = sorted(site.glob("[0-9][0-9]-*.html"))
    sidebars = {page.name: sidebar(page) for page in pages}
    links_to_removed = [page.name for page in pages if f"{REMOVED}.html" in page.read_text(encoding="utf-8")]
    removed_page_left = (site / f"{REMOVED}.html").exists()
    untouched_rewritten = (site / UNTOUCHED).stat().st_mtime_ns != untouched_mtime
    edited_page = (site / Path(EDITED).with_suffix(".html").name).read_text(encoding="utf-8")

    # then a stylesheet edited, and nothing else
    css = book / "docs" / "_static" / "site.css"
    css.write_text(
        css.read_text(encoding="utf-8") + "\n.reading-time { letter-spacing: 0.01em; }\n", encoding="utf-8"
    )
    assert build(book, "html").returncode == 0
    return Session(
        out,
        first.stdout,
        [run.stderr for run in failed],
        good,
        after_failures,
        versions_before,
        untouched_mtime,
        old_title,
        sidebars,
        removed_page_left,
        links_to_removed,
        untouched_rewritten,
        edited_page,
    )


def test_a_build_lists_what_it_built(session):
    assert "Built:" in session.good_log and "_build/html/index.html" in session.good_log


def test_a_failed_build_names_the_line_keeps_the_last_good_output_and_fails_again(session):
    for log in session.failed_logs:
        assert f"{EDITED}:" in log and "The html build failed" in log, log
    assert session.after_failures == session.good
    assert not (session.out / ".staging").exists()


def test_a_stylesheet_edit_reaches_every_page(session):
    """The stylesheets' hash is a setting Sphinx records: every page carries the new one."""
    after = stylesheet_versions(session.out / "html")
    assert len(session.versions_before) == 1 and len(after) == 1 and after != session.versions_before
    bundle = (session.out / "html" / "_static" / "guide.css").read_text(encoding="utf-8")
    assert "letter-spacing:0.01em" in bundle.replace(" ", "")


def test_a_retitled_or_removed_chapter_leaves_no_stale_page(session):
    """Every sidebar shows the new list of chapters, and no page of a removed chapter is left."""
    assert not session.removed_page_left
    assert len(session.sidebars) >= 9
    for name, sidebar_html in session.sidebars.items():
        assert "Say It Kindly" in sidebar_html and session.old_title not in sidebar_html, name
    assert session.links_to_removed == []
    assert session.untouched_rewritten  # written again for its sidebar
    assert "A sentence added by the test." in session.edited_page


def test_stock_sphinx_build_makes_the_website_of_a_fresh_checkout(tmp_path):
    """Before any `make`, the stock command builds with no warning; the site offers no ebook it does not have."""
    import subprocess
    import sys

    book = copy_book(tmp_path / "book")
    assert not (book / "_build").exists()
    command = [
        sys.executable,
        "-m",
        "sphinx",
        "build",
        "-b",
        "html",
        "-d",
        str(tmp_path / "doctrees"),
        str(book / "docs"),
        str(tmp_path / "site"),
        "-c",
        str(book),
        "-W",
        "--keep-going",
        "-n",
    ]
    result = subprocess.run(command, cwd=book, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr and "ERROR" not in result.stderr, result.stderr
    assert "the PDF is not built yet" in result.stdout
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "download-button" not in home and "downloads/" not in home


FROZEN_COUNTS = """
import gc
from guidebook.tools.build import start_workers

with start_workers(1) as workers:
    print(gc.get_freeze_count(), workers.submit(gc.get_freeze_count).result())
"""


def test_workers_start_with_what_they_imported_frozen():
    """before_forking: a worker's collector leaves alone what it was forked with and what it imported
    for its build, and the driver's what it holds when it forks (so it exits at once)."""
    import subprocess
    import sys

    from book_copy import ROOT

    result = subprocess.run(
        [sys.executable, "-c", FROZEN_COUNTS], cwd=ROOT, capture_output=True, text=True, check=True
    )
    in_driver, in_worker = map(int, result.stdout.split())
    assert in_driver > 1000  # the driver's own modules
    assert in_worker > in_driver + 30_000  # and Sphinx, MyST, furo and the guide's extensions
