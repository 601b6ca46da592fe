"""Explain every build problem in plain words: the file, the line, and what to do.

Sphinx, MyST and docutils report mistakes in their own terms ("undefined
label", "Malformed YAML"). A filter on Sphinx's warning stream rewrites each
report as::

    docs/04-offer-alternatives.md:32: ERROR: a link points to the label 'nowhere', …
        What to do: …

The report still counts as a warning, so the build still fails (``-W``) and the
build driver keeps the last good output. Two mistakes that Sphinx and MyST let
through silently are checked here when a chapter is read: a ``:::`` block that
is never closed or has no ``{name}``, and front matter without a description.
"""

from __future__ import annotations

import difflib
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from sphinx.application import Sphinx
from sphinx.util import logging as sphinx_logging

from guidebook.chapters import CHAPTER_NAME
from guidebook.warning_types import WARNING_TYPE, GuideWarning

logger = sphinx_logging.getLogger(__name__)

EDITING_GUIDE = "EDITING.md"
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}
# The show_warning_types suffix, e.g. " [ref.ref]"; sphinx-design adds its own too.
TYPE_SUFFIX = re.compile(r"(\s+\[[\w.-]+\])+$")


@dataclass
class Report:
    path: str  # as Sphinx gave it, usually absolute
    line: int | None
    message: str
    kind: str = ""  # the warning's type, e.g. "ref" or "guide"


# ── Checks Sphinx does not make ────────────────────────────────────────────

FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>:{3,}|`{3,})(?P<info>.*)$")
DIRECTIVE_INFO = re.compile(r"^\s*\{[A-Za-z][\w:-]*\}(\s.*)?$")


def is_closing(line: str, char: str, count: int) -> bool:
    stripped = line.strip()
    return len(stripped) >= count and set(stripped) == {char}


def fence_problems(lines: list[str], start: int = 0, end: int | None = None) -> list[tuple[int, str]]:
    """(line number, message) for each ``:::`` or ````` block that is malformed.

    This follows markdown-it: a fence runs to the first line of the same
    character at least as long as its opening, and a colon block's content is
    Markdown again, so it is checked the same way.
    """
    end = len(lines) if end is None else end
    problems = []
    number = start
    while number < end:
        match = FENCE.match(lines[number])
        if not match or len(match.group("indent")) > 3 and match.group("fence")[0] == ":":
            number += 1
            continue
        fence, info = match.group("fence"), match.group("info")
        char, count = fence[0], len(fence)
        if char == "`" and "`" in info:  # inline code, not a fence
            number += 1
            continue
        closing = next((n for n in range(number + 1, end) if is_closing(lines[n], char, count)), None)
        opening = lines[number].strip()
        if char == ":" and not info.strip():
            problems.append(
                (
                    number + 1,
                    (
                        f"the line '{opening}' starts a block with no name, so everything after it "
                        f"becomes part of that block.\n"
                        f"What to do: if it was meant to close a block, that block was already closed "
                        f"above: check the number of colons. A block opens with its name, "
                        f"e.g. ':::{{admonition}} Key idea', and closes with the same number of colons."
                    ),
                )
            )
        elif char == ":" and not DIRECTIVE_INFO.match(info):
            problems.append(
                (
                    number + 1,
                    (
                        f"the block '{opening}' is not written right: its name must be in curly "
                        f"brackets right after the colons.\n"
                        f"What to do: write it like ':::{{admonition}} Key idea' (colons, the name "
                        f"in {{}}, a space, then the title)."
                    ),
                )
            )
        if closing is None and (char == "`" or info.strip()):  # an unnamed one is reported above
            problems.append(
                (
                    number + 1,
                    (
                        f"the block '{opening}' that starts here is never closed, so the rest of the "
                        f"chapter falls inside it.\n"
                        f"What to do: add a line '{fence}' (the same number of "
                        f"{'colons' if char == ':' else 'backticks'}, {count}) where the block ends."
                        + (
                            " A block inside another block needs fewer colons than the outer one: "
                            "'::::{grid}' around ':::{grid-item-card}'."
                            if char == ":"
                            else ""
                        )
                    ),
                )
            )
        closing = end if closing is None else closing
        if char == ":":
            problems += fence_problems(lines, number + 1, closing)
        number = closing + 1
    return problems


def front_matter_problem(lines: list[str]) -> tuple[int, str] | None:
    """A chapter's front matter must give a description (search engines, social cards, EPUB)."""
    if not lines or lines[0].strip() != "---":
        return 1, (
            "this chapter has no front matter, so search engines and the ebook get no "
            "description of it.\n"
            "What to do: start the file with three lines: '---', "
            "'description: One sentence saying what the chapter is about.', '---'."
        )
    closing = next((n for n in range(1, len(lines)) if lines[n].strip() == "---"), None)
    if closing is None:
        return None  # reported by MyST/docutils, explained by explain_front_matter
    try:
        data = yaml.safe_load("\n".join(lines[1:closing]))
    except yaml.YAMLError:
        return None  # MyST reports "Malformed YAML", explained below
    if isinstance(data, dict) and isinstance(data.get("description"), str) and data["description"].strip():
        return None
    keys = list(data) if isinstance(data, dict) else []
    near = difflib.get_close_matches("description", [str(k) for k in keys], n=1)
    hint = f" ('{near[0]}' looks like a misspelling of it)" if near else ""
    return 2, (
        f"the front matter has no description{hint}.\n"
        f"What to do: between the two '---' lines at the top, write "
        f"'description: One sentence saying what the chapter is about.'"
    )


