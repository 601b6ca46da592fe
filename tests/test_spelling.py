"""The spell check of `make spell` (codespell) passes, and catches a misspelt word."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CODESPELL = [sys.executable, "-m", "codespell_lib"]
WORDS = ROOT / ".codespell-words.txt"
# The same two checks as `make spell`: every file, then US spelling in the chapters.
CHAPTERS = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "docs").glob("*.md"))
CHECKS = [[], ["--builtin", "en-GB_to_en-US", *CHAPTERS]]
# Written in two halves, so that this file passes the check it tests.
TYPO, BRITISH = "rec" + "ieve", "col" + "our"


def codespell(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([*CODESPELL, *args], cwd=cwd, capture_output=True, text=True)


@pytest.mark.parametrize("args", CHECKS, ids=["everything", "chapters-us-spelling"])
def test_the_guide_is_spelt_right(args):
    result = codespell(*args)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def book_with_typos(tmp_path) -> Path:
    for name in (".codespellrc", ".codespell-words.txt"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "docs", tmp_path / "docs", ignore=shutil.ignore_patterns("_static"))
    chapter = tmp_path / "docs/04-offer-alternatives.md"
    chapter.write_text(
        chapter.read_text(encoding="utf-8") + f"\nYou will {TYPO} the workbook.\nPick a {BRITISH}.\n",
        encoding="utf-8",
    )
    return tmp_path


def lines_of(book: Path) -> list[str]:
    return (book / "docs/04-offer-alternatives.md").read_text(encoding="utf-8").splitlines()


def test_a_misspelt_word_fails_with_file_and_line(book_with_typos):
    result = codespell(cwd=book_with_typos)
    assert result.returncode != 0
    lines = lines_of(book_with_typos)
    assert f"docs/04-offer-alternatives.md:{len(lines) - 1}: {TYPO} ==> receive" in result.stdout


def test_british_spelling_in_a_chapter_fails(book_with_typos):
    result = codespell("--builtin", "en-GB_to_en-US", *CHAPTERS, cwd=book_with_typos)
    assert result.returncode != 0
    assert (
        f"docs/04-offer-alternatives.md:{len(lines_of(book_with_typos))}: {BRITISH} ==> color"
        in result.stdout
    )


def test_a_listed_word_is_accepted(book_with_typos):
    (book_with_typos / ".codespell-words.txt").write_text(f"{TYPO}\n", encoding="utf-8")
    result = codespell(cwd=book_with_typos)
    assert TYPO not in result.stdout and "docs/" not in result.stdout


def test_word_list_is_plain_sorted_and_unique():
    words = WORDS.read_text(encoding="utf-8").splitlines()
    assert words == sorted(set(words), key=str.lower)
    assert all(word and word == word.strip() and " " not in word for word in words)
