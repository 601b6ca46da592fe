"""The ``pdf`` builder: the whole book as one HTML page, printed by WeasyPrint.

It reuses Sphinx's single-page HTML builder over the shared doctrees, swaps
the site theme for the book's print theme (cover, copyright page, contents,
chapters), then writes a tagged PDF/UA-1 file with WeasyPrint.
"""

from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders.singlehtml import SingleFileHTMLBuilder
from sphinx.util import logging

from guidebook.build_date import build_date
from guidebook.formats import output_names
from guidebook.page_size import page_size_inches
from guidebook.pdf.weasyprint_log import weasyprint_warnings_as_sphinx_warnings
from guidebook.settings import book_context
from guidebook.warning_types import WARNING_TYPE, GuideWarning

logger = logging.getLogger(__name__)

THEME_DIR = Path(__file__).parent / "theme"
# Pages at least this wide (US Letter, A4) have room for two cards side by side.
TWO_COLUMN_PAGE_WIDTH_MM = 200


class PdfBuilder(SingleFileHTMLBuilder):
    name = "pdf"
    epilog = "The PDF is in %(outdir)s."
    search = False
    copysource = False

    def init(self) -> None:
        super().init()
        self.page_width = (
            page_size_inches(self.config.book_page_size)[0] * 25.4
        )  # checked by guidebook.settings

    def get_theme_config(self):
        return "guidebook-pdf", {}

    def assemble_doctree(self) -> nodes.document:
        """Keep only the chapters, each at the top level, in reading order.

        The home page's own content is for the website; the PDF has its own
        cover, copyright page and contents (from the theme).
        """
        tree = super().assemble_doctree()
        chapters = [
            node
            for node in tree.findall(addnodes.start_of_file)
            if not any(isinstance(a, addnodes.start_of_file) for a in _ancestors(node))
        ]
        tree.children = []
        for chapter in chapters:
            chapter.parent = None
            tree += chapter
        _make_ids_unique(tree, chapters)
        self.chapters = []
        for chapter in chapters:
            section = next(chapter.findall(nodes.section), None)
            if section is None:
                continue
            self.chapters.append(
                {
                    "docname": chapter["docname"],
                    "anchor": section["ids"][0],
                    "title": section[0].astext(),
                }
            )
        _point_references_at_their_anchor(tree, {c["docname"]: c["anchor"] for c in self.chapters})
        return tree

    def get_doc_context(self, docname, body, metatags):
        context = super().get_doc_context(docname, body, metatags)
        config = self.config
        date = build_date()
        context.update(
            book=book_context(config),
            chapters=self.chapters,
            build_date=date.strftime("%B %-d, %Y"),
            build_iso=date.strftime("%Y-%m-%dT%H:%M:%SZ"),
            two_columns=self.page_width >= TWO_COLUMN_PAGE_WIDTH_MM,
        )
        return context

    def finish(self) -> None:
        super().finish()
        self.write_pdf()

    def write_pdf(self) -> None:
        from weasyprint import HTML

        from guidebook.pdf.finish import finish_pdf  # pikepdf: imported by the builds that write a PDF

        source = Path(self.outdir, f"{self.config.root_doc}.html")
        target = Path(self.outdir, output_names(self.config)["pdf"])
        partial = target.with_suffix(".pdf.part")
        logger.info("writing the PDF with WeasyPrint… ", nonl=True)
        with weasyprint_warnings_as_sphinx_warnings():
            HTML(filename=source).write_pdf(
                partial,
                pdf_variant="pdf/ua-1",
                pdf_forms=True,  # the workbook's answer fields (guidebook.markup.workbook)
                pdf_identifier=self.config.book_uuid.encode(),
                custom_metadata=True,
            )
        try:
            finish_pdf(partial, source)
        except ValueError as error:  # the last good PDF stays
            logger.warning(
                "the PDF could not be finished: %s", error, type=WARNING_TYPE, subtype=GuideWarning.PDF
            )
            return
        partial.replace(target)
        logger.info("done")


def _point_references_at_their_anchor(tree: nodes.document, chapter_anchors: dict[str, str]) -> None:
    """Turn ``#document-02-step#label`` into ``#label``, and ``#document-02-step`` into the chapter's title.

    On one page a cross-reference gets the chapter's anchor and then its own;
    a URL can have only one fragment, so WeasyPrint would drop the link. The
    bare chapter anchor sits before the chapter's page break, on the page before.
    """
    for ref in tree.findall(nodes.reference):
        uri = ref.get("refuri", "")
        if not uri.startswith("#"):
            continue
        if "#" in uri[1:]:
            ref["refuri"] = "#" + uri.rsplit("#", 1)[1]
        elif uri.startswith("#document-") and uri[10:] in chapter_anchors:
            ref["refuri"] = "#" + chapter_anchors[uri[10:]]


def _make_ids_unique(tree: nodes.document, chapters: list[addnodes.start_of_file]) -> None:
    """Give each id once: one page can hold an id only once, but every chapter
    numbers its own automatic ids (id1, id2…) and two chapters may share a
    section title. A repeated id gets its chapter's name in front, and the
    links to it from within its chapter follow."""
    seen: set[str] = set()
    for chapter in chapters:
        docname = chapter["docname"]
        renamed: dict[str, str] = {}
        for node in chapter.findall(nodes.Element):
            ids = []
            for id_ in node.get("ids", []):
                if id_ in seen:
                    renamed[id_] = id_ = f"{docname}-{id_}"
                ids.append(id_)
                seen.add(id_)
            if ids:
                node["ids"] = ids
        if not renamed:
            continue
        prefix = f"#document-{docname}#"
        for ref in tree.findall(nodes.reference):
            uri = ref.get("refuri", "")
            if uri.startswith(prefix) and uri[len(prefix) :] in renamed:
                ref["refuri"] = prefix + renamed[uri[len(prefix) :]]
        for ref in chapter.findall(nodes.reference):
            if ref.get("refid") in renamed:
                ref["refid"] = renamed[ref["refid"]]


def _ancestors(node: nodes.Node):
    node = node.parent
    while node is not None:
        yield node
        node = node.parent


def setup(app: Sphinx) -> dict:
    app.setup_extension("guidebook.settings")  # pdf_basename, book_page_size
    app.add_html_theme("guidebook-pdf", str(THEME_DIR))
    app.add_builder(PdfBuilder)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
