"""`make live` serves the website, shows a saved change, and explains a mistake without stopping.

How fast is measured by benchmarks/live_reload.py, not here: the generous
waits below only keep a broken server from hanging the tests.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from book_copy import ROOT, copy_book, placeholder_ebooks
from conftest import SLUG

CHAPTER = "04-offer-alternatives"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def page(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except Exception:  # not up yet, or being rewritten
        return ""


def eventually(check, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    pytest.fail(f"never happened: {what}")


@pytest.fixture
def live(tmp_path):
    book = copy_book(tmp_path / "book")
    (book / ".venv").symlink_to(ROOT / ".venv")
    log = tmp_path / "live.log"
    port = free_port()
    with log.open("w") as output:
        # -o: the .venv is the checkout's, never remade from the copy
        server = subprocess.Popen(
            ["make", "--no-print-directory", "-o", ".venv/.installed", "live", f"LIVE_PORT={port}"],
            cwd=book,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield book, f"http://127.0.0.1:{port}/{CHAPTER}.html", log
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    assert log.read_text().rstrip().endswith("Build stopped; the last good output in _build is unchanged.")


def test_live_preview_shows_changes_and_explains_mistakes(live):
    book, url, log = live
    chapter = book / "docs" / f"{CHAPTER}.md"
    eventually(lambda: "Offer Alternatives" in page(url), "the first build is served")
    assert not (book / "_build/html").exists()  # the last good build is never touched

    with chapter.open("a", encoding="utf-8") as source:
        source.write("\nA sentence Zac just wrote.\n")
    eventually(lambda: "A sentence Zac just wrote." in page(url), "the saved sentence is served")

    with chapter.open("a", encoding="utf-8") as source:
        source.write("\nSee {ref}`conclusoin`.\n")
    eventually(lambda: "What to do" in log.read_text(), "the mistake is explained")
    text = log.read_text()
    assert f"docs/{CHAPTER}.md:" in text and "Did you mean 'conclusion'?" in text, text
    # still serving: within a moment, as a build of the last save may be rewriting the page
    eventually(lambda: "Offer Alternatives" in page(url), "the page is still served", timeout=30)

    with chapter.open("ab") as source:  # saved in another encoding: explained, never a crash
        source.write("\nZac\xb4s talk.\n".encode("latin-1"))
    eventually(lambda: "not saved as UTF-8" in log.read_text(), "the encoding is explained")
    assert "Traceback" not in log.read_text() and "Encoding error" not in log.read_text()
    eventually(
        lambda: "Offer Alternatives" in (last := page(url)) and "A sentence Zac just wrote." in last,
        "the last page that built is still served",
        timeout=30,
    )


def test_live_preview_picks_up_chapters_added_renamed_and_removed(live):
    book, url, log = live
    home = url.rsplit("/", 1)[0] + "/index.html"
    eventually(lambda: "Offer Alternatives" in page(url), "the first build is served")
    docs, index = book / "docs", book / "docs" / "index.md"

    (docs / "12-keep-going.md").write_text(
        "---\ndescription: Keep going.\n---\n\n(keep-going)=\n# Keep Going\n\nA chapter added live.\n",
        encoding="utf-8",
    )
    index.write_text(
        index.read_text(encoding="utf-8").replace("\n11-about\n", "\n11-about\n12-keep-going\n"),
        encoding="utf-8",
    )
    eventually(
        lambda: "A chapter added live." in page(url.replace(CHAPTER, "12-keep-going")), "the added chapter"
    )
    eventually(lambda: "Keep Going" in page(home), "the added chapter is in the contents")

    (docs / "12-keep-going.md").rename(docs / "12-keep-on.md")
    index.write_text(
        index.read_text(encoding="utf-8").replace("12-keep-going", "12-keep-on"), encoding="utf-8"
    )
    eventually(
        lambda: "A chapter added live." in page(url.replace(CHAPTER, "12-keep-on")), "the renamed chapter"
    )

    (docs / "12-keep-on.md").unlink()
    index.write_text(index.read_text(encoding="utf-8").replace("12-keep-on\n", ""), encoding="utf-8")
    eventually(
        lambda: "Keep Going" not in page(home) and "Offer Alternatives" in page(home),
        "the removed chapter leaves the contents",
    )
    assert "What to do" not in log.read_text(), log.read_text()


def test_make_runs_beside_make_live_and_a_second_preview_is_explained(live):
    book, url, _ = live
    eventually(lambda: "Offer Alternatives" in page(url), "the first build is served")
    placeholder_ebooks(book / "_build", SLUG)
    built = subprocess.run(
        ["make", "--no-print-directory", "-o", ".venv/.installed", "html"],
        cwd=book,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    assert "Waiting" not in built.stderr and (book / "_build/html/index.html").exists()
    second = subprocess.run(
        [sys.executable, "-m", "guidebook.tools.live", "--port", str(free_port())],
        cwd=book,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert second.returncode == 1 and "`make live`" in second.stderr and "already previewing" in second.stderr


def test_a_busy_port_is_explained(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "guidebook.tools.live", "--port", str(port), "--out", str(tmp_path)],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
    assert result.returncode == 1
    assert f"Port {port} is already in use" in result.stderr and f"LIVE_PORT={port + 1}" in result.stderr
    assert not (tmp_path / "live").exists()
