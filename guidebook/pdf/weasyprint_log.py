"""WeasyPrint's log, as Sphinx warnings: for the PDF, the paperback and the cover picture.

WeasyPrint logs what it could not do (a missing font or image, CSS it ignores)
instead of failing; forwarded as Sphinx warnings, they fail the build like any other.
"""

import logging as std_logging
import sys
from contextlib import contextmanager

from sphinx.util import logging

from guidebook.warning_types import WARNING_TYPE, GuideWarning

logger = logging.getLogger(__name__)

# WeasyPrint's warnings that only say it took a slower way to the same output, and
# what it lacked (a need named in guidebook/tools/system.py). Any other warning
# can change or lose content, so it fails the build.
# The extension does not import the system check (a script run before .venv exists);
# its install target knows each system's package for the need.
HOW_TO_GET = "run `make system-packages`, which installs it"
SLOWER_WAYS = {"Using fontTools instead of HarfBuzz-Subset": "HarfBuzz-Subset"}
noticed: set[str] = set()


class _ForwardToSphinx(std_logging.Handler):
    def __init__(self, notices: bool) -> None:
        super().__init__(std_logging.WARNING)
        self.notices = notices

    def emit(self, record: std_logging.LogRecord) -> None:
        message = record.getMessage()
        lacking = next((need for start, need in SLOWER_WAYS.items() if message.startswith(start)), None)
        if lacking is None:
            logger.warning("WeasyPrint: %s", message, type=WARNING_TYPE, subtype=GuideWarning.PDF)
        elif self.notices and lacking not in noticed:
            noticed.add(lacking)
            # Not a Sphinx warning, which -W would make an error; not an info, which -q hides.
            print(
                f"Notice: WeasyPrint made the PDF without {lacking}, which this computer does not have, "
                f"so it took a slower way to the same PDF. To remove this notice, {HOW_TO_GET}.",
                file=sys.stderr,
            )


@contextmanager
def weasyprint_warnings_as_sphinx_warnings(notices: bool = True):
    """WeasyPrint's warnings (a missing font or image, CSS it ignores) fail the build like any other;
    a slower way to the same output is a notice, shown once (by the PDF build, not by the cover's)."""
    handler = _ForwardToSphinx(notices)
    weasyprint_logger = std_logging.getLogger("weasyprint")
    weasyprint_logger.addHandler(handler)
    try:
        yield
    finally:
        weasyprint_logger.removeHandler(handler)
