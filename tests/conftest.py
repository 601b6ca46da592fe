"""Build the guide once per test session, into a temporary folder, and share it."""

import fcntl
import os
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
# Sphinx colours its messages when CI=true; the tests read them as plain text.
os.environ["NO_COLOR"] = "1"

from book_copy import build, run_tool, settings_args  # noqa: E402
from guidebook.build_date import NO_HISTORY_EPOCH  # noqa: E402
from guidebook.settings import book_settings  # noqa: E402
from guidebook.tools import system  # noqa: E402
from guidebook.tools.build import book_slug, outputs  # noqa: E402 (after NO_COLOR)

SLUG = book_slug()
# The tests' builds are dated as a copy of the guide without git history is: 2026-01-01T00:00:00Z.
EPOCH = NO_HISTORY_EPOCH
# make_app and @pytest.mark.sphinx: small projects built in the test process (tests/roots/).
pytest_plugins = ["sphinx.testing.fixtures"]


SNAPSHOTS = Path(__file__).parent / "snapshots"


def pytest_addoption(parser):
    parser.addoption(
        "--update-snapshots", action="store_true", help="write tests/snapshots/ anew from what this run makes"
    )


@pytest.fixture
def snapshot(request):
    """``snapshot(name, text)``: the text must be tests/snapshots/NAME, unless --update-snapshots rewrites it."""
    update = request.config.getoption("--update-snapshots")

    def check(name: str, text: str) -> None:
        path = SNAPSHOTS / name
        if update or not path.exists():
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
            assert update, f"wrote the new snapshot {path.name}: check it, then run again"
        assert text == path.read_text(encoding="utf-8"), f"{name} changed: if on purpose, --update-snapshots"

    return check


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where @pytest.mark.sphinx(testroot="safety") finds tests/roots/test-safety."""
    return Path(__file__).parent / "roots"


BOOK = book_settings()


@dataclass
class Build:
    out: Path
    log: str

    @property
    def html(self) -> Path:
        return self.out / "html"

    @property
    def epub(self) -> Path:
        return outputs(self.out)["epub"]

    @property
    def pdf(self) -> Path:
        return outputs(self.out)["pdf"]

    @property
    def print_interior(self) -> Path:
        return outputs(self.out)["print"]

    @property
    def print_cover(self) -> Path:
        return outputs(self.out)["print-cover"]


def built_once(tmp_path_factory, name: str, build) -> Build:
    """``build(out)``, run once for the whole test run.

    With ``make test``'s workers (pytest -n), the first worker that needs it builds it in
    the run's shared folder while the others wait, as pytest-xdist advises: a build for
    each worker would take the time the workers save.
    """
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # the run's, or this worker's
    out, log_file = shared / name, shared / f"{name}.log"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not log_file.exists():
            result = build(out)
            log = result.stdout + result.stderr
            assert result.returncode == 0, f"the build failed:\n{log}"
            log_file.write_text(log, encoding="utf-8")
    return Build(out, log_file.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def book(tmp_path_factory) -> Build:
    """The whole book, built once: html, epub, pdf and the paperback (print)."""
    return built_once(tmp_path_factory, "book", lambda out: build(ROOT, "all", "print", out=out))


# Settings changed on the command line (-D) for the one build that tests them.
OVERRIDES = {"book_booking_url": "https://booking.example.org/assessment", "book_edition": "9.9"}


def release_with_overrides(out: Path) -> subprocess.CompletedProcess:
    return run_tool(ROOT, "dist", "--out", str(out), *settings_args(OVERRIDES))


@pytest.fixture(scope="session")
def overridden(tmp_path_factory) -> Build:
    """The release (`make dist`) of the book with OVERRIDES set by -D: one build for every test of -D."""
    return built_once(tmp_path_factory, "overridden", release_with_overrides)


def page_text(html: str) -> str:
    soup = BeautifulSoup(html, "lxml")
    main = soup.find("article") or soup.find("main") or soup.body
    return main.get_text(" ")


@pytest.fixture(scope="session")
def html_text(book) -> str:
    return " ".join(page_text(p.read_text(encoding="utf-8")) for p in sorted(book.html.glob("*.html")))


@pytest.fixture(scope="session")
def epub_text(book) -> str:
    with zipfile.ZipFile(book.epub) as epub:
        return " ".join(
            page_text(epub.read(name).decode("utf-8"))
            for name in sorted(epub.namelist())
            if name.endswith(".xhtml")
        )


@pytest.fixture(scope="session")
def pdf_text(book) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(book.pdf).pages)


@pytest.fixture(scope="session")
def print_text(book) -> str:
    """The paperback interior's text, page after page."""
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(book.print_interior).pages)


# ── The website in a real browser (test_browser.py, test_workbook.py) ───────────────

# Chromium or Google Chrome where Linux and macOS put them, or the browser the CHROMIUM variable names
CHROMIUM = system.browser()
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# epubcheck and the Nu Html Checker are runs of a few seconds, beside the other tests on every
# core: the JVM's quick compiler alone and its one-thread collector do them in half the CPU time
# of its defaults (14.3 -> 7.8 s and 10.2 -> 5.1 s). The quick compiler's frames are larger, and
# the Nu Html Checker's schema recurses deeply: more stack than the 1 MB it would get.
JAVA_OPTIONS = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss16m"]


def missing(what: str, install: str):
    message = f"{what} is missing: {install}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser():
    """The machine's Chromium, one for the session: Playwright runs one browser at a time."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright", ".venv/bin/pip install -r requirements.txt")
    if not CHROMIUM:
        missing("Chromium or Google Chrome", f"{system.how_to_get('Chromium')}, or set CHROMIUM to its path")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def site(book):
    """The built website, served from 127.0.0.1 under the path of book_site_url."""
    from guidebook.tools.site_server import SiteServer, site_path

    with SiteServer(book.html, site_path(BOOK["book_site_url"])) as server:
        yield server
