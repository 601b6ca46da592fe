"""Tab labels that the HTML standard allows, on the website and in the ebooks.

sphinx-design writes each tab as a radio ``<input>`` and a ``<label for=…>``
that also carries ``aria-controls``. HTML does not allow ``aria-controls`` on a
label tied to an input (the Nu Html Checker reports it as an error), and the
label needs none: it names its input, and the tab's content follows it. This
transform takes the attribute off sphinx-design's label nodes, after its own
tab transform has made them and before the page is written.
"""

from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx_design.tabs import sd_tab_label


class DropAriaControlsFromTabLabels(SphinxPostTransform):
    # after sphinx-design's tab transform (priority 200), which makes the labels
    default_priority = 210  # every format: each one's pages are HTML (the EPUB's and the PDF's too)

    def run(self, **kwargs) -> None:
        for label in self.document.findall(sd_tab_label):
            label.attributes.pop("aria_controls", None)


def setup(app: Sphinx) -> dict:
    app.add_post_transform(DropAriaControlsFromTabLabels)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
