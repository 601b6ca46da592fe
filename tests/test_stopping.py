"""Ctrl+C or a closed terminal stops `make` safely and quietly, at any moment of a real build.

A copy of the book (its .venv a link to the checkout's, which make must never
remake) is built once; then, after an edit, `make` is started again and its
whole process group is signalled at several moments: during the system check,
while Sphinx is imported, while the chapters are read and while the formats
are written. Each time: one plain line, no traceback, no staging folder, no
process left, the last good output unchanged; and the next `make` works.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from book_copy import ROOT, copy_book, hashes, placeholder_ebooks
from conftest import SLUG
from guidebook.tools.system import has_signal, signal_state

STOPPED = "Build stopped; the last good output"
# (make's target, the signal, the moment): from the system check to the writers. A moment is
# a module the build looks for, where tests/pause_at_import holds it until the signal, or a
# folder of the staging area, which is there once the build has come that far.
MOMENTS = [
    ("html", signal.SIGINT, "ensurepip"),  # the system check asks whether Python has its venv module
    ("html", signal.SIGINT, "sphinx.application"),  # Sphinx is being imported
    ("html", signal.SIGTERM, ".staging"),  # the chapters are read
    ("html", signal.SIGHUP, ".staging/html"),  # the website is written
    ("all", signal.SIGINT, ".staging/epub"),  # `make all`, the EPUB is written
]
PAUSE_AT_IMPORT = Path(__file__).parent / "pause_at_import"


# make as a terminal starts it: a test run in the background (`make test &`, nohup) has these
# signals ignored, and make and the build would inherit that and never stop.
AS_FROM_A_TERMINAL = (
    "import os, signal, sys\n"
    "for each in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP): signal.signal(each, signal.SIG_DFL)\n"
    "os.execvp(sys.argv[1], sys.argv[1:])"
)


def make(book: Path, *targets: str, env: dict | None = None) -> subprocess.Popen:
    # -o: the .venv is the checkout's, never remade from a copy
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            AS_FROM_A_TERMINAL,
            "make",
            "--no-print-directory",
            "-o",
            ".venv/.installed",
            *targets,
        ],
        cwd=book,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def running_in(session: int) -> list[str]:
    """The processes of a session still running (a zombie is already gone, waiting to be reaped)."""
    ps = subprocess.run(["ps", "-A", "-o", "pid=,stat=,command="], capture_output=True, text=True).stdout
    found = []
    for pid, state, command in (
        line.split(None, 2) for line in ps.splitlines() if len(line.split(None, 2)) == 3
    ):
        try:
            if os.getsid(int(pid)) == session and not state.startswith("Z"):
                found.append(command)
        except OSError:  # gone meanwhile
            pass
    return found


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    book = copy_book(tmp_path_factory.mktemp("stopping") / "book")
    (book / ".venv").symlink_to(ROOT / ".venv")
    placeholder_ebooks(book / "_build", SLUG)  # `make html` then builds the website only
    first = make(book, "html")
    log = first.communicate(timeout=300)[0]
    assert first.returncode == 0, log
    chapter = book / "docs" / "04-offer-alternatives.md"
    chapter.write_text(
        chapter.read_text(encoding="utf-8") + "\nA sentence that is never published.\n", encoding="utf-8"
    )
    return book


@pytest.mark.parametrize("target, signum, moment", MOMENTS, ids=[f"{t}-{s.name}-{m}" for t, s, m in MOMENTS])
def test_a_stopped_build_says_so_once_and_leaves_nothing_behind(book, target, signum, moment, tmp_path):
    before = hashes(book / "_build", parts=("html", "epub", "pdf", "doctrees"))
    if moment.startswith("."):
        reached, env = book / "_build" / moment, None
    else:
        reached = tmp_path / "paused"
        env = {
            **os.environ,
            "PYTHONPATH": str(PAUSE_AT_IMPORT),
            "GUIDE_PAUSE_AT": moment,
            "GUIDE_PAUSE_MARKER": str(reached),
        }
    build = make(book, target, env=env)
    try:
        deadline = time.monotonic() + 120
        while not reached.exists():
            assert build.poll() is None, f"the build ended before it reached {moment}"
            assert time.monotonic() < deadline, f"the build never reached {moment}"
            time.sleep(0.01)
        assert build.poll() is None, f"the build ended at {moment}, before the signal"
        os.killpg(build.pid, signum)
        log = build.communicate(timeout=120)[0]
    finally:  # a failed check leaves no build running, nor its output pipe open
        if build.poll() is None:
            os.killpg(build.pid, signal.SIGKILL)
        build.communicate()
    time.sleep(0.5)
    assert build.returncode == -signum, log  # make stops on the signal, so a script sees it was stopped
    assert log.strip() == f"{STOPPED} in _build is unchanged." or log.strip() == f"{STOPPED} is unchanged.", (
        log
    )
    assert "Traceback" not in log and "make: ***" not in log
    assert not (book / "_build" / ".staging").exists()
    assert running_in(build.pid) == []
    assert hashes(book / "_build", parts=("html", "epub", "pdf", "doctrees")) == before


def test_the_next_build_works(book):
    after_stops = make(book, "html")
    log = after_stops.communicate(timeout=300)[0]
    assert after_stops.returncode == 0, log
    assert (
        "A sentence that is never published." in (book / "_build/html/04-offer-alternatives.html").read_text()
    )


BLOCKS_SIGUSR1 = (
    "import signal, sys, time; signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1}); "
    "print('ready', flush=True); time.sleep(30)"
)


@pytest.mark.parametrize("blocked", [True, False], ids=["blocked, as in make's handler", "not had"])
def test_make_is_sent_the_signal_only_if_it_has_not_had_it(blocked):
    """A second Ctrl+C, sent to make while it handles the first, made it stop with 'wait: No child
    processes'; system.signal_state sees a signal blocked or waiting (Linux; elsewhere never)."""
    code = BLOCKS_SIGUSR1 if blocked else "import time; print('ready', flush=True); time.sleep(30)"
    with subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True) as other:
        try:
            assert other.stdout.readline().strip() == "ready"
            on_linux = Path("/proc/self/status").exists()
            assert signal_state(other.pid, signal.SIGUSR1) == ("blocked" if blocked and on_linux else None)
            assert has_signal(other.pid, signal.SIGUSR1) == (blocked and on_linux)
            if blocked:
                os.kill(other.pid, signal.SIGUSR1)  # waiting now, as a Ctrl+C make has not handled yet
                assert signal_state(other.pid, signal.SIGUSR1) == ("waiting" if on_linux else None)
                assert has_signal(other.pid, signal.SIGUSR1) == on_linux
        finally:
            other.kill()


