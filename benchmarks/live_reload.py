"""How long from saving a chapter to `make live` serving the rebuilt page?

    .venv/bin/python benchmarks/live_reload.py [--runs 10]

Runs `make live` in a copy of the book (the real docs/ are not touched), waits
for the first build, then, save after save, appends a new sentence to a chapter
and polls the served page until the sentence is there. The target is under a
second.

For comparison it does the same with plain sphinx-autobuild on the same
arguments (a new `python -m sphinx build` for every save), the two servers
taking turns so that both see the same machine load; and it times the
rebuild's CPU. On a busy machine wall-clock times grow with the load, which
is printed too.
"""

import argparse
import http.client
import os
import resource
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
sys.path.insert(0, str(ROOT / "tests"))
from project_copy import copy_project  # noqa: E402

CHAPTER = "04-offer-alternatives"
POLL = 0.01  # seconds between two requests for the page


def copy_book(target: Path) -> Path:
    copy_project(target)
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
    except (OSError, http.client.HTTPException):  # not up yet, or the page is being rewritten
        return ""


def wait_for(url: str, text: str, timeout: float) -> float:
    """Seconds until the page at url contains text."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if text in fetch(url):
            return time.perf_counter() - start
        time.sleep(POLL)
    raise TimeoutError(f"{text!r} did not appear at {url} within {timeout} s")


def live_arguments(book: Path) -> list[str]:
    """The sphinx-build arguments of `make live` in this copy of the book, for plain sphinx-autobuild."""
    script = "from pathlib import Path; from guidebook.tools.live import sphinx_args; print('\\0'.join(sphinx_args(Path('_build').resolve())))"
    out = subprocess.run(
        [str(book / ".venv/bin/python"), "-c", script], cwd=book, capture_output=True, text=True, check=True
    ).stdout
    return out.rstrip("\n").split("\0")


class Server:
    def __init__(self, name: str, book: Path, command: list[str]) -> None:
        self.name, self.book = name, book
        self.port = free_port()
        self.process = subprocess.Popen(
            [*command, f"--port={self.port}" if "make" not in command[0] else f"LIVE_PORT={self.port}"],
            cwd=book,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.url = f"http://127.0.0.1:{self.port}/{CHAPTER}.html"
        self.chapter = book / "docs" / f"{CHAPTER}.md"
        self.times: list[float] = []
        self.reloads: list[float] = []

    def save_and_wait(self, run: int) -> tuple[float, float]:
        """Seconds from the save to the page being served, and to the browser being told to reload."""
        from websockets.sync.client import connect

        marker = f"Saved sentence number {run} at {time.time_ns()}."
        with connect(f"ws://127.0.0.1:{self.port}/websocket-reload") as reload:
            saved = time.perf_counter()
            with self.chapter.open("a", encoding="utf-8") as source:
                source.write(f"\n{marker}\n")
            wait_for(self.url, marker, timeout=60)
            served = time.perf_counter() - saved
            reload.recv(timeout=60)
            told = time.perf_counter() - saved
        self.times.append(served)
        self.reloads.append(told)
        return served, told

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=10)

    def summary(self) -> str:
        ms = [t * 1000 for t in self.times]
        return (
            f"{self.name}: save to rebuilt page served, median {statistics.median(ms):.0f} ms "
            f"(min {min(ms):.0f}, max {max(ms):.0f}) over {len(ms)} saves; browser told to reload "
            f"after {statistics.median(self.reloads) * 1000:.0f} ms (median)"
        )


def rebuild_cpu(book: Path, runs: int) -> float:
    """CPU seconds of one `python -m sphinx build` after a save (what plain sphinx-autobuild runs)."""
    sphinx = [str(book / ".venv/bin/python"), "-m", "sphinx", "build", *live_arguments(book)[:-2]]
    chapter = book / "docs" / f"{CHAPTER}.md"
    cpus = []
    for run in range(runs):
        with chapter.open("a", encoding="utf-8") as source:
            source.write(f"\nDirect rebuild {run}.\n")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(sphinx, cwd=book, capture_output=True, check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(cpus)


WARM_REBUILDS = """
import resource, statistics, sys
from concurrent.futures import ProcessPoolExecutor
from guidebook.tools.live import warm_up
from sphinx.cmd.build import build_main
warm_up()
args, chapter, runs = sys.argv[1:-2], sys.argv[-2], int(sys.argv[-1])
cpus = []
for run in range(runs):
    with open(chapter, "a", encoding="utf-8") as source:
        source.write(f"\\nWarm rebuild {run}.\\n")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with ProcessPoolExecutor(max_workers=1) as pool:  # a worker forked from this warm process, as in make live
        pool.submit(build_main, args).result()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
print(statistics.median(cpus))
"""


def warm_rebuild_cpu(book: Path, runs: int) -> float:
    """CPU seconds of one rebuild forked from a warm process (what `make live` runs)."""
    chapter = book / "docs" / f"{CHAPTER}.md"
    result = subprocess.run(
        [str(book / ".venv/bin/python"), "-c", WARM_REBUILDS, *live_arguments(book), str(chapter), str(runs)],
        cwd=book,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(result.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    loads = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory() as tmp:
        live_book = copy_book(Path(tmp) / "live")
        plain_book = copy_book(Path(tmp) / "plain")
        plain = [str(plain_book / ".venv/bin/sphinx-autobuild"), *live_arguments(plain_book)]
        servers = [
            Server("make live", live_book, ["make", "--no-print-directory", "live"]),
            Server("plain sphinx-autobuild", plain_book, plain),
        ]
        try:
            for server in servers:
                print(
                    f"{server.name}: first build served after {wait_for(server.url, 'Offer Alternatives', 300):.1f} s"
                )
            time.sleep(1)  # let the watchers settle
            for run in range(1, args.runs + 1):
                for server in servers:
                    served, told = server.save_and_wait(run)
                    print(
                        f"run {run:2} {server.name:22} page served {served * 1000:5.0f} ms, "
                        f"reload {told * 1000:5.0f} ms"
                    )
                    time.sleep(0.3)
                loads.append(os.getloadavg()[0])
        finally:
            for server in servers:
                server.stop()
        for server in servers:
            print(server.summary())
        print(
            f"CPU time of one rebuild: {warm_rebuild_cpu(live_book, 5) * 1000:.0f} ms forked from a warm "
            f"process (make live), {rebuild_cpu(plain_book, 5) * 1000:.0f} ms as python -m sphinx build"
        )
    print(f"load average during the runs: {statistics.mean(loads):.1f} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
