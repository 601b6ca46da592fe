"""What a chapter's file is called: ``NN-slug.md``, its number (two digits or more), then its slug.

The chapters' messages (guidebook.authoring.messages), the check of the files before
a build (guidebook/tools/sources.py) and `make rename` take the rule from here. It
imports nothing of Sphinx, so the build can check the files before Sphinx is loaded.
"""

import re

CHAPTER_NAME = re.compile(r"\d{2,}-[a-z0-9]+(?:-[a-z0-9]+)*")
