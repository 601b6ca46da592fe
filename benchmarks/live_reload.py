"""How long from saving a chapter to `make live` serving the rebuilt page?

    .venv/bin/python benchmarks/live_reload.py [--runs 10]

Runs `make live` in a copy of the book (the real docs/ are not touched), waits
for the first build, then, run after run, appends a new sentence to a chapter
and polls the served page until the sentence is there. Prints each time and
the median. The target is under a second.
"""

import argparse
import http.client
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEFT_OUT = {".git", ".venv", "_build", "node_modules", ".pytest_cache", "tests", "benchmarks", "__pycache__"}
CHAPTER = "04-offer-alternatives"
POLL = 0.01  # seconds between two requests for the page


def copy_book(target: Path) -> Path:
    for entry in ROOT.iterdir():
        if entry.name in LEFT_OUT:
            continue
        copy = shutil.copytree if entry.is_dir() else shutil.copy2
        copy(entry, target / entry.name)
    (target / ".venv").symlink_to(ROOT / ".venv")
    return target


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8")
    except (OSError, http.client.HTTPException):  # the page is being rewritten
        return ""


def wait_for(url: str, text: str, timeout: float) -> float:
    """Seconds until the page at url contains text."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if text in fetch(url):
            return time.perf_counter() - start
        time.sleep(POLL)
    raise TimeoutError(f"{text!r} did not appear at {url} within {timeout} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        book = copy_book(Path(tmp))
        port = free_port()
        server = subprocess.Popen(
            ["make", "--no-print-directory", "live", f"LIVE_PORT={port}"],
            cwd=book, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
        )
        url = f"http://127.0.0.1:{port}/{CHAPTER}.html"
        try:
            first = wait_for(url, "Offer Alternatives", timeout=120)
            print(f"first build served after {first:.2f} s")
            time.sleep(1)  # let the watcher settle
            chapter = book / "docs" / f"{CHAPTER}.md"
            times = []
            for run in range(1, args.runs + 1):
                marker = f"Saved sentence number {run} at {time.time_ns()}."
                with chapter.open("a", encoding="utf-8") as source:
                    source.write(f"\n{marker}\n")
                seconds = wait_for(url, marker, timeout=30)
                times.append(seconds)
                print(f"run {run:2}: {seconds * 1000:5.0f} ms from save to the rebuilt page")
                time.sleep(0.5)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=10)
        print(f"median {statistics.median(times) * 1000:.0f} ms, "
              f"min {min(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms over {len(times)} saves")
    return 0


if __name__ == "__main__":
    sys.exit(main())
