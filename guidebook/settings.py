"""Every setting of the guide, declared once: its name, default, type and check.

conf.py sets only what differs from the defaults here. Each setting is a
Sphinx config value, so a build can override it with ``-D`` (the tests change
the booking link that way). Before anything is read, each value is checked: a
wrong one stops the build with conf.py's line and what to write instead.

The ``website`` and ``ebook`` tags let a chapter show something only on the
website or only in the ebooks::

    :::{only} website
    …
    :::
"""

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

from guidebook.formats import TAGS
from guidebook.page_size import EXAMPLES as PAGE_SIZE_EXAMPLES
from guidebook.page_size import page_size_inches

if TYPE_CHECKING:  # the build reads conf.py's settings before Sphinx is loaded, in its worker
    from sphinx.application import Sphinx
    from sphinx.config import Config


CONF = Path(__file__).resolve().parent.parent / "conf.py"

# A check takes the value and returns None when it is right, or what to write instead.
Check = Callable[[object], str | None]


@dataclass(frozen=True)
class Setting:
    name: str
    default: object  # a callable default is called with the config, as Sphinx does
    types: tuple[type, ...]
    check: Check
    rebuild: str = "env"  # what Sphinx rebuilds when the value changes


def text(value) -> str | None:
    return (
        None if isinstance(value, str) and value.strip() else 'a text in quotes, such as "BreakBox Coaching"'
    )


def any_text(value) -> str | None:
    return None if isinstance(value, str) else 'a text in quotes (it may be empty: "")'


def https_address(value) -> str | None:
    ok = isinstance(value, str) and re.fullmatch(r"https://[^\s/]+\.[^\s/]+(/\S*)?", value)
    return None if ok else 'an address that starts with https://, such as "https://www.breakboxcoaching.com/"'


def site_address(value) -> str | None:
    # A local server (benchmarks/lighthouse.py measures the site as served there) may be plain http.
    local = isinstance(value, str) and re.fullmatch(r"http://(127\.0\.0\.1|localhost)(:\d+)?/(\S*)", value)
    if (https_address(value) and not local) or not value.endswith("/"):
        return 'the site\'s address, starting with https:// and ending with "/", such as "https://example.org/guide/"'
    return None


def slug(value) -> str | None:
    ok = isinstance(value, str) and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", value)
    return None if ok else 'lower-case words joined by hyphens, such as "partner-refuses-therapy"'


def language(value) -> str | None:
    ok = isinstance(value, str) and re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", value)
    return None if ok else 'a language code, such as "en" or "en-GB"'


def year(value) -> str | None:
    ok = isinstance(value, str) and re.fullmatch(r"\d{4}", value)
    return None if ok else 'a year of four digits in quotes, such as "2026"'


def uuid_text(value) -> str | None:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return f'a UUID, such as "{uuid.uuid4()}" (keep it for every edition, so apps know the book)'
    return None


def page_size(value) -> str | None:
    return None if page_size_inches(value) else f"a CSS page size, such as {PAGE_SIZE_EXAMPLES}"


def keywords(value) -> str | None:
    ok = isinstance(value, list) and all(isinstance(word, str) and word.strip() for word in value)
    return None if ok else 'a list of words in quotes, such as ["relationships", "coaching"]'


def paper_thickness(value) -> str | None:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < 0.01
    return None if ok else "a page's thickness in inches, a number above 0 and below 0.01, such as 0.002252"


def page_count(value) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and value > 0
    return None if ok else "a whole number of pages above 0, such as 80"


def file_name(value) -> str | None:
    ok = isinstance(value, str) and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", value)
    return (
        None if ok else 'a file name without its extension, letters, digits and "-" only, such as "my-book"'
    )


def print_format(value) -> str | None:
    from guidebook.pdf.press import FORMATS

    return None if value in FORMATS else "one of " + " or ".join(f'"{name}"' for name in FORMATS)


def yes_or_no(value) -> str | None:
    return None if isinstance(value, bool) else "True or False"


def any_value(value) -> None:
    return None


