"""``{answer-lines}``: room to answer the question just above it.

    **Stigma**

    :::{answer-lines} 3
    :::

The question is the paragraph right above the block; the number is how many
lines (1 to 12, default 3). Each format gives the answer its own kind of room:

- website: a text box labelled by the question. ``static/workbook.js`` keeps what the
  reader types in their own browser only (localStorage, per book and edition)
  and adds buttons above the first box to print, download or clear the
  answers. Without JavaScript the questions show as they are, with no boxes.
- PDF: ruled lines to write on with a pen, and over them a multi-line form
  field named by the question, to type into in a PDF reader.
- paperback: the ruled lines.
- EPUB: a line saying where to write, as reading apps do not keep typed answers.
"""

from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from guidebook.formats import PAPER_BUILDERS, WEBSITE_BUILDERS  # paper: ruled lines; "pdf" adds fields
from guidebook.warning_types import WARNING_TYPE, GuideWarning

logger = logging.getLogger(__name__)

MAX_LINES = 12
STATIC_DIR = Path(__file__).with_name("static")  # workbook.js

PRIVACY = "Your answers stay on this device: this browser keeps them and sends them nowhere."
BUTTONS = {"print": "Print my answers", "download": "Download my answers", "clear": "Clear my answers"}
PDF_HOW = "Type your answers in the boxes and save the PDF, or print these pages to write on."
EPUB_HOW = "Reading apps do not keep what you type: write your answers in the workbook on the guide’s website, or in the PDF."
EPUB_WHERE = "Write your answer in the online workbook or in the PDF."


class answer_lines(nodes.General, nodes.Element):  # noqa: N801
    """The room for one answer; ``question`` is its question's text, ``ids`` its field's name."""


class answer_label(nodes.Inline, nodes.TextElement):  # noqa: N801
    """The question's words, which label the answer's text box on the website."""


class answer_tools(nodes.General, nodes.Element):  # noqa: N801
    """Before the first answer of a page: how to keep the answers, in each format."""


class AnswerLines(SphinxDirective):
    optional_arguments = 1
    has_content = False

    def run(self):
        count = self.arguments[0] if self.arguments else "3"
        if not count.isdigit() or not 1 <= int(count) <= MAX_LINES:
            raise self.error(f"answer-lines takes a number of lines from 1 to {MAX_LINES}, not {count!r}.")
        node = answer_lines(lines=int(count))
        self.set_source_info(node)
        return [node]


class PairAnswersWithQuestions(SphinxTransform):
    """Give each answer its question (the paragraph above it), and the page its answer tools."""

    default_priority = 500

    def apply(self, **kwargs) -> None:
        boxes = list(self.document.findall(answer_lines))
        for box in boxes:
            index = box.parent.index(box)
            question = box.parent[index - 1] if index else None
            if not isinstance(question, nodes.paragraph):
                logger.warning(
                    "answer-lines has no question above it. Put the question in a paragraph of its own "
                    "just above the block, for example **Stigma** and then a blank line.",
                    location=box,
                    type=WARNING_TYPE,
                    subtype=GuideWarning.WORKBOOK,
                )
                box.parent.remove(box)
                continue
            field = base = "answer-" + nodes.make_id(question.astext())
            for number in range(2, len(boxes) + 2):  # the same question twice on a page
                if field not in self.document.ids:
                    break
                field = f"{base}-{number}"
            self.document.ids[field] = box
            box["ids"] = [field]
            box["question"] = question.astext()
            question.children = [answer_label("", "", *question.children, field=field)]
        boxes = list(self.document.findall(answer_lines))
        if boxes:
            block = boxes[0]
            while not isinstance(block.parent, (nodes.section, nodes.document)):
                block = block.parent
            block.parent.insert(block.parent.index(block), answer_tools())


def visit_answer_label(self, node: answer_label) -> None:
    if self.builder.name in WEBSITE_BUILDERS:
        self.body.append(f'<label for="{node["field"]}">')


def depart_answer_label(self, node: answer_label) -> None:
    if self.builder.name in WEBSITE_BUILDERS:
        self.body.append("</label>")


def visit_answer_lines(self, node: answer_lines) -> None:
    builder, field = self.builder.name, node["ids"][0]
    if builder in WEBSITE_BUILDERS:
        self.body.append(
            f'<div class="answer-box" hidden><textarea id="{field}" class="answer-field" rows="{node["lines"]}">'
            '</textarea><p class="answer-print"></p></div>\n'
        )
    elif builder in PAPER_BUILDERS:
        lines = '<p class="answer-line">\N{NO-BREAK SPACE}</p>' * node["lines"]
        if builder == "pdf":
            lines += f'<textarea class="answer-field" name="{field}" title="{self.attval(node["question"])}"></textarea>'
        self.body.append(f'<div class="answer-lines">{lines}</div>\n')
    else:
        self.body.append(f'<p class="answer-where">{EPUB_WHERE}</p>\n')
    raise nodes.SkipNode


def visit_answer_tools(self, node: answer_tools) -> None:
    builder, config = self.builder.name, self.builder.config
    if builder in WEBSITE_BUILDERS:
        buttons = "".join(
            f'<button type="button" class="sd-btn sd-btn-outline-primary" data-answers="{action}">{label}</button> '
            for action, label in BUTTONS.items()
        )
        self.body.append(
            f'<div class="answer-tools" hidden data-book="{config.book_slug}" data-edition="{config.book_edition}" '
            f'data-title="{self.attval(config.book_title)}"><p class="answer-privacy">{PRIVACY}</p>'
            f'<p class="answer-buttons">{buttons.strip()}</p></div>\n'
        )
    elif builder == "pdf":
        self.body.append(f'<p class="answer-how">{PDF_HOW}</p>\n')
    elif builder not in PAPER_BUILDERS:
        self.body.append(f'<p class="answer-how">{EPUB_HOW}</p>\n')
    raise nodes.SkipNode


def add_static_dir(app: Sphinx) -> None:
    if app.builder.name in WEBSITE_BUILDERS:
        app.config.html_static_path.append(str(STATIC_DIR))


def add_script(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The answers' script, on the pages that have answers."""
    if (
        app.builder.name in WEBSITE_BUILDERS
        and doctree is not None
        and next(doctree.findall(answer_lines), None)
    ):
        app.add_js_file("workbook.js", defer="defer")


def setup(app: Sphinx) -> dict:
    app.add_node(answer_lines, html=(visit_answer_lines, None))
    app.add_node(answer_label, html=(visit_answer_label, depart_answer_label))
    app.add_node(answer_tools, html=(visit_answer_tools, None))
    app.add_directive("answer-lines", AnswerLines)
    app.add_transform(PairAnswersWithQuestions)
    app.connect("builder-inited", add_static_dir)
    app.connect("html-page-context", add_script)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
