"""``{answer-lines}``: ruled space to write an answer by hand, in the PDF only.

    :::{answer-lines} 4
    :::

The number is how many lines (default 3). The website and the EPUB leave the
space out: nobody writes on a screen.
"""

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

MAX_LINES = 12


class answer_lines(nodes.General, nodes.Element):  # noqa: N801
    pass


class AnswerLines(SphinxDirective):
    optional_arguments = 1
    has_content = False

    def run(self):
        count = self.arguments[0] if self.arguments else "3"
        if not count.isdigit() or not 1 <= int(count) <= MAX_LINES:
            raise self.error(
                f"answer-lines takes a number of lines from 1 to {MAX_LINES}, not {count!r}."
            )
        node = answer_lines(lines=int(count))
        self.set_source_info(node)
        return [node]


class PlaceAnswerLines(SphinxPostTransform):
    default_priority = 100

    def run(self, **kwargs):
        for node in list(self.document.findall(answer_lines)):
            if self.app.builder.name not in ("pdf", "print"):
                node.parent.remove(node)
                continue
            box = nodes.container(classes=["answer-lines"])
            for _ in range(node["lines"]):
                box += nodes.paragraph("", "\N{NO-BREAK SPACE}", classes=["answer-line"])
            node.replace_self(box)


def setup(app: Sphinx) -> dict:
    app.add_node(answer_lines)
    app.add_directive("answer-lines", AnswerLines)
    app.add_post_transform(PlaceAnswerLines)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
