"""The website is valid: the Nu Html Checker (npm vnu-jar, on the tests' Java) finds no error
in any page the site serves, nor in its stylesheets and pictures, and no warning of ours.

The pages are checked as the site's host serves them (tools/site_server.py): under the
site's path, so absolute addresses and the Content-Security-Policy's 'self' mean what they
will mean on the web. Stylesheets and SVG pictures are checked as files, since the checker
picks their schema by file name. Known-bad files go through the same run, so the test
shows it would see a mistake.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import JAVA_OPTIONS, ROOT, missing

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
VNU_VERSION = "26.9.27"
# The checker refuses to fetch from 127.0.0.1 unless told to (validator/validator#1477).
VNU_OPTIONS = [*JAVA_OPTIONS, "-Dnu.validator.servlet.allow-forbidden-hosts=true"]

# Warnings about markup from upstream that no public means changes. Each is named whole,
# so any other warning, or a new wording of these, fails the test.
UPSTREAM_WARNINGS = {
    # furo's page template holds the page in <article role="main">, and Sphinx's HTML
    # writer puts the chapter inside it as <section><h1>: the article's heading is there,
    # one level down, where the checker does not look for it.
    "Article lacks heading. Consider using “h2”-“h6” elements to add identifying headings to all articles.",
    # Sphinx's HTML writer opens a <section> for the chapter and writes its title as the
    # <h1> inside it; the page has one <h1>, and furo's template has no other heading level.
    (
        "Consider using the “h1” element as a top-level heading only — or else use the “headingoffset” "
        "attribute (otherwise, all “h1” elements are treated as top-level headings by many screen readers "
        "and other tools)."
    ),
}

# One mistake of each kind the checker must catch: the tab label sphinx-design used to
# write, a property that does not exist, an element SVG does not have.
BAD_FILES = {
    "bad-page.html": (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Bad</title></head><body>'
        '<input type="radio" id="tab" name="tabs"><label for="tab" aria-controls="panel">Tab</label>'
        '<div id="panel">Panel</div></body></html>'
    ),
    "bad-style.css": "p { colour: red; }\n",
    "bad-picture.svg": '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><blob/></svg>\n',
}


def site_files(html: Path) -> tuple[list[str], list[Path]]:
    """The site's pages (as addresses under the site) and its stylesheets and SVG pictures."""
    pages = sorted(path.relative_to(html).as_posix() for path in html.rglob("*.html"))
    assets = sorted(path for path in html.rglob("*") if path.suffix in {".css", ".svg"})
    return pages, assets


def nu_html_checker(targets: list[str]) -> list[dict]:
    """Every message of one run of the checker over these addresses and files."""
    java = shutil.which("java")
    if not java:
        missing("Java (for the Nu Html Checker)", "sudo apt-get install default-jre-headless")
    if not VNU.exists():
        missing("The Nu Html Checker (vnu-jar, from package-lock.json)", "make node_modules/.installed")
    command = [
        java,
        *VNU_OPTIONS,
        "-jar",
        str(VNU),
        "--format",
        "json",
        "--also-check-css",
        "--also-check-svg",
    ]
    result = subprocess.run(
        [*command, *targets], capture_output=True, text=True, check=False
    )  # 1 when it finds errors
    report = json.loads(result.stderr)
    assert report["version"].startswith(VNU_VERSION), report["version"]
    return report["messages"]


def is_problem(message: dict) -> bool:
    """An error, a file the checker could not read, or a warning that is not a named upstream one."""
    if message["type"] in {"error", "non-document-error"}:
        return True
    return message.get("subType") == "warning" and message["message"] not in UPSTREAM_WARNINGS


def describe(message: dict) -> str:
    where = f"{message['url']}:{message.get('lastLine', '?')}"
    return f"{where}: {message['type']} {message.get('subType', '')}: {message['message']}"


@pytest.fixture(scope="module")
def checked(book, site, tmp_path_factory) -> dict:
    """One run over the whole site and the known-bad files: the targets and the messages."""
    bad = tmp_path_factory.mktemp("known-bad")
    for name, text in BAD_FILES.items():
        (bad / name).write_text(text, encoding="utf-8")
    pages, assets = site_files(book.html)
    targets = [site.url + page for page in pages] + [str(path) for path in assets]
    messages = nu_html_checker(targets + [str(bad / name) for name in BAD_FILES])
    return {"pages": pages, "assets": assets, "bad": bad, "messages": messages}


def test_every_page_stylesheet_and_picture_of_the_site_is_valid(checked):
    chapters = sorted(path.stem for path in (ROOT / "docs").glob("[0-9][0-9]-*.md"))
    assert {f"{name}.html" for name in ["index", "404", "search", *chapters]} <= set(checked["pages"])
    assert any(path.suffix == ".svg" for path in checked["assets"])
    assert any(path.name == "guide.css" for path in checked["assets"])
    ours = [m for m in checked["messages"] if str(checked["bad"]) not in m["url"]]
    problems = [describe(m) for m in ours if is_problem(m)]
    assert not problems, "\n".join(problems)


def test_the_checker_finds_the_mistakes_in_known_bad_files(checked):
    for name in BAD_FILES:
        errors = [m for m in checked["messages"] if m["url"].endswith(name) and m["type"] == "error"]
        assert errors, f"the Nu Html Checker found nothing wrong in {name}"
    page_errors = " ".join(m["message"] for m in checked["messages"] if m["url"].endswith("bad-page.html"))
    assert "aria-controls" in page_errors


def test_only_named_upstream_warnings_pass():
    warning = {"type": "info", "subType": "warning"}
    assert not is_problem({**warning, "message": next(iter(UPSTREAM_WARNINGS))})
    assert is_problem({**warning, "message": "The “banner” role is unnecessary for element “header”."})
    assert not is_problem({"type": "info", "message": "Trailing slash on void elements has no effect."})


def test_tab_labels_name_their_input_without_aria_controls(tmp_path):
    """guidebook.markup.tab_labels, in-process on a one-page project with a tab-set."""
    from sphinx.testing.util import SphinxTestApp

    (tmp_path / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinx_design", "guidebook.markup.tab_labels"]\n'
        'myst_enable_extensions = ["colon_fence"]\n',
        encoding="utf-8",
    )
    (tmp_path / "index.md").write_text(
        "# Tabs\n\n::::{tab-set}\n:::{tab-item} One\nFirst.\n:::\n:::{tab-item} Two\nSecond.\n:::\n::::\n",
        encoding="utf-8",
    )
    app = SphinxTestApp("html", srcdir=tmp_path)
    try:
        app.build()
    finally:
        app.cleanup()
    page = (tmp_path / "_build" / "html" / "index.html").read_text(encoding="utf-8")
    labels = [line.strip() for line in page.splitlines() if 'class="sd-tab-label"' in line]
    assert labels == [
        '<label class="sd-tab-label" for="sd-tab-item-0">',
        '<label class="sd-tab-label" for="sd-tab-item-1">',
    ]
    assert 'id="sd-tab-item-0-content"' in page  # the panels keep their ids: links to them still work
