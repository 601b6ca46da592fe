"""A chapter cannot inject script into the site, nor pull in files from outside docs/.

Each case goes into a chapter of its own of a small book (tests/tiny_book.py), built
in this process: the build must warn with a message naming the file and the line,
and nothing it tried to bring in may reach the output. Markdown that MyST makes
harmless (javascript: links, on* attributes) builds, and nothing of it that could
run is left on the page. (That a failed `make` keeps the last good output is
tests/test_mistakes.py's.)
"""

import io
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp
from sphinx.util.console import strip_escape_sequences

from guidebook.settings import read_conf

TOKEN = "INJECTED-7f3a"
SECRET = "SECRET-OUTSIDE-DOCS-5c1d"
FRONT = "---\ndescription: A chapter of the small book.\n---\n\n# Chapter {n}\n\n"


def build_chapters(folder: Path, snippets: dict[str, str], offsets: dict | None = None):
    """A small book in ``folder/docs`` with one chapter a snippet, built as a website in this process.

    Returns the output folder, the warnings, and the (file, line) each snippet's message must name:
    its first line, or ``offsets[case]`` lines below it (None: no line, only the file)."""
    (folder / "secret.txt").write_text(f"{SECRET}\n", encoding="utf-8")
    (folder / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\n" + SECRET.encode())
    docs = folder / "docs"
    docs.mkdir()
    (docs / "conf.py").write_text("from tiny_book import *\n", encoding="utf-8")
    names = [f"c{n:02}" for n in range(len(snippets))]
    toctree = "\n".join(names)
    (docs / "index.md").write_text(
        f"---\ndescription: A small book.\n---\n\n# A Small Book\n\n```{{toctree}}\n{toctree}\n```\n"
    )
    offsets = offsets or {}
    where = {}
    for n, (name, (case, snippet)) in enumerate(zip(names, snippets.items())):
        before = FRONT.format(n=n)
        (docs / f"{name}.md").write_text(before + snippet + "\n", encoding="utf-8")
        line = (
            None
            if case in offsets and offsets[case] is None
            else before.count("\n") + 1 + offsets.get(case, 0)
        )
        where[case] = (f"{name}.md", line)
    warning = io.StringIO()
    app = SphinxTestApp("html", srcdir=docs, status=io.StringIO(), warning=warning)
    try:
        app.build()
    finally:
        app.cleanup()
    return Path(app.outdir), strip_escape_sequences(warning.getvalue()), where


def report_at(log: str, name: str, line: int | None) -> str:
    """The message for ``name:line`` ("docs/x.md:12: ERROR: …") with its "What to do" line."""
    lines = log.splitlines()
    where = f"{name}:{line}:" if line else f"{name}:"  # None: any line, or none
    reports = [" ".join(lines[n : n + 2]) for n, entry in enumerate(lines) if entry.startswith(where)]
    assert reports, f"no message names {where}\n{log}"
    return "\n".join(reports)


def assert_nothing_got_through(outdir: Path) -> None:
    """Not in any file of the output (as escaped text is harmless)."""
    forbidden = [SCRIPT, f"onerror=\"alert('{TOKEN}", f'<div class="admonition note">{TOKEN}', SECRET]
    for path in outdir.rglob("*"):
        if path.is_file() and ".doctrees" not in path.parts:
            content = path.read_bytes()
            for text in forbidden:
                assert text.encode() not in content, f"{text!r} reached {path}"


SCRIPT = f"<script>alert('{TOKEN}')</script>"


# Each is refused on its own line, so each alone fails the build (every warning is an error).
INSERTIONS = {
    "script in raw HTML": (SCRIPT, "use Markdown instead"),
    "raw html directive": (f"```{{raw}} html\n{SCRIPT}\n```", "use Markdown instead"),
    "event handler in an HTML image": (
        f'<img src="x.png" onerror="alert(\'{TOKEN}\')">',
        "HTML is not allowed",
    ),
    "HTML admonition": (f'<div class="admonition note">{TOKEN}</div>', "HTML is not allowed"),
    "include of a file outside docs": (
        "```{include} ../secret.txt\n```",
        "{include} would copy another file",
    ),
    "literalinclude of a file outside docs": (
        "```{literalinclude} ../secret.txt\n```",
        "{literalinclude} would copy",
    ),
    "csv-table from a file": ("```{csv-table}\n:file: ../secret.txt\n```", "csv-table"),
    "raw directive from a file": ("```{raw} html\n:file: ../secret.txt\n```", "HTML is not allowed"),
    "download of a file outside docs": (
        "Get {download}`the file <../secret.txt>`.",
        "outside the book's docs/",
    ),
    "image from outside docs": ("![secret](../secret.png)", "outside the book's docs/"),
    # reStructuredText inside a chapter goes through the same checks
    "raw directive in eval-rst": (
        f"```{{eval-rst}}\n.. raw:: html\n\n   {SCRIPT}\n```",
        "HTML is not allowed",
        1,
    ),
    "include in eval-rst": ("```{eval-rst}\n.. include:: ../secret.txt\n```", "{include} would copy", 1),
    "raw role in eval-rst": (
        # docutils may report this one without its line
        f"```{{eval-rst}}\n.. role:: html(raw)\n   :format: html\n\nA :html:`{SCRIPT}` here.\n```",
        "raw (and derived) roles disabled",
        None,
    ),
}


@pytest.fixture(scope="module")
def insertions(tmp_path_factory):
    snippets = {case: value[0] for case, value in INSERTIONS.items()}
    offsets = {case: value[2] for case, value in INSERTIONS.items() if len(value) > 2}
    outdir, log, where = build_chapters(tmp_path_factory.mktemp("insertions"), snippets, offsets)
    assert "ERROR" in log
    return outdir, log, where


@pytest.mark.parametrize("case", INSERTIONS)
def test_a_chapter_cannot_insert_html_or_files(insertions, case):
    _, log, where = insertions
    report = report_at(log, *where[case])
    assert INSERTIONS[case][1] in report, report


def test_nothing_inserted_reaches_the_output(insertions):
    assert_nothing_got_through(insertions[0])


def test_myst_html_extensions_are_off():
    namespace = read_conf()
    assert "guidebook" in namespace["extensions"]  # guidebook.authoring.safety comes with it
    assert not {"html_image", "html_admonition"} & set(namespace["myst_enable_extensions"])


# Markdown that could carry script if MyST let it: links to javascript: and
# attributes such as onclick. MyST drops them (the build passes); nothing may run.
HARMLESS = f"""
Click [here](javascript:alert('{TOKEN}')) now.

Link [two](https://example.com){{onclick="alert('{TOKEN}')" style="color:red"}} here.

{{onmouseover="alert('{TOKEN}')"}}
A paragraph with attributes.

<javascript:alert('{TOKEN}')>
"""


def test_markdown_links_and_attributes_cannot_carry_script(tmp_path):
    outdir, log, _ = build_chapters(tmp_path, {"harmless": HARMLESS})
    assert log == ""
    soup = BeautifulSoup((outdir / "c00.html").read_text(encoding="utf-8"), "lxml")
    assert TOKEN in soup.get_text()  # the text is there, as text
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            assert not name.startswith("on"), f"<{tag.name} {name}=…>"
            assert TOKEN not in str(value), f"<{tag.name} {name}={value!r}>"
            assert not str(value).strip().lower().startswith("javascript:"), f"<{tag.name} {name}={value!r}>"
