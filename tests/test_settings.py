"""Each setting is declared once (guidebook/settings.py) and checked before the build reads a chapter."""

import io
from pathlib import Path

import pytest
from sphinx.util.console import strip_escape_sequences
from sphinx.util.docutils import docutils_namespace

from conftest import ROOT
from guidebook.page_size import NAMED_SIZES_IN, NAMED_SIZES_MM, page_size_inches
from guidebook.settings import SETTINGS, read_conf

VALID = {
    "book_title": '"A Book"',
    "book_author": '"Zac"',
    "book_publisher": '"BreakBox Coaching"',
    "book_edition": '"1.0"',
    "book_language": '"en"',
    "book_year": '"2026"',
    "book_site_url": '"https://example.org/guide/"',
    "book_original_post_url": '"https://example.org/post"',
    "book_booking_url": '"https://example.org/book"',
    "book_uuid": '"9a4f6f0e-7c1b-4d59-9a57-3f0e4c2b8d11"',
}


def project(folder: Path, **settings: str) -> Path:
    """A one-page project whose conf.py sets the valid settings, then ``settings`` (Python source)."""
    lines = ['extensions = ["guidebook.settings"]', *(f"{k} = {v}" for k, v in {**VALID, **settings}.items())]
    (folder / "conf.py").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "index.rst").write_text("Title\n=====\n", encoding="utf-8")
    return folder


def conf_line(folder: Path, name: str) -> int:
    lines = (folder / "conf.py").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith(f"{name} ="))


def messages(make_app, folder: Path, **kwargs) -> str:
    """What a build of ``folder`` that a setting stops says."""
    warning = io.StringIO()
    with docutils_namespace(), pytest.raises(SystemExit) as stop:  # the namespace: the app stops half set up
        make_app("dummy", srcdir=folder, warning=warning, **kwargs)
    assert stop.value.code == 2
    return strip_escape_sequences(warning.getvalue())


def test_valid_settings_build(make_app, tmp_path):
    app = make_app("dummy", srcdir=project(tmp_path))
    assert app.config.pdf_basename == "book"  # the default follows book_slug
    assert app.config.book_trim_size == "6in 9in"


def test_a_local_server_may_serve_the_site_over_http(make_app, tmp_path):
    # as benchmarks/lighthouse.py serves it; any other host needs https://
    app = make_app("dummy", srcdir=project(tmp_path, book_site_url='"http://127.0.0.1:8000/guide/"'))
    assert app.config.book_site_url == "http://127.0.0.1:8000/guide/"


WRONG = [
    ("book_site_url", '"http://example.org/"', "starting with https://"),
    ("book_booking_url", '"www.breakboxcoaching.com"', "starts with https://"),
    ("book_page_size", '"huge"', 'a CSS page size, such as "letter"'),
    ("book_trim_size", '"6 9"', "a CSS page size"),
    ("book_paper_thickness", "-0.002", "a number above 0"),
    ("book_spine_title_min_pages", "-5", "a whole number of pages above 0"),
    ("book_uuid", '"not-a-uuid"', "a UUID"),
    ("book_slug", '"My_Book"', "lower-case words joined by hyphens"),
    ("book_keywords", '"coaching"', "a list of words"),
    ("pdf_basename", '"my book.pdf/"', "a file name"),
]


@pytest.mark.parametrize(("name", "value", "instead"), WRONG, ids=[case[0] for case in WRONG])
def test_a_wrong_setting_stops_the_build_naming_its_line_and_what_to_write(
    make_app, tmp_path, name, value, instead
):
    folder = project(tmp_path, **{name: value})
    message = messages(make_app, folder)
    assert message.startswith(f"{folder / 'conf.py'}:{conf_line(folder, name)}: ERROR: {name} is "), message
    assert message.count("ERROR") == 1
    assert "Write " in message and instead in message.split("Write ", 1)[1]


def test_a_missing_setting_says_it_is_not_set(make_app, tmp_path):
    folder = project(tmp_path)
    conf = folder / "conf.py"
    conf.write_text(conf.read_text().replace('book_uuid = "9a4f6f0e-7c1b-4d59-9a57-3f0e4c2b8d11"\n', ""))
    message = messages(make_app, folder)
    assert message.startswith(f"ERROR: {conf} has no book_uuid line, so book_uuid is ''. Write a UUID"), (
        message
    )


@pytest.mark.parametrize("name", ["book_booking_url", "book_trim_size"])  # set in conf.py, or not
def test_a_wrong_override_names_the_command_line(make_app, tmp_path, name):
    message = messages(make_app, project(tmp_path), confoverrides={name: "x"})
    assert message.startswith(f"ERROR: {name} (set with -D {name}=…) is 'x'"), message


def test_each_setting_is_declared_once_and_conf_py_sets_only_what_differs():
    names = [setting.name for setting in SETTINGS]
    assert len(names) == len(set(names))
    conf = read_conf(ROOT / "conf.py")
    same = [
        s.name for s in SETTINGS if s.name in conf and not callable(s.default) and conf[s.name] == s.default
    ]
    assert same == [], "conf.py repeats these defaults of guidebook/settings.py"
    assert [s.name for s in SETTINGS if s.name in conf and s.check(conf[s.name])] == []


def test_no_module_of_the_extension_declares_a_setting_of_its_own():
    declared = [
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "guidebook").rglob("*.py")
        if "add_config_value(" in path.read_text(encoding="utf-8") and path.name != "settings.py"
    ]
    assert declared == ["guidebook/linkcheck/stand_in.py"]  # linkcheck_stand_in: Sphinx's linkcheck's


SIZES = [*NAMED_SIZES_MM, *NAMED_SIZES_IN, "6in 9in", "148mm 210mm", "A4 landscape", "portrait a5", "5.5in"]


def test_page_sizes_are_read_as_weasyprint_reads_them():
    from weasyprint import HTML

    style = "".join(f"@page :nth({n}) {{ size: {size} }}" for n, size in enumerate(SIZES, 1))
    body = '<p style="break-after: page">x</p>' * len(SIZES)
    pages = HTML(string=f"<style>{style}</style>{body}").render().pages
    for size, page in zip(SIZES, pages):
        width, height = page_size_inches(size)
        assert (round(width * 96, 1), round(height * 96, 1)) == (
            round(page.width, 1),
            round(page.height, 1),
        ), size


@pytest.mark.parametrize("size", ["huge", "6 9", "A4 A5", "landscape", "-6in 9in", "6in 9in 3in", ""])
def test_what_is_not_a_page_size(size):
    assert page_size_inches(size) is None
