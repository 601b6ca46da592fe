"""Refuse raw HTML in chapters.

conf.py turns off docutils' ``raw`` directive and file insertion; MyST still
turns HTML typed into Markdown into ``raw`` nodes, so those are caught here,
reported with their file and line, and dropped from the output.
"""

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

ADVICE = (
    "raw HTML is not allowed in the guide's chapters ({snippet!r}). "
    "Remove it and use Markdown instead: headings, lists, links, or a "
    "{{button-link}} or {{admonition}} block; the look comes from the CSS."
)


def refuse_raw_html(app: Sphinx, doctree: nodes.document) -> None:
    for node in list(doctree.findall(nodes.raw)):
        snippet = node.astext().strip().splitlines()[0][:60] if node.astext().strip() else ""
        logger.warning(ADVICE.format(snippet=snippet), location=node, type="guide", subtype="raw")
        node.parent.remove(node)


def setup(app: Sphinx) -> dict:
    app.connect("doctree-read", refuse_raw_html)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
