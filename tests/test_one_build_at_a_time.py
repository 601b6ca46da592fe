"""Two builds at once in one project: the second says which build runs, waits for it, and both succeed.

`make live` beside `make` is tested in test_live.py.
"""

import subprocess
import sys
import time
from pathlib import Path

from book_copy import copy_book, placeholder_ebooks
from conftest import SLUG


def start(book: Path, target: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "guidebook.tools.build", target],
        cwd=book,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_second_build_waits_for_the_first_and_says_so(tmp_path):
    book = copy_book(tmp_path / "book")
    placeholder_ebooks(book / "_build", SLUG)
    lock = book / "_build" / ".lock"
    first = start(book, "html")
    deadline = time.monotonic() + 60
    while f"process {first.pid}," not in (lock.read_text() if lock.exists() else ""):
        assert time.monotonic() < deadline and first.poll() is None, first.communicate()
        time.sleep(0.05)
    second = start(book, "html")
    second_out, second_err = second.communicate(timeout=300)
    first_out, first_err = first.communicate(timeout=300)
    assert (first.returncode, second.returncode) == (0, 0), first_err + second_err
    assert f"Waiting for `make html` (process {first.pid}, started at " in second_err, second_err
    assert "one build at a time" in second_err and "Waiting" not in first_err
    assert "search index couldn't be loaded" not in second_err + first_err
    assert "Built:" in first_out and "Built:" in second_out
    assert f"process {second.pid}," in lock.read_text()  # the second held the lock after the first
    sitemap = (book / "_build/html/sitemap.xml").read_text(encoding="utf-8")
    assert sitemap.count("<url>") == len(list((book / "docs").glob("*.md")))  # whole, never mixed
