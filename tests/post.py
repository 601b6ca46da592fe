"""The source post, as the fragments of text the guide must keep word for word.

The export's first lines are the blog's page chrome, not the post. Every other
line is split into sentences; a bullet of the form "Label: text" gives its
label and its text separately, since the guide shows the label as a heading.
"""

import re
from pathlib import Path

EXPORT = Path(__file__).parent / "post-export.txt"
CHROME = {
    "Data tells you the problem, creativity solves it.",
    "BreakBox Blog.png",
    "Blog",
    "Freedom, Empowerment, Self-Mastery",
}
QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})
SENTENCE_END = re.compile(r"(?<=[.?!])[\"”]?\s+(?=[A-Z\"“])")


def normalise(text: str) -> str:
    """Straight quotes, single spaces: the form in which texts are compared."""
    return re.sub(r"\s+", " ", text.translate(QUOTES)).strip()


def letters(text: str) -> str:
    """Only letters and digits: for PDF text, where hyphenation splits words at line ends."""
    return re.sub(r"[^A-Za-z0-9]", "", text)


def split_sentences(text: str) -> list[str]:
    parts, start = [], 0
    for match in SENTENCE_END.finditer(text):
        end = match.start() + len(match.group(0).rstrip())
        parts.append(text[start:end].strip())
        start = match.end()
    parts.append(text[start:].strip())
    return [part for part in parts if part]


def fragments(export: Path = EXPORT) -> list[str]:
    """Every sentence, heading and label of the post, normalised."""
    lines = [line.strip() for line in export.read_text(encoding="utf-8").splitlines()]
    found = []
    for line in lines:
        if not line or line in CHROME:
            continue
        bullet = line.startswith("•")
        line = normalise(line.lstrip("•").strip())
        heading = re.match(r"^\d+\.\s+(.*)$", line)
        if heading:
            found.append(heading.group(1))
            continue
        label = re.match(r"^([A-Z][\w -]+): (.+)$", line)
        if bullet and label:
            found.append(label.group(1))
            line = label.group(2)
        found.extend(split_sentences(line))
    return found
