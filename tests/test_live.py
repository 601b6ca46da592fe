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

from book_copy import ROOT, copy_book

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
        server = subprocess.Popen(["make", "--no-print-directory", "live", f"LIVE_PORT={port}"], cwd=book,
                                  stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield book, f"http://127.0.0.1:{port}/{CHAPTER}.html", log
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


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
    assert "Offer Alternatives" in page(url)  # still serving


def test_a_busy_port_is_explained(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "guidebook.tools.live", "--port", str(port), "--out", str(tmp_path)],
            cwd=ROOT, capture_output=True, text=True,
        )
    assert result.returncode == 1
    assert f"Port {port} is already in use" in result.stderr and f"LIVE_PORT={port + 1}" in result.stderr
    assert not (tmp_path / "live").exists()
