"""Two clean builds of one commit give byte-identical HTML, EPUB and PDF.

The session's build, from the checkout, is compared with a second build from a
copy of the book in another folder, into another output folder, with the same
SOURCE_DATE_EPOCH but a different time zone, locale, hash seed and umask: every file of the website, the EPUB and the
PDF must be the same, byte for byte. (Sphinx's doctrees are its own cache,
never published, and are left out.)
"""

import os
import subprocess
import zipfile
from pathlib import Path

import pikepdf
import pytest

from book_copy import build, copy_book, hashes
from conftest import ROOT, SLUG
from guidebook.build_date import last_commit_epoch


def zip_differences(first: Path, second: Path) -> list[str]:
    """Say what differs inside two zips (an EPUB): names, order, dates or content."""
    with zipfile.ZipFile(first) as a, zipfile.ZipFile(second) as b:
        if a.namelist() != b.namelist():
            return [f"entries differ: {a.namelist()} / {b.namelist()}"]
        found = []
        for x, y in zip(a.infolist(), b.infolist()):
            if x.date_time != y.date_time:
                found.append(f"{x.filename}: dated {x.date_time} / {y.date_time}")
            if a.read(x) != b.read(y):
                found.append(f"{x.filename}: content differs")
            if (x.external_attr, x.compress_type, x.extra) != (y.external_attr, y.compress_type, y.extra):
                found.append(f"{x.filename}: attributes differ")
        return found or ["the zip's own bytes differ"]


SECOND_ENV = {"TZ": "Pacific/Auckland", "LC_ALL": "C", "PYTHONHASHSEED": "999"}


@pytest.fixture(scope="module")
def two_builds(book, tmp_path_factory) -> tuple[Path, Path]:
    """The session's build, and a second one from a copy of the book in another folder."""
    second = copy_book(tmp_path_factory.mktemp("reproducible") / "another-checkout" / "guide")
    # the second build also differs in what a machine may: time zone, locale, hash seed, umask
    with pytest.MonkeyPatch.context() as patch:
        for name, value in SECOND_ENV.items():
            patch.setenv(name, value)
        old_umask = os.umask(0o077)
        try:
            result = build(second, "all")
        finally:
            os.umask(old_umask)
    assert result.returncode == 0, result.stdout + result.stderr
    return book.out, second / "_build"


def published(folder: Path) -> dict[str, str]:
    """What is published, by path: .buildinfo is Sphinx's note of its settings, paths included."""
    return {name: digest for name, digest in hashes(folder).items() if not name.endswith("/.buildinfo")}


def test_two_clean_builds_are_byte_identical(two_builds):
    first, second = two_builds
    a, b = published(first), published(second)
    assert set(a) == set(b), f"different files: {sorted(set(a) ^ set(b))}"
    differing = sorted(name for name in a if a[name] != b[name])
    details = []
    for name in differing:
        if name.endswith(".epub"):
            details += [f"{name}: {problem}" for problem in zip_differences(first / name, second / name)]
        else:
            details.append(name)
    assert not differing, "not reproducible:\n  " + "\n  ".join(details)


def test_all_three_formats_were_compared(two_builds):
    names = set(published(two_builds[0]))
    assert {"html/index.html", f"epub/{SLUG}.epub", f"pdf/{SLUG}.pdf", "html/searchindex.js"} <= names


def test_source_date_epoch_defaults_to_the_last_commit():
    last_commit = subprocess.run(
        ["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert str(last_commit_epoch()) == last_commit


def test_the_builds_are_dated_source_date_epoch(two_builds):
    """The date each format records is SOURCE_DATE_EPOCH (2026-01-01 here), not the build's clock."""
    build = two_builds[0]
    with pikepdf.open(build / "pdf" / f"{SLUG}.pdf") as pdf:
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:20260101000000")
    with zipfile.ZipFile(build / "epub" / f"{SLUG}.epub") as epub:
        assert (
            '<meta property="dcterms:modified">2026-01-01T00:00:00Z</meta>'
            in epub.read("content.opf").decode()
        )
        assert {info.date_time for info in epub.infolist()} == {(2026, 1, 1, 0, 0, 0)}
