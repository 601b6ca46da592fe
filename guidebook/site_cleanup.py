"""Leave only what readers need in the website's folder.

Sphinx writes files for its own next build next to the pages: ``.buildinfo``
(a hash of the settings) and ``_sources/`` (empty here, as conf.py does not copy
the chapters' sources). Neither is for readers, so both go once the website is
written. ``searchindex.js`` stays, for the search page, and so does
``objects.inv``: it lists only the chapters' labels, titles and addresses, which
the site shows anyway, and lets a later book link to this one's sections with
intersphinx.
"""

import shutil
from pathlib import Path

from sphinx.application import Sphinx

BUILD_FILES = (".buildinfo", ".buildinfo.bak", "_sources", ".doctrees")


def remove_build_files(app: Sphinx, exception: Exception | None) -> None:
    if exception or app.builder.format != "html" or app.builder.name not in {"html", "dirhtml"}:
        return
    for name in BUILD_FILES:
        path = Path(app.outdir, name)
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def setup(app: Sphinx) -> dict:
    app.connect("build-finished", remove_build_files)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