def check_source(app: Sphinx, docname: str, source: list[str]) -> None:
    lines = source[0].splitlines()
    try:
        found = fence_problems(lines)
        problem = front_matter_problem(lines) if CHAPTER_NAME.fullmatch(docname) else None
    except Exception as error:  # a flaw in a check must not stop the build; the tests cover them
        logger.debug("guidebook.authoring.messages could not check %s: %r", docname, error)
        return
    if problem:
        found.append(problem)
    for line, message in sorted(found):
        logger.warning(message, location=(docname, line), type=WARNING_TYPE, subtype=GuideWarning.SOURCE)


# ── Explaining what Sphinx, MyST and docutils report ───────────────────────


def suggestion(word: str, choices) -> str:
    near = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.6)
    return f" Did you mean '{near[0]}'?" if near else ""


def labels(app: Sphinx) -> list[str]:
    std = app.env.domaindata.get("std", {}) if app.env else {}
    return [name for name in std.get("labels", {}) if name not in {"genindex", "modindex", "search"}]


def line_of(path: Path, pattern: str) -> int | None:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    for number, line in enumerate(text.splitlines(), 1):
        if re.search(pattern, line):
            return number
    return None


def toctree_line(app: Sphinx) -> tuple[str, int | None]:
    index = Path(app.srcdir, app.config.root_doc + ".md")
    return relative(app, str(index)), line_of(index, r"\{toctree\}")


def relative(app: Sphinx, path: str) -> str:
    try:
        return Path(path).resolve().relative_to(Path(app.confdir).resolve()).as_posix()
    except ValueError:
        return path


def explain_undefined_label(app, report, label):
    return (
        f"a link points to the label '{label}', but no chapter or section has that label.",
        f"check the spelling.{suggestion(label, labels(app))} A label is the line "
        f"'(name)=' just above a heading; link to it with {{ref}}`name` or "
        f"{{ref}}`your text <name>`.",
    )


def explain_missing_target(app, report, target):
    docs = [f"{name}.md" for name in app.env.found_docs] if app.env else []
    return (
        f"a link points to '{target}', which is not a label, a heading or a chapter of the book.",
        f"check the spelling.{suggestion(target.lstrip('#'), [*labels(app), *docs])} "
        f"Link to a chapter by its label, never by its file name: {{ref}}`your text <label>`.",
    )


def explain_missing_image(app, report, image):
    here = Path(report.path).parent
    pictures = [p.relative_to(here).as_posix() for p in here.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES]
    return (
        f"the picture '{image}' is not there.",
        f"check the file name (capitals count) and where the file is.{suggestion(image, pictures)} "
        f"Put pictures in docs/images/ and write ![what the picture shows](images/name.png).",
    )


