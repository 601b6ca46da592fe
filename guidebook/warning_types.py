"""The guide's warnings: one type, ``guide``, with a subtype for each kind of report.

Every warning the extension gives is ``guide.<subtype>``, shown at the end of
its message (``[guide.raw]``). A project that wants to silence one kind lists
it in conf.py, as for Sphinx's own warnings::

    suppress_warnings = ["guide.cover"]

The guide itself suppresses none: every warning fails its build (``-W``).
"""

from enum import StrEnum

WARNING_TYPE = "guide"


class GuideWarning(StrEnum):
    """The subtypes; each is a ``str``, so it is what Sphinx's ``subtype=`` takes."""

    SOURCE = "source"  # a chapter's Markdown: an unclosed ::: block, front matter without a description
    RAW = "raw"  # HTML typed into a chapter, or a raw block
    INCLUDE = "include"  # a directive that reads another file
    OUTSIDE = "outside"  # a link or image that reaches outside docs/
    WORKBOOK = "workbook"  # an answer space without a question
    DOWNLOADS = "downloads"  # an ebook the download buttons offer is missing
    COVER = "cover"  # the cover design takes more than one page
    EPUB = "epub"  # a stylesheet the EPUB lists is not there
    PRINT = "print"  # what the press cannot take: a print setting, a colour with no CMYK value, a picture under 300 ppi
    PDF = "pdf"  # WeasyPrint's own warnings: a missing font or image, CSS it ignores

    def __str__(self) -> str:
        return self.value

    @property
    def suppressed_by(self) -> str:
        """What a project lists in ``suppress_warnings`` to silence this kind."""
        return f"{WARNING_TYPE}.{self.value}"
