"""A mistake fails `make` with the file, the line and what to do, and loses nothing.

Two mistakes go into chapters of a copy of the book, whose last good output is
the session's build, and the website is built once: the build must fail, name
each mistake's file and line, and leave every file of the last good output
unchanged. Each usual mistake's own message is tests/test_messages.py's.
"""

import re
import shutil
from pathlib import Path

import pytest

from book_copy import build, copy_book, hashes, placeholder_ebooks
from conftest import SLUG

from guidebook.authoring.messages import fence_problems


@pytest.fixture(scope="module")
def good_book(book, tmp_path_factory) -> tuple[Path, str]:
    """A copy of the book whose last good website and doctrees are the session's build."""
    copy = copy_book(tmp_path_factory.mktemp("good") / "book")
    placeholder_ebooks(copy / "_build", SLUG)
    for part in ("html", "doctrees"):
        shutil.copytree(book.out / part, copy / "_build" / part)
    return copy, book.log


def line_of(text: str, marker: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if marker in line)


def append(book: Path, name: str, text: str, marker: str) -> tuple[str, int]:
    path = book / name
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
    return name, line_of(path.read_text(encoding="utf-8"), marker)


# Two mistakes, one read and one written: tests/test_messages.py checks each usual
# mistake's message (tests/mistakes.yaml); here the build as `make` runs it must fail once.

def missing_label(book):
    return append(book, "docs/01-introduction.md", "\nSee {ref}`the end <conclusoin>`.\n", "conclusoin")


def raw_html(book):
    return append(book, "docs/11-about.md", '\n<div class="note">Call me</div>\n', "Call me")


MISTAKES = [missing_label, raw_html]


@pytest.fixture(scope="module")
def mistaken(good_book, tmp_path_factory) -> tuple[dict, str, dict, dict]:
    """The mistakes at once, built once: (where by mistake, the log, hashes before, after)."""
    book = tmp_path_factory.mktemp("mistakes") / "book"
    shutil.copytree(good_book[0], book)
    before = hashes(book / "_build")
    made = {mistake.__name__: mistake(book) for mistake in MISTAKES}
    result = build(book, "html")
    log = result.stdout + result.stderr
    assert result.returncode != 0, log
    return made, log, before, hashes(book / "_build")


def test_a_failed_build_says_so_once_and_loses_nothing(mistaken):
    made, log, before, after = mistaken
    for name, line in made.values():
        assert re.search(rf"^{re.escape(name)}:{line}: ERROR: .+\n    What to do: .+$", log, re.M), log
    assert log.count("The last good output") == 1 and "is unchanged" in log, log
    assert " INFO " not in log, log  # nothing but the messages that matter
    assert before and after == before


def test_the_good_book_has_nothing_to_explain(good_book):
    assert "What to do" not in good_book[1]


@pytest.mark.parametrize("source, lines", [
    (":::{note}\nText.\n:::\n", []),
    ("::::{grid}\n:::{grid-item-card} A\nText.\n:::\n::::\n", []),
    ("````markdown\n```\ncode\n```\n````\n", []),  # fences shown as an example are text
    (":::{note}\nText.\n", [1]),  # never closed
    ("```python\ncode\n", [1]),
    (":::{grid}\n:::{grid-item-card} A\nText.\n:::\n:::\n", [2, 5]),  # too few colons around the card
    (":::note\nText.\n:::\n", [1]),  # no curly brackets
    (":::{note}\nText.\n:::\n:::\n", [4]),  # a closing line that closes nothing
])
def test_fence_check(source, lines):
    assert [line for line, _ in fence_problems(source.splitlines())] == lines


def test_suggestions_know_every_block_and_role_the_book_and_its_guide_use():
    """A misspelt name is matched against the lists in messages.py: they must hold every name in use."""
    from conftest import ROOT
    from guidebook.authoring.messages import KNOWN_DIRECTIVES, KNOWN_ROLES

    texts = [path.read_text(encoding="utf-8") for path in [*(ROOT / "docs").glob("*.md"), ROOT / "EDITING.md"]]
    blocks = {name for text in texts for name in re.findall(r"^\s*(?::{3,}|`{3,})\{([\w-]+)\}", text, re.M)}
    roles = {name for text in texts for name in re.findall(r"(?:^|[\s(])\{([\w-]+)\}`", text, re.M)}
    assert {"admonition", "grid-item-card", "booking-button"} <= blocks and {"ref", "booking"} <= roles
    assert blocks - set(KNOWN_DIRECTIVES) - {"eval-rst"} == set()
    assert roles - set(KNOWN_ROLES) == set()