# The blocks and inline markup a chapter of this guide may use (EDITING.md shows each),
# for "did you mean" suggestions.
KNOWN_DIRECTIVES = [
    "admonition",
    "note",
    "tip",
    "important",
    "attention",
    "caution",
    "warning",
    "hint",
    "seealso",
    "figure",
    "image",
    "toctree",
    "only",
    "epigraph",
    "topic",
    "rubric",
    "list-table",
    "csv-table",
    "grid",
    "grid-item",
    "grid-item-card",
    "card",
    "tab-set",
    "tab-item",
    "button-link",
    "button-ref",
    "dropdown",
    "answer-lines",
    "booking-button",
    "guide-note",
    "download-buttons",
]
KNOWN_ROLES = ["ref", "doc", "download", "abbr", "sub", "sup", "booking", "original-post", "bdg", "octicon"]


def explain_unknown_directive(app, report, name):
    return (
        f"there is no block called '{name}'.",
        f"fix the name between the curly brackets.{suggestion(name, KNOWN_DIRECTIVES)} "
        f"The blocks this book uses are listed in {EDITING_GUIDE}, e.g. ':::{{admonition}} Key idea'.",
    )


def explain_unknown_role(app, report, name):
    known = KNOWN_ROLES
    return (
        f"there is no inline markup called {{{name}}}.",
        f"fix the name between the curly brackets.{suggestion(name, known)} "
        f"For a link to a chapter write {{ref}}`your text <label>`.",
    )


def explain_duplicate_label(app, report, label, other):
    other_line = line_of(Path(other), rf"^\s*\({re.escape(label)}\)=\s*$")
    where = relative(app, other) + (f", line {other_line}" if other_line else "")
    return (
        f"the label '{label}' is used twice: here and in {where}.",
        f"labels must be unique. Rename one of them (the '({label})=' line) and change "
        f"the links that should point to it.",
    )


def explain_not_in_toctree(app, report):
    index, line = toctree_line(app)
    docname = Path(report.path).stem
    report.line = report.line or 1
    return (
        "this chapter is not in the table of contents, so no reader can reach it.",
        f"add the line '{docname}' to the list under {{toctree}} in {index}"
        f"{f' (line {line})' if line else ''}, where it belongs in reading order. "
        f"If the chapter is gone for good, delete its file.",
    )


def explain_missing_chapter(app, report, docname):
    return (
        f"the table of contents lists '{docname}', but there is no file docs/{docname}.md.",
        "fix the name (it is the file name without '.md') or remove the line.",
    )


def explain_front_matter(app, report):
    lines = Path(report.path).read_text(encoding="utf-8").splitlines()
    closing = next((n for n in range(1, len(lines)) if lines[n].strip() == "---"), None)
    detail = ""
    if closing is not None:
        try:
            yaml.safe_load("\n".join(lines[1:closing]))
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            if mark is not None:
                report.line = mark.line + 2  # the YAML starts on the file's second line
            detail = f" ({getattr(error, 'problem', None) or 'not valid YAML'})"
    return (
        f"the front matter (the lines between the two '---' at the top) is not written right{detail}.",
        "it should read 'description: One sentence.' If the sentence has a colon or "
        "starts with a quote mark, put it all in double quotes: "
        'description: "Step 1: why a partner refuses."',
    )


def explain_unclosed_front_matter(app, report):
    first = Path(report.path).read_text(encoding="utf-8").splitlines()[:1]
    if first != ["---"]:
        return None
    return (
        "the front matter at the top of the file is not closed.",
        "add a line '---' after the description line, before the chapter's label and title.",
    )


def explain_option(app, report, detail):
    return (
        f"an option line of this block is not written right ({detail.strip()}).",
        "options go right under the block's first line, one a line, with a colon before "
        "and after the name: ':class: key-idea'.",
    )


def explain_missing_argument(app, report, name, detail):
    return (
        f"the block '{name}' is missing something on its first line ({detail.strip()}).",
        f"write it like ':::{{{name}}} Your title' (see {EDITING_GUIDE} for each block).",
    )


def explain_grid(app, report):
    return (
        "a card is not inside its grid, or the grid is closed too early.",
        "a grid needs more colons than the cards inside it: '::::{grid} 1 2 2 3', then each "
        "card ':::{grid-item-card} Title' … ':::', then '::::' to close the grid.",
    )


