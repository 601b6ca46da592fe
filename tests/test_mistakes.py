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
import yaml

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


@pytest.mark.parametrize(
    "source, lines",
    [
        (":::{note}\nText.\n:::\n", []),
        ("::::{grid}\n:::{grid-item-card} A\nText.\n:::\n::::\n", []),
        ("````markdown\n```\ncode\n```\n````\n", []),  # fences shown as an example are text
        (":::{note}\nText.\n", [1]),  # never closed
        ("```python\ncode\n", [1]),
        (":::{grid}\n:::{grid-item-card} A\nText.\n:::\n:::\n", [2, 5]),  # too few colons around the card
        (":::note\nText.\n:::\n", [1]),  # no curly brackets
        (":::{note}\nText.\n:::\n:::\n", [4]),  # a closing line that closes nothing
    ],
)
def test_fence_check(source, lines):
    assert [line for line, _ in fence_problems(source.splitlines())] == lines


def test_suggestions_know_every_block_and_role_the_book_and_its_guide_use():
    """A misspelt name is matched against the lists in messages.py: they must hold every name in use."""
    from conftest import ROOT
    from guidebook.authoring.messages import KNOWN_DIRECTIVES, KNOWN_ROLES

    texts = [
        path.read_text(encoding="utf-8") for path in [*(ROOT / "docs").glob("*.md"), ROOT / "EDITING.md"]
    ]
    blocks = {name for text in texts for name in re.findall(r"^\s*(?::{3,}|`{3,})\{([\w-]+)\}", text, re.M)}
    roles = {name for text in texts for name in re.findall(r"(?:^|[\s(])\{([\w-]+)\}`", text, re.M)}
    assert {"admonition", "grid-item-card", "booking-button"} <= blocks and {"ref", "booking"} <= roles
    assert blocks - set(KNOWN_DIRECTIVES) - {"eval-rst"} == set()
    assert roles - set(KNOWN_ROLES) == set()


# ── The paperback: what the press cannot take ──────────────────────────────────────


@pytest.fixture(scope="module")
def misprinted(good_book, book, tmp_path_factory) -> tuple[dict, str, dict, dict]:
    """The paperback built with a brand colour that has no CMYK value and a picture of too few pixels."""
    from PIL import Image

    copy = tmp_path_factory.mktemp("misprinted") / "book"
    shutil.copytree(good_book[0], copy)
    shutil.copytree(book.out / "print", copy / "_build" / "print")
    before = hashes(copy / "_build", parts=("print",))
    brand = copy / "docs/_static/brand.css"
    text = brand.read_text(encoding="utf-8")
    assert "--brand-accent-cmyk:" in text
    brand.write_text(re.sub(r"^\s*--brand-accent-cmyk:.*\n", "", text, flags=re.M), encoding="utf-8")
    (copy / "docs/images").mkdir()
    Image.new("RGB", (60, 40), "#0d5c63").save(copy / "docs/images/zac-small.png")
    picture = append(
        copy, "docs/08-conclusion.md", "\n![Zac at his desk](images/zac-small.png)\n", "zac-small"
    )
    result = build(copy, "print")
    log = result.stdout + result.stderr
    assert result.returncode != 0, log
    return {"picture": picture}, log, before, hashes(copy / "_build", parts=("print",))


def test_a_brand_colour_without_cmyk_stops_the_paperback(misprinted):
    _, log, _, _ = misprinted
    assert re.search(
        r"^guidebook/pdf/theme/static/[\w-]+\.css:\d+: ERROR: the paperback prints the brand colour "
        r"--brand-accent, .+\n    What to do: add a line '--brand-accent-cmyk: .+docs/_static/brand\.css",
        log,
        re.M,
    ), log


def test_a_picture_under_300_ppi_stops_the_paperback(misprinted):
    made, log, _, _ = misprinted
    name, line = made["picture"]
    assert re.search(
        rf"^{re.escape(name)}:{line}: ERROR: docs/images/zac-small\.png is 60 × 40 pixels and prints "
        r"at \d+ ppi .+\n    What to do: use a picture of at least 300 pixels",
        log,
        re.M,
    ), log


def test_a_failed_paperback_keeps_the_last_good_one(misprinted):
    _, log, before, after = misprinted
    assert log.count("The last good output") == 1, log
    assert len(before) >= 2 and after == before


# ── Files the build cannot read (tests/unreadable.yaml) ─────────────────────

UNREADABLE = yaml.safe_load((Path(__file__).parent / "unreadable.yaml").read_text(encoding="utf-8"))
CRASH_REPORT = ["Traceback", "Encoding error", "sphinx-doc/sphinx", "Sphinx error", "Exception occurred"]


def write_case(book: Path, case: dict) -> int | None:
    """Write the case's file into the book; return the line the message must name, if any."""
    path = book / case["file"]
    path.parent.mkdir(parents=True, exist_ok=True)
    if "link" in case:
        path.symlink_to(case["link"])
    elif "append_latin1" in case:
        path.write_bytes(path.read_bytes() + case["append_latin1"].encode("latin-1"))
    elif "write_latin1" in case:
        path.write_bytes(case["write_latin1"].encode("latin-1"))
    else:
        path.write_text(case["write"], encoding="utf-8")
    if case.get("line") == "last":
        return path.read_bytes().rstrip(b"\n").count(b"\n") + 1
    return case.get("line")


@pytest.fixture(scope="module")
def unreadable(good_book, tmp_path_factory) -> tuple[dict, str, dict, dict]:
    """Every file of unreadable.yaml at once, built once: (line by case, the log, hashes before, after)."""
    book = tmp_path_factory.mktemp("unreadable") / "book"
    shutil.copytree(good_book[0], book)
    before = hashes(book / "_build", parts=("html", "epub", "pdf", "doctrees"))
    lines = {case["name"]: write_case(book, case) for case in UNREADABLE}
    result = build(book, "html")
    log = result.stdout + result.stderr
    assert result.returncode != 0, log
    return lines, log, before, hashes(book / "_build", parts=("html", "epub", "pdf", "doctrees"))


@pytest.mark.parametrize("case", UNREADABLE, ids=[case["name"] for case in UNREADABLE])
def test_a_file_the_build_cannot_read_is_named_with_what_to_do(unreadable, case):
    lines, log, _, _ = unreadable
    where = case["file"] + (f":{lines[case['name']]}" if lines[case["name"]] else "")
    found = re.search(rf"^{re.escape(where)}: ERROR: .+\n    What to do: (.+)$", log, re.MULTILINE)
    assert found, log
    assert case["says"] in found.group(0), found.group(0)


def test_a_file_the_build_cannot_read_gets_no_crash_report_and_loses_nothing(unreadable):
    _, log, before, after = unreadable
    assert [words for words in CRASH_REPORT if words in log] == [], log
    assert log.count("The last good output") == 1 and "is unchanged" in log, log
    assert before and after == before


def test_editing_guide_says_how_to_save_as_utf8():
    guide = (Path(__file__).parent.parent / "EDITING.md").read_text(encoding="utf-8")
    assert "**Save with Encoding**" in guide and "**Format → Make Plain Text**" in guide
