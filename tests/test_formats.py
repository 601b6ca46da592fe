"""Which builder makes what, and the file each writes, are said once: guidebook/formats.py."""

import re
from types import SimpleNamespace

from conftest import ROOT
from guidebook import formats

BUILDER_SET = re.compile(r"""[{(]\s*["'](html|dirhtml|epub|pdf|print)["']\s*,""")


def test_no_other_module_lists_builder_names():
    listed = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted((ROOT / "guidebook").rglob("*.py"))
        if path.name != "formats.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if BUILDER_SET.search(line)
    ]
    assert listed == []


def test_the_ebooks_are_written_before_the_website_that_offers_them():
    order = formats.FORMATS
    assert order[-1] == "html"
    assert set(formats.ALL) <= set(order) and set(formats.EBOOKS) <= set(formats.ALL)
    assert formats.TAGS["website"] >= formats.WEBSITE_BUILDERS | {"linkcheck"}


def test_each_file_name_comes_from_its_basename(tmp_path):
    settings = SimpleNamespace(epub_basename="e", pdf_basename="p")
    files = formats.output_files(tmp_path, {"epub_basename": "e", "pdf_basename": "p"})
    assert formats.output_names(vars(settings)) == {name: path.name for name, path in files.items()}
    assert files == {
        "html": tmp_path / "html" / "index.html",
        "epub": tmp_path / "epub" / "e.epub",
        "pdf": tmp_path / "pdf" / "p.pdf",
        "print": tmp_path / "print" / "p-interior.pdf",
        "print-cover": tmp_path / "print" / "p-cover.pdf",
    }


def test_every_format_of_a_build_gets_the_same_settings(tmp_path):
    from guidebook.tools.build import sphinx_build

    overrides = formats.shared_overrides(tmp_path)
    commands = {
        fmt: sphinx_build(fmt, tmp_path / fmt, tmp_path / "doctrees", overrides, True)
        for fmt in formats.FORMATS
    }
    settings = {
        fmt: [arg for n, arg in enumerate(command) if command[n - 1] == "-D"]
        for fmt, command in commands.items()
    }
    assert len({tuple(s) for s in settings.values()}) == 1
    assert f"guide_ebook_dir={tmp_path}" in settings["html"]
