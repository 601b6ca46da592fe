"""Each usual mistake fails the build with the file, the line and what to do, and loses nothing.

Each case changes a copy of a good, built book, builds the website again, and
checks that the build fails, that the message names the file and the line and
says what to do, and that every file of the last good output is unchanged.
"""

import re
import shutil
from pathlib import Path

import pytest

from book_copy import build, copy_book, hashes, placeholder_ebooks
from conftest import SLUG

from guidebook.authoring.messages import fence_problems

CHAPTER = "docs/04-offer-alternatives.md"


@pytest.fixture(scope="module")
def good_book(tmp_path_factory) -> Path:
    book = copy_book(tmp_path_factory.mktemp("good") / "book")
    placeholder_ebooks(book / "_build", SLUG)
    result = build(book, "html")
    assert result.returncode == 0, result.stdout + result.stderr
    return book


def line_of(text: str, marker: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if marker in line)


def append(book: Path, name: str, text: str, marker: str) -> tuple[str, int]:
    path = book / name
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
    return name, line_of(path.read_text(encoding="utf-8"), marker)


def replace(book: Path, name: str, old: str, new: str, marker: str) -> tuple[str, int]:
    path = book / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return name, line_of(path.read_text(encoding="utf-8"), marker)


def missing_label(book):
    return append(book, CHAPTER, "\nSee {ref}`the end <conclusoin>`.\n", "conclusoin"), "Did you mean 'conclusion'?"


def missing_image(book):
    return append(book, CHAPTER, "\n![Zac at his desk](images/zac.png)\n", "zac.png"), "docs/images/"


def unknown_directive(book):
    return replace(book, CHAPTER, ":::{admonition} Key idea", ":::{admonitoin} Key idea", "admonitoin"), \
        "Did you mean 'admonition'?"


def unclosed_fence(book):
    return append(book, CHAPTER, "\n:::{admonition} Try this\nWrite it down.\n", "Try this"), "never closed"


def fence_without_braces(book):
    return replace(book, CHAPTER, ":::{admonition} Key idea", ":::admonition Key idea", "admonition Key"), \
        "curly brackets"


def invalid_front_matter(book):
    return replace(book, CHAPTER, 'description: "Step 3: when', "description: Step 3: when", "description:"), \
        "double quotes"


def unclosed_front_matter(book):
    return replace(book, CHAPTER, "---\n\n(offer", "\n(offer", "---"), "not closed"


def chapter_not_in_toctree(book):
    (book / "docs/12-extra.md").write_text(
        "---\ndescription: An extra chapter.\n---\n\n(extra)=\n# Extra\n\nText.\n", encoding="utf-8"
    )
    return ("docs/12-extra.md", 1), "docs/index.md (line"


def duplicate_label(book):
    where = append(book, CHAPTER, "\n(conclusion)=\n## More\n\nText.\n", "(conclusion)=")
    return where, "used twice"


def raw_html(book):
    return append(book, CHAPTER, '\n<div class="note">Call me</div>\n', "Call me"), "use Markdown instead"


MISTAKES = [missing_label, missing_image, unknown_directive, unclosed_fence, fence_without_braces,
            invalid_front_matter, unclosed_front_matter, chapter_not_in_toctree, duplicate_label, raw_html]


@pytest.mark.parametrize("mistake", MISTAKES, ids=[m.__name__ for m in MISTAKES])
def test_mistake_is_explained_and_loses_nothing(good_book, tmp_path, mistake):
    book = tmp_path / "book"
    shutil.copytree(good_book, book)
    before = hashes(book / "_build")
    (name, line), hint = mistake(book)

    result = build(book, "html")
    log = result.stdout + result.stderr

    assert result.returncode != 0, log
    # "docs/x.md:12: ERROR: …" (or, for a duplicate, the other file naming this line)
    named = re.search(rf"^{re.escape(name)}:{line}: ERROR: .+\n    What to do: .+$", log, re.M) \
        or re.search(rf"^docs/[\w-]+\.md:\d+: ERROR: .*{re.escape(name)}, line {line}\..*\n    What to do: ", log, re.M)
    assert named, log
    assert hint in log, log
    assert "The last good output" in log and "is unchanged" in log, log
    assert " INFO " not in log, log  # nothing but the messages that matter
    assert hashes(book / "_build") == before
    assert before  # the good output was there to keep


def test_the_good_book_has_nothing_to_explain(good_book):
    result = build(good_book, "html")
    assert result.returncode == 0
    assert "What to do" not in result.stdout + result.stderr


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
