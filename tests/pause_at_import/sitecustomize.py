"""For tests/test_stopping.py: hold a build at a known moment, so a signal lands there.

With this folder on PYTHONPATH and GUIDE_PAUSE_AT set to a module's name, a process
that looks for that module (imports it, or asks importlib whether it is there) first
touches the file GUIDE_PAUSE_MARKER, then waits a minute: the test signals it meanwhile.
"""

import os
import sys
import time
from pathlib import Path


class PauseAt:
    def __init__(self, name: str, marker: Path) -> None:
        self.name, self.marker = name, marker

    def find_spec(self, name, path=None, target=None):
        if name == self.name:
            self.marker.touch()
            time.sleep(60)
        return None  # the usual finders find it


if os.environ.get("GUIDE_PAUSE_AT"):
    sys.meta_path.insert(0, PauseAt(os.environ["GUIDE_PAUSE_AT"], Path(os.environ["GUIDE_PAUSE_MARKER"])))
