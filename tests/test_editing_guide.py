"""EDITING.md's patterns are copy-pasteable: pasted into a chapter, they build without a warning."""

import re

from PIL import Image

from book_copy import ROOT, build, copy_book, placeholder_ebooks, run_tool
from conftest import SLUG

GUIDE = (ROOT / "EDITING.md").read_text(encoding="utf-8")
PATTERNS = re.findall(r"^```markdown\n(.*?)^```$", GUIDE.split("## Patterns to copy", 1)[1], re.S | re.M)


def test_the_guide_has_patterns():
    assert len(PATTERNS) >= 10


def test_every_make_target_named_in_the_guide_exists():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in set(re.findall(r"\bmake ([a-z][a-z-]+)", GUIDE)):
        assert re.search(rf"^{target}:", makefile, re.M), target


def test_patterns_pasted_into_a_chapter_build_without_a_warning(tmp_path):
    book = copy_book(tmp_path / "book")
    made = run_tool(book, "new_chapter", "Patterns")
    assert made.returncode == 0, made.stderr
    chapter = next((book / "docs").glob("*-patterns.md"))
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n" + "\n".join(PATTERNS), encoding="utf-8")
    (book / "docs/images").mkdir()
    Image.new("RGB", (8, 8), "white").save(book / "docs/images/zac.jpg")
    placeholder_ebooks(book / "_build", SLUG)

    result = build(book, "html")
    log = result.stdout + result.stderr
    assert result.returncode == 0, log
    assert "WARNING:" not in log and "ERROR:" not in log, log
    page = (book / "_build/html" / f"{chapter.stem}.html").read_text(encoding="utf-8")
    assert "sd-tab-set" in page and "sd-card" in page and "key-idea" in page