SETTINGS = [
    # The book: conf.py's first block sets these. A default that fails its check ("") means
    # conf.py must set the value.
    Setting("book_title", "", (str,), text),
    Setting("book_subtitle", "", (str,), any_text),
    # The name under the icon when a reader installs the website on a phone (website/offline.py).
    Setting("book_short_title", "", (str,), any_text),
    Setting("book_slug", "book", (str,), slug),  # the ebooks' file names
    Setting("book_author", "", (str,), text),
    Setting("book_publisher", "", (str,), text),
    Setting("book_edition", "", (str,), text),
    Setting("book_language", "", (str,), language),
    Setting("book_year", "", (str,), year),
    Setting("book_site_url", "", (str,), site_address),
    Setting("book_original_post_url", "", (str,), https_address),
    Setting("book_booking_url", "", (str,), https_address),
    Setting("book_note", "", (str,), any_text),
    Setting("book_keywords", [], (list,), keywords),
    # The ebook's page: any CSS page size.
    Setting("book_page_size", "letter", (str,), page_size),
    # A stable identifier for the ebook, so reading apps know a new edition is the same book.
    Setting("book_uuid", "", (str,), uuid_text),
    # The paperback (`make print`): its trim size (6 × 9 in is the common trade paperback) and
    # its paper: inches a page, for white paper as print-on-demand services give it.
    Setting("book_trim_size", "6in 9in", (str,), page_size),
    Setting("book_paper_thickness", 0.002252, (float, int), paper_thickness),
    # The spine carries the title only from this many pages on: below it the spine is
    # under 0.18 in wide, too narrow for a line of type with the 1/16 in a printer keeps
    # clear on each side, and a title that drifts off the spine looks like a misprint.
    Setting("book_spine_title_min_pages", 80, (int,), page_count),
    Setting("book_description", "", (str,), any_text),  # the paperback's back cover
    # The paperback's print condition, an ICC CMYK output profile (a print shop's own can
    # replace it), and its PDF/X format: guidebook.pdf.press reads the profile and checks it.
    Setting("book_print_profile", "guidebook/pdf/profiles/FOGRA39.icc", (str,), text),
    Setting("book_print_format", "PDF/X-1a:2001", (str,), print_format),
    # The PDF's file name, and the folder the website's download buttons take the ebooks from.
    Setting("pdf_basename", lambda config: config.book_slug, (str,), file_name, rebuild=""),
    Setting("guide_ebook_dir", "_build", (str,), text),
    # `make` builds the ebooks before the website and requires them (guidebook.markup.calls_to_action).
    Setting("guide_require_ebooks", False, (bool,), yes_or_no, rebuild=""),
    # Set by `make` on the website it writes while the ebooks are written: their files and sizes
    # are put in by the website build that follows (guidebook.markup.calls_to_action.offer_ebooks).
    Setting("guide_ebooks_later", False, (bool,), yes_or_no, rebuild=""),
    # Set by the build itself, from hashes of the code and the stylesheets (guidebook.website):
    # a change rewrites every page.
    # The website kept on the reader's device (website/offline.py); `make live` turns it off,
    # so every save shows at once.
    Setting("guide_offline", True, (bool,), yes_or_no, rebuild="html"),
    Setting("guide_code_version", "", (str,), any_value, rebuild="html"),
    Setting("guide_stylesheet_version", "", (str,), any_value, rebuild="html"),
]
BOOK_SETTINGS = {setting.name: setting.default for setting in SETTINGS if setting.name.startswith("book_")}


def read_conf(path: Path = CONF) -> dict:
    """conf.py's names, for the tools that need them outside a Sphinx build."""
    namespace: dict = {"__file__": str(path)}
    exec(compile(path.read_text(encoding="utf-8"), "conf.py", "exec"), namespace)
    return namespace


def conf_settings(path: Path = CONF) -> dict:
    """conf.py's names, and the guide's defaults of the settings it leaves out: for the tools."""
    conf = read_conf(path)
    values: dict = {}
    for setting in SETTINGS:  # in order: a callable default reads the settings above it
        default = setting.default(SimpleNamespace(**values)) if callable(setting.default) else setting.default
        values[setting.name] = conf.get(setting.name, default)
    return {**conf, **values}


def book_settings(path: Path = CONF) -> dict:
    """The ``book_*`` settings: conf.py's, and the defaults of those it leaves out."""
    return {name: value for name, value in conf_settings(path).items() if name.startswith("book_")}


def book_context(config: "Config") -> dict:
    """The book_* settings without their prefix: the ``book`` of the themes' templates."""
    return {name.removeprefix("book_"): getattr(config, name) for name in BOOK_SETTINGS}


def conf_line(name: str, conf: Path = CONF) -> int | None:
    """The line of conf.py that sets ``name``, if one does."""
    lines = conf.read_text(encoding="utf-8").splitlines()
    return next((n for n, line in enumerate(lines, 1) if re.match(rf"{name}\s*=", line)), None)


def where_set(setting: Setting, value, confdir: str | Path) -> tuple[str | None, str]:
    """Where a value came from: conf.py's line (or conf.py, for a default) and how to name it."""
    name, conf = setting.name, Path(confdir, "conf.py")
    number = conf_line(name, conf)
    try:
        in_conf = read_conf(conf).get(name, value if callable(setting.default) else setting.default)
    except Exception:  # conf.py ran once already; if it cannot run again, name its line
        in_conf = value
    if in_conf != value:
        return None, f"{name} (set with -D {name}=…)"
    if number is None:
        return None, f"{conf} has no {name} line, so {name}"
    return f"{conf}:{number}", name


def check_settings(app: "Sphinx", config: "Config") -> None:
    """Stop before any chapter is read if a setting is wrong, naming its line and what to write instead.

    Each wrong setting is an error message of its own ("conf.py:12: ERROR: …"); then the build
    ends with exit status 2, as sphinx-build's own errors do, without Sphinx's crash report
    (which asks for a bug report, and a wrong setting is not a bug).
    """
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    wrong = 0
    for setting in SETTINGS:
        value = getattr(config, setting.name)
        instead = setting.check(value)
        if instead:
            location, name = where_set(setting, value, app.confdir)
            logger.error("%s is %r. Write %s.", name, value, instead, location=location)
            wrong += 1
    if wrong:
        raise SystemExit(2)


def tag_format(app: "Sphinx") -> None:
    for tag, builders in TAGS.items():
        if app.builder.name in builders:
            app.tags.add(tag)


def setup(app: "Sphinx") -> dict:
    for setting in SETTINGS:
        app.add_config_value(setting.name, setting.default, setting.rebuild, types=frozenset(setting.types))
    app.connect("config-inited", check_settings)
    app.connect("builder-inited", tag_format)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