def explain_heading_levels(app, report, detail):
    return (
        f"a heading skips a level ({detail}).",
        "the chapter title is the only '#'; sections are '##', and sections inside them '###'.",
    )


def explain_raw_html(app, report, snippet, advice):
    return f"HTML is not allowed in the chapters ({snippet}).", advice[:1].lower() + advice[1:]


RULES = [
    (r"undefined label: '(?P<label>[^']+)'", explain_undefined_label),
    (r"cross-reference target not found: '(?P<target>[^']+)'", explain_missing_target),
    (r"unknown document: '(?P<target>[^']+)'", explain_missing_target),
    (r"image file not readable: (?P<image>.+)$", explain_missing_image),
    (r"Unknown directive type:? '?\"?(?P<name>[\w:-]+)", explain_unknown_directive),
    (r"Unknown interpreted text role \"(?P<name>[^\"]+)\"", explain_unknown_role),
    (r"duplicate label (?P<label>\S+), other instance in (?P<other>.+)$", explain_duplicate_label),
    (r"document isn't included in any toctree", explain_not_in_toctree),
    (r"toctree contains reference to nonexisting document '(?P<docname>[^']+)'", explain_missing_chapter),
    (r"Malformed YAML", explain_front_matter),
    (r"Document or section may not begin with a transition", explain_unclosed_front_matter),
    (r"Invalid options format(?P<detail>.*)$", explain_option),
    (r"(?P<detail>(?i:unknown) option.*)$", explain_option),
    (r"Directive '(?P<name>[^']+)': (?P<detail>.*argument.*)$", explain_missing_argument),
    (r"(parent of a 'grid-item'|children of a 'grid-row')", explain_grid),
    (r"Non-consecutive header level increase; (?P<detail>.*)$", explain_heading_levels),
    (
        r"raw HTML is not allowed in the guide's chapters \((?P<snippet>.*)\)\. (?P<advice>.*)$",
        explain_raw_html,
    ),
]


def explain(app: Sphinx, report: Report) -> tuple[str, str]:
    if "\nWhat to do:" in report.message:
        problem, advice = report.message.split("\nWhat to do:", 1)
        return problem, advice.strip()
    for pattern, explainer in RULES:
        match = re.search(pattern, report.message)
        if match:
            try:
                found = explainer(app, report, **match.groupdict())
            except OSError:
                found = None
            if found:
                return found
    # the guide's own extensions write "What is wrong. What to do."
    own = re.match(r"^(.+?[.)])\s+([A-Z].+)$", report.message)
    if report.kind == WARNING_TYPE and own:
        return own.group(1), own.group(2)
    return report.message, (
        f"fix the line named here; '{EDITING_GUIDE}' (When the build fails) explains the usual mistakes."
    )


class ExplainWarnings(logging.Filter):
    """Runs after Sphinx has turned the location into 'path:line'."""

    def __init__(self, app: Sphinx) -> None:
        super().__init__()
        self.app = app

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "explained", False) or record.levelno < logging.WARNING:
            return True
        try:
            message = TYPE_SUFFIX.sub("", logging.LogRecord.getMessage(record))
            location = getattr(record, "location", None) or ""
            path, _, line = location.rpartition(":") if re.search(r":\d*$", location) else (location, "", "")
            report = Report(
                path, int(line) if line.isdigit() else None, message, getattr(record, "type", "") or ""
            )
            problem, advice = explain(self.app, report)
        except Exception:  # never let an explanation hide the original report
            return True
        if report.path:
            record.location = relative(self.app, report.path) + (f":{report.line}" if report.line else "")
        record.msg = f"{problem}\n    What to do: {advice}"
        record.args = ()
        # every report fails the build (-W), so it is shown as an error
        record.levelno, record.levelname = logging.ERROR, "ERROR"
        record.explained = True
        return True


def install_filter(app: Sphinx) -> None:
    for handler in logging.getLogger(sphinx_logging.NAMESPACE).handlers:
        if isinstance(handler, sphinx_logging.WarningStreamHandler):
            if not any(isinstance(f, ExplainWarnings) for f in handler.filters):
                handler.addFilter(ExplainWarnings(app))


def setup(app: Sphinx) -> dict:
    install_filter(app)
    app.connect("source-read", check_source)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