# A recipe that stops as build.py does: on Ctrl+C it calls system.stop_make_too and ends
# at once. Once it is ready, it runs on a core of its own, and make on another, beside a
# busy loop, at the lowest priority: make then wakes to the signal only after the recipe
# has ended, unless the recipe waits for it.
QUICK_RECIPE = """
import os, signal, sys, time
from guidebook.tools.system import stop_make_too
os.sched_setaffinity(0, {{{core}}})
signal.signal(signal.SIGINT, lambda signum, frame: (stop_make_too(signum), os._exit(0)))
open("ready", "w").close()
time.sleep(60)
"""


def test_a_recipe_stopped_with_make_ends_after_make_has_taken_the_signal(tmp_path):
    """make 4.3 reaps a recipe that ended before make's handler ran outside the handler, which
    then waits for it again: 'wait: No child processes', status 2 instead of the signal."""
    cores = sorted(os.sched_getaffinity(0))
    make_core, recipe_core = cores[0], cores[-1]
    (tmp_path / "recipe.py").write_text(QUICK_RECIPE.format(core=recipe_core), encoding="utf-8")
    (tmp_path / "Makefile").write_text(
        f"export GUIDE_MAKE_PID := $(shell echo $$PPID)\nall:\n\t@{sys.executable} recipe.py\n",
        encoding="utf-8",
    )

    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        os.sched_setaffinity(busy.pid, {make_core})
        build = make(tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT), "MAKEFLAGS": "", "MAKELEVEL": ""})
        deadline = time.monotonic() + 60
        while not (tmp_path / "ready").exists():
            assert build.poll() is None and time.monotonic() < deadline, build.communicate()[0]
            time.sleep(0.01)
        # only now: starved from the start, make would take seconds to start the recipe
        os.sched_setaffinity(build.pid, {make_core})
        os.sched_setscheduler(build.pid, os.SCHED_IDLE, os.sched_param(0))
        os.killpg(build.pid, signal.SIGINT)
        log = build.communicate(timeout=60)[0]
    finally:
        busy.kill()
        busy.wait()
    assert (build.returncode, log) == (-signal.SIGINT, "")
