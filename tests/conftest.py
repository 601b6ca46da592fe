"""Build the guide once per test session, into a temporary folder, and share it."""

import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))
# Sphinx colours its messages when CI=true; the tests read them as plain text.
os.environ["NO_COLOR"] = "1"

from guidebook.tools.build import book_slug  # noqa: E402
from guidebook.settings import book_settings  # noqa: E402

SLUG = book_slug()


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
        return self.out / "epub" / f"{SLUG}.epub"

    @property
    def pdf(self) -> Path:
        return self.out / "pdf" / f"{SLUG}.pdf"


def run_build(out: Path, *args: str, epoch: str = "1767225600") -> subprocess.CompletedProcess:
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch}
    return subprocess.run(
        [sys.executable, "-m", "guidebook.tools.build", *args, "--out", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )


@pytest.fixture(scope="session")
def book(tmp_path_factory) -> Build:
    """The whole book, built once: html, epub and pdf."""
    out = tmp_path_factory.mktemp("book")
    result = run_build(out, "all")
    log = result.stdout + result.stderr
    assert result.returncode == 0, f"the build failed:\n{log}"
    return Build(out, log)


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
            for name in sorted(epub.namelist()) if name.endswith(".xhtml")
        )


@pytest.fixture(scope="session")
def pdf_text(book) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(book.pdf).pages)
