"""The build's date, read in one place: ``SOURCE_DATE_EPOCH``, or the clock without it.

Every format records when it was built (the PDF's metadata and copyright page, the EPUB's
``dcterms:modified`` and zip entries, the paperback's cover, the release zip, Sphinx's
``today``). Dated from ``SOURCE_DATE_EPOCH`` (reproducible-builds.org), two builds of one
commit are the same bytes: the build wrapper sets it to the last commit's time; a stock
``sphinx-build`` without it takes the clock, as Sphinx does.
"""

import os
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

# No Sphinx import: the build wrapper reads the date before it loads Sphinx.

ENV_VAR = "SOURCE_DATE_EPOCH"
# The date of a copy of the guide with no git history (a downloaded zip): 2026-01-01T00:00:00Z.
NO_HISTORY_EPOCH = 1767225600
ZIP_EARLIEST = (1980, 1, 1, 0, 0, 0)  # a zip entry cannot be dated earlier
ROOT = Path(__file__).resolve().parent.parent


def build_epoch() -> int:
    """Seconds since 1970 of the build: SOURCE_DATE_EPOCH when set, otherwise now."""
    value = os.environ.get(ENV_VAR)
    return int(value) if value else int(time.time())


def build_date() -> datetime:
    return datetime.fromtimestamp(build_epoch(), tz=UTC)


def zip_date_time(epoch: int | None = None) -> tuple[int, ...]:
    """A zip entry's date and time for the build (or ``epoch``), no earlier than zip allows."""
    return max(time.gmtime(build_epoch() if epoch is None else epoch)[:6], ZIP_EARLIEST)


def last_commit_epoch(root: Path = ROOT) -> int:
    """The last commit's time, which the build wrapper makes SOURCE_DATE_EPOCH."""
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        out = ""
    return int(out) if out else NO_HISTORY_EPOCH


def set_today(app, config) -> None:
    """Sphinx's ``|today|`` and ``today`` are the build's date, unless conf.py sets ``today``."""
    if not config.today:
        config.today = build_date().strftime(config.today_fmt or "%B %-d, %Y")


def setup(app) -> dict:
    app.connect("config-inited", set_today)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
