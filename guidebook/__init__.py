"""The guide's Sphinx extension: ``extensions = [..., "guidebook"]`` in conf.py.

One sub-package per concern, each a Sphinx extension of its own:

- ``settings``: every setting (``book_*``, ``guide_*``, ``pdf_*``), checked, and the website/ebook tags;
- ``build_date``: Sphinx's ``today`` from ``SOURCE_DATE_EPOCH``;
- ``authoring``: what keeps the author safe and tells him what to fix;
- ``markup``: the guide's own Markdown blocks and roles;
- ``website``, ``epub``, ``pdf``: one per output;
- ``linkcheck``: the offline stand-in and the link report.

``formats`` says which builder makes what and names each output; ``warning_types``
holds the warnings' type and subtypes.

``tools`` holds the command-line tools (build, live preview, new chapter,
import, rename, release); they are not part of the Sphinx extension.
"""

import contextlib
import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importing the package (as the tools do) does not import Sphinx
    from sphinx.application import Sphinx

EXTENSIONS = (
    "guidebook.settings",
    "guidebook.build_date",
    "guidebook.authoring",
    "guidebook.markup",
    "guidebook.website",
    "guidebook.epub",
    "guidebook.pdf",
    "guidebook.linkcheck",
)


def import_opengraph_quietly() -> None:
    """Import sphinxext-opengraph without the note it prints when matplotlib is missing.

    The guide's link previews show the cover, not generated cards, so the note would
    only puzzle the author. conf.py lists "guidebook" before it, so this comes first.
    """
    with contextlib.redirect_stdout(io.StringIO()):
        import sphinxext.opengraph  # noqa: F401


def setup(app: "Sphinx") -> dict:
    import_opengraph_quietly()
    for name in EXTENSIONS:
        app.setup_extension(name)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
