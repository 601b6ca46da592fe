"""CSS page sizes ("letter", "A5", "6in 9in", "A4 landscape") read into inches.

The settings check ``book_page_size`` and ``book_trim_size`` with it before the
build starts, and the PDF builders lay their pages out from it; WeasyPrint
reads the same sizes the same way (a test compares the two).
"""

import re

# Width and height of the named sizes of CSS Paged Media that books use, portrait.
NAMED_SIZES_MM = {
    "a3": (297, 420),
    "a4": (210, 297),
    "a5": (148, 210),
    "a6": (105, 148),
    "b4": (250, 353),
    "b5": (176, 250),
    "b6": (125, 176),
    "jis-b4": (257, 364),
    "jis-b5": (182, 257),
    "jis-b6": (128, 182),
}
NAMED_SIZES_IN = {"letter": (8.5, 11), "legal": (8.5, 14), "ledger": (11, 17)}
INCHES_PER_UNIT = {
    "in": 1,
    "cm": 1 / 2.54,
    "mm": 1 / 25.4,
    "q": 1 / 101.6,
    "pt": 1 / 72,
    "pc": 1 / 6,
    "px": 1 / 96,
}
LENGTH = re.compile(r"(\d+(?:\.\d+)?|\.\d+)(in|cm|mm|q|pt|pc|px)")
EXAMPLES = '"letter", "A4", "A5", "6in 9in" or "148mm 210mm"'


def named_size(name: str) -> tuple[float, float] | None:
    if name in NAMED_SIZES_IN:
        return NAMED_SIZES_IN[name]
    if name in NAMED_SIZES_MM:
        width, height = NAMED_SIZES_MM[name]
        return width / 25.4, height / 25.4
    return None


def length_inches(text: str) -> float | None:
    match = LENGTH.fullmatch(text)
    return float(match[1]) * INCHES_PER_UNIT[match[2]] if match and float(match[1]) > 0 else None


def page_size_inches(size: str) -> tuple[float, float] | None:
    """The width and height of a CSS page size, in inches, or None if it is not one."""
    words = str(size).lower().split()
    lengths = [length_inches(word) for word in words]
    if words and len(words) <= 2 and all(lengths):
        return (lengths[0], lengths[-1])
    orientations = [word for word in words if word in ("portrait", "landscape")]
    names = [word for word in words if word not in ("portrait", "landscape")]
    found = named_size(names[0]) if len(names) == 1 and len(orientations) <= 1 else None
    if found is None:
        return None
    return found[::-1] if orientations == ["landscape"] else found
