"""The ``pdf`` builder: the whole book as one HTML page, printed by WeasyPrint.

It reuses Sphinx's single-page HTML builder over the shared doctrees, swaps
the site theme for the book's print theme (cover, copyright page, contents,
chapters), then writes a tagged PDF/UA-1 file with WeasyPrint.
"""

import os
from datetime import datetime, timezone
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders.singlehtml import SingleFileHTMLBuilder
from sphinx.util import logging

from guidebook.settings import BOOK_SETTINGS

logger = logging.getLogger(__name__)

THEME_DIR = Path(__file__).parent / "themes" / "pdf"


def build_date() -> datetime:
    """The build's date: SOURCE_DATE_EPOCH when set, so builds are reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    return datetime.now(tz=timezone.utc).replace(microsecond=0)


class PdfBuilder(SingleFileHTMLBuilder):
    name = "pdf"
    epilog = "The PDF is in %(outdir)s."
    search = False
    copysource = False

    def get_theme_config(self):
        return "guidebook-pdf", {}

    def assemble_doctree(self) -> nodes.document:
        """Keep only the chapters, each at the top level, in reading order.

        The home page's own content is for the website; the PDF has its own
        cover, copyright page and contents (from the theme).
        """
        tree = super().assemble_doctree()
        chapters = [
            node for node in tree.findall(addnodes.start_of_file)
            if not any(isinstance(a, addnodes.start_of_file) for a in _ancestors(node))
        ]
        tree.children = []
        self.chapters = []
        for chapter in chapters:
            chapter.parent = None
            tree += chapter
            section = next(chapter.findall(nodes.section), None)
            if section is None:
                continue
            self.chapters.append({
                "docname": chapter["docname"],
                "anchor": section["ids"][0],
                "title": section[0].astext(),
            })
        return tree

    def get_doc_context(self, docname, body, metatags):
        context = super().get_doc_context(docname, body, metatags)
        config = self.config
        date = build_date()
        context.update(
            book={name[5:]: getattr(config, name) for name in BOOK_SETTINGS},
            chapters=self.chapters,
            build_date=date.strftime("%B %-d, %Y"),
            build_iso=date.strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        return context

    def finish(self) -> None:
        super().finish()
        self.write_pdf()

    def write_pdf(self) -> None:
        from weasyprint import HTML

        source = Path(self.outdir, f"{self.config.root_doc}.html")
        target = Path(self.outdir, f"{self.config.pdf_basename}.pdf")
        partial = target.with_suffix(".pdf.part")
        logger.info("writing the PDF with WeasyPrint… ", nonl=True)
        HTML(filename=source).write_pdf(
            partial,
            pdf_variant="pdf/ua-1",
            pdf_identifier=self.config.book_uuid.encode(),
            custom_metadata=True,
        )
        partial.replace(target)
        logger.info("done")


def _ancestors(node: nodes.Node):
    node = node.parent
    while node is not None:
        yield node
        node = node.parent


def setup(app: Sphinx) -> dict:
    app.add_config_value("pdf_basename", "book", "", types=frozenset({str}))
    app.add_html_theme("guidebook-pdf", str(THEME_DIR))
    app.add_builder(PdfBuilder)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
