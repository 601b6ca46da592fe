"""The guide's formats, said once: which builders make what, the file each writes, and the build's contract.

Which builders make which kind of output. The extension's modules, the
transforms' ``builders=`` and the chapters' ``only`` tags all take them from here.
"""

import hashlib
from collections.abc import Mapping
from pathlib import Path

# The website's pages, read in a browser.
WEBSITE_BUILDERS = frozenset({"html", "dirhtml"})
# The files a reader downloads (the website offers them) and the paperback, printed.
EBOOKS = ("epub", "pdf")
EBOOK_BUILDERS = frozenset(EBOOKS)
PAPERBACK_BUILDER = "print"
# Pages with a fixed size, for paper: the workbook gets ruled lines to write on.
PAPER_BUILDERS = frozenset({"pdf", PAPERBACK_BUILDER})
# Without JavaScript or clicking, every tab's content is shown (guidebook.markup.ebook_tabs).
BOOK_BUILDERS = EBOOK_BUILDERS | {PAPERBACK_BUILDER}
# The builders that show the cover picture: the website's link previews and the EPUB's cover.
COVER_IMAGE_BUILDERS = WEBSITE_BUILDERS | {"epub"}
# A chapter's ``only`` tags (guidebook.settings): ``website`` is also set for linkcheck,
# which checks the links the website shows, the download buttons among them.
TAGS = {"website": WEBSITE_BUILDERS | {"linkcheck"}, "ebook": BOOK_BUILDERS}


# ── The build's contract (guidebook/tools/build.py runs it) ─────────────────────────────
# The order the formats are written in: the ebooks come first, because the website offers
# them for download with their sizes; the paperback needs nothing from the others. The
# website may be written beside them (EBOOKS_LATER), then is offered them by a build after.
FORMATS = ("epub", "pdf", PAPERBACK_BUILDER, "html")
# What `make` builds. The paperback is built when asked for, by `make print` and `make dist`:
# it is for printers, and a third WeasyPrint run would slow every build.
ALL = ("epub", "pdf", "html")
# Every format is written from the same doctrees, read once, by the `dummy` builder. Sphinx
# reads the chapters again if a setting whose rebuild is "env" differs between two builds,
# so every builder gets the same -D settings: these, from shared_overrides().
READER = "dummy"


# The -D setting of a website written while its ebooks are: a website build after them offers them.
EBOOKS_LATER = "guide_ebooks_later=1"


def shared_overrides(ebook_dir: Path) -> list[str]:
    """The -D settings every format of one build shares.

    The website's download buttons take the ebooks from ``ebook_dir``, where this build
    writes them, and require them (a stock sphinx-build offers those that are built).
    """
    return [f"guide_ebook_dir={ebook_dir}", "guide_require_ebooks=1"]


def code_hash() -> str:
    """A hash of the extension's code, set as ``guide_code_version`` (guidebook.website.contents).

    Sphinx writes every page again when a setting or a template changes, not when an
    extension's code or scripts do: as a setting, the hash makes a new version of the code reach
    every page. It is the same for every format of a build, as the settings above are.
    """
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for module in sorted(
        [*package.rglob("*.py"), *package.rglob("*.js")]
    ):  # the code, and the pages' scripts
        digest.update(module.read_bytes())
    return digest.hexdigest()[:12]


def output_names(settings: Mapping) -> dict[str, str]:
    """The file each format writes in its folder, from ``epub_basename`` and ``pdf_basename``."""
    epub, pdf = settings["epub_basename"], settings["pdf_basename"]
    return {
        "html": "index.html",
        "epub": f"{epub}.epub",
        "pdf": f"{pdf}.pdf",
        PAPERBACK_BUILDER: f"{pdf}-interior.pdf",
        "print-cover": f"{pdf}-cover.pdf",  # the paperback's cover wrap, beside its interior
    }


def output_files(out: Path, settings: Mapping) -> dict[str, Path]:
    """Each format's file in a build folder ``out`` (``out/FORMAT/NAME``)."""
    return {name: out / name.removesuffix("-cover") / file for name, file in output_names(settings).items()}
