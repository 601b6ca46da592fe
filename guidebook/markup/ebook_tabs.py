"""Tabs in the ebooks: every tab's content, printed under its label.

On the website a sphinx-design tab-set shows one tab at a time. A PDF or an
EPUB has no JavaScript and no clicking, so there each tab becomes a labelled
panel, one after the other, and nothing is hidden. (This also avoids the
tab-set's ``<input>`` elements, which are not valid in EPUB's XHTML.)
"""

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx_design.shared import is_component

from guidebook.formats import BOOK_BUILDERS


class ExpandTabSets(SphinxPostTransform):
    # before sphinx-design's own tab transform (priority 200)
    default_priority = 150
    builders = BOOK_BUILDERS

    def run(self, **kwargs):
        for tab_set in list(self.document.findall(lambda n: is_component(n, "tab-set"))):
            panels = nodes.container(classes=["tab-panels"], ids=tab_set["ids"])
            for item in tab_set.children:
                if not is_component(item, "tab-item"):
                    panels += item.deepcopy()
                    continue
                label, content = item.children
                panel = nodes.container(classes=["tab-panel"], ids=item["ids"])
                heading = nodes.paragraph("", "", *label.children, classes=["tab-label"], ids=label["ids"])
                body = nodes.container(classes=["tab-panel-body"])
                body.extend(child.deepcopy() for child in content.children)
                panel += [heading, body]
                panels += panel
            tab_set.replace_self(panels)


def setup(app: Sphinx) -> dict:
    app.add_post_transform(ExpandTabSets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
