"""Start a website build from the last good website, so Sphinx writes only the pages that changed.

The build driver (guidebook/build.py) seeds the staging folder with the last
good website when nothing that every page shows has changed since it was
built (see website_inputs). Sphinx then writes only the pages of the chapters
that changed, and the driver swaps the staging folder in as before.

Pages are hard-linked into the staging folder, not copied: at a hundred times
the guide's length the pages weigh 170 MB, and copying them took longer than
writing the one page that changed. A hard-linked page is the same file as the
published one, so before Sphinx writes a page this extension unlinks it from
the staging folder: the page gets a new file, and the published one is never
touched, even by a build that then fails. Everything else (stylesheets, the
search index, downloads) is copied, as those are rewritten in place.
"""

import hashlib
import os
import shutil
from pathlib import Path

from sphinx.application import Sphinx

PAGE_SUFFIX = ".html"


def website_stamp(out: Path) -> Path:
    return out / "doctrees" / "website-inputs.txt"


def website_inputs(root: Path, source_dir: Path, ebooks: list[Path], overrides: list[str]) -> str:
    """What every page of the website shows besides its own chapter, bar the navigation.

    Each page carries the look from conf.py and the guide's extensions and
    themes, and the ebooks' sizes. The names of the source files count too:
    Sphinx never deletes a page, so a website whose chapter was removed or
    renamed starts from an empty folder. The navigation (every chapter's
    title, in the home page's order) is checked once the chapters are read:
    see guidebook/site_navigation.py, which then has every page written again.
    """
    digest = hashlib.sha256()
    for path in [root / "conf.py", root / "requirements.txt", *sorted((root / "guidebook").rglob("*"))]:
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.name.encode() + path.read_bytes())
    digest.update(repr(overrides).encode())
    for folder, _, files in sorted(os.walk(source_dir)):
        digest.update(repr((os.path.relpath(folder, source_dir), sorted(files))).encode())
    for ebook in ebooks:
        digest.update(repr(ebook.stat().st_size if ebook.exists() else None).encode())
    return digest.hexdigest()


def seed_website(out: Path, staging: Path, inputs: str) -> None:
    """Fill the staging folder from the last good website if every page's shared parts are unchanged.

    Anything else starts from an empty folder.
    """
    stamp, site = website_stamp(out), out / "html"
    if site.is_dir() and stamp.exists() and stamp.read_text() == inputs:
        shutil.copytree(site, staging, symlinks=True, copy_function=link_or_copy)


def link_or_copy(source: str, target: str) -> None:
    if target.endswith(PAGE_SUFFIX):
        try:
            os.link(source, target)
            return
        except OSError:  # a file system without hard links
            pass
    shutil.copy2(source, target)


def unlink_page_before_writing(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Give the page a file of its own: Sphinx would otherwise write into the published page's."""
    if app.builder.name != "html":  # the only build seeded from the last one
        return
    page = app.builder.get_output_path(pagename)
    if page.name.endswith(PAGE_SUFFIX):
        page.unlink(missing_ok=True)


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", unlink_page_before_writing, priority=1000)  # the last handler
    return {"parallel_read_safe": True, "parallel_write_safe": True}
