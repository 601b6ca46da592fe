"""Each usual mistake (tests/mistakes.yaml) is named with its file and line and what to do.

The chapters are built at once, in this process, in a small book; that a failed
`make` keeps the last good output is tests/test_mistakes.py's.
"""

import io
import re

import pytest
import yaml
from sphinx.testing.util import SphinxTestApp
from sphinx.util.console import strip_escape_sequences

from conftest import ROOT

MISTAKES = yaml.safe_load((ROOT / "tests" / "mistakes.yaml").read_text(encoding="utf-8"))
CONCLUSION = "---\ndescription: The end.\n---\n\n(conclusion)=\n# Conclusion\n\nThe end.\n"


def chapter_text(case: dict) -> str:
    """The chapter file: four lines of front matter, then the case's chapter."""
    front = case.get("front_matter", "description: A chapter of the small book.")
    return f"---\n{front}\n" + ("---\n\n" if case.get("closed", True) else "\n\n") + case["chapter"]


@pytest.fixture(scope="module")
def log(tmp_path_factory) -> str:
    docs = tmp_path_factory.mktemp("mistakes") / "docs"
    docs.mkdir()
    (docs / "conf.py").write_text("from tiny_book import *\n", encoding="utf-8")
    listed = [name for name, case in MISTAKES.items() if case.get("listed", True)]
    toctree = "\n".join(["conclusion", *listed])
    (docs / "index.md").write_text(
        f"---\ndescription: A small book.\n---\n\n# A Small Book\n\n```{{toctree}}\n{toctree}\n```\n",
        encoding="utf-8",
    )
    (docs / "conclusion.md").write_text(CONCLUSION, encoding="utf-8")
    for name, case in MISTAKES.items():
        (docs / f"{name}.md").write_text(chapter_text(case), encoding="utf-8")
    warning = io.StringIO()
    app = SphinxTestApp("dummy", srcdir=docs, status=io.StringIO(), warning=warning)
    try:
        app.build()
    finally:
        app.cleanup()
    return strip_escape_sequences(warning.getvalue())


@pytest.mark.parametrize("name", MISTAKES)
def test_a_mistake_is_named_with_its_file_and_line_and_what_to_do(log, name):
    case = MISTAKES[name]
    line = case["line"]
    file = f"{name}.md"
    # "x.md:12: ERROR: …" (or, for a label used twice, the other file naming this one's line)
    report = re.search(
        rf"^{re.escape(file)}:{line}: ERROR: (.+)\n    What to do: (.+)$", log, re.M
    ) or re.search(
        rf"^[\w-]+\.md:\d+: ERROR: (.*{re.escape(file)}, line {line}\..*)\n    What to do: (.+)$", log, re.M
    )
    assert report, log
    assert case["message"] in report[0], report[0]


def test_each_mistake_has_a_chapter_of_its_own():
    assert len(MISTAKES) >= 10
    assert all({"chapter", "line", "message"} <= set(case) for case in MISTAKES.values())
