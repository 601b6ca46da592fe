"""Refuse raw HTML and file insertion in chapters, so a chapter cannot inject script.

Sphinx has no setting for docutils' ``raw_enabled`` and ``file_insertion_enabled``
(a ``docutils_settings`` line in conf.py would do nothing), so they are switched
off here, on the build environment, before any chapter is read: ``{csv-table}``
with ``:file:`` and the like then refuse with a warning that names the file and
line (an error, as every warning is). ``{include}`` and ``{literalinclude}`` are
refused with a message saying what to do instead.

MyST turns HTML typed into Markdown into ``raw`` nodes, and a ``{raw}`` block is
HTML too: both are reported with their file, line and what to do instead, and
dropped from the output. Images and downloads must be files inside docs/, so a
chapter cannot publish a file from elsewhere in the project.
"""

from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from guidebook.warning_types import WARNING_TYPE, GuideWarning

logger = logging.getLogger(__name__)

DISABLED_SETTINGS = {"raw_enabled": False, "file_insertion_enabled": False}

ADVICE = (
    "raw HTML is not allowed in the guide's chapters ({snippet!r}). "
    "Remove it and use Markdown instead: headings, lists, links, or a "
    "{{button-link}} or {{admonition}} block; the look comes from the CSS."
)


def disable_raw_and_file_insertion(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    env.settings.update(DISABLED_SETTINGS)


def first_line(text: str) -> str:
    text = text.strip()
    return text.splitlines()[0][:60] if text else ""


class RefuseRaw(SphinxDirective):
    """``{raw}``: always refused, with the same advice as HTML typed into Markdown."""

    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec = {
        "file": directives.unchanged,
        "url": directives.unchanged,
        "encoding": directives.unchanged,
    }

    def run(self):
        snippet = first_line("\n".join(self.content)) or f"{{raw}} {' '.join(self.arguments)}".strip()
        logger.warning(
            ADVICE.format(snippet=snippet),
            location=self.get_location(),
            type=WARNING_TYPE,
            subtype=GuideWarning.RAW,
        )
        return []


class RefuseFileInsertion(SphinxDirective):
    """``{include}`` and ``{literalinclude}``: always refused, with what to do instead."""

    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec = None  # any option: the directive is refused whatever it says

    def run(self):
        logger.warning(
            "{%s} would copy another file (%s) into the chapter, and chapters cannot do that. "
            "Write the text into the chapter itself.",
            self.name,
            " ".join(self.arguments),
            location=self.get_location(),
            type=WARNING_TYPE,
            subtype=GuideWarning.INCLUDE,
        )
        return []


def refuse_raw_html(app: Sphinx, doctree: nodes.document) -> None:
    for node in list(doctree.findall(nodes.raw)):
        logger.warning(
            ADVICE.format(snippet=first_line(node.astext())),
            location=node,
            type=WARNING_TYPE,
            subtype=GuideWarning.RAW,
        )
        node.parent.remove(node)


def refuse_files_outside_docs(app: Sphinx, doctree: nodes.document) -> None:
    """Runs before Sphinx collects images and downloads, so nothing outside docs/ is copied."""
    srcdir = Path(app.srcdir).resolve()
    for node in list(doctree.findall(lambda n: isinstance(n, (nodes.image, addnodes.download_reference)))):
        target = node.get("uri") if isinstance(node, nodes.image) else node.get("reftarget")
        if not target or "://" in target or target.startswith("data:"):
            continue
        path = Path(app.env.relfn2path(target, app.env.docname)[1])
        if not path.is_relative_to(srcdir):
            logger.warning(
                "%r is outside the book's docs/ folder, so it cannot be used in a chapter. "
                "Copy it into docs/_static/ and refer to it there.",
                target,
                location=node,
                type=WARNING_TYPE,
                subtype=GuideWarning.OUTSIDE,
            )
            node.parent.remove(node)


def setup(app: Sphinx) -> dict:
    app.connect("env-before-read-docs", disable_raw_and_file_insertion)
    app.add_directive("raw", RefuseRaw, override=True)
    for name in ("include", "literalinclude"):
        app.add_directive(name, RefuseFileInsertion, override=True)
    app.connect("doctree-read", refuse_raw_html)
    app.connect("doctree-read", refuse_files_outside_docs, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
