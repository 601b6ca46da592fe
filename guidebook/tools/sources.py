"""Check that the build can read every file in ``docs/``, before Sphinx reads any.

Sphinx stops with a crash report on a chapter that is not UTF-8 text, and
passes over a Word document or a misnamed chapter in silence. ``make`` and
``make live`` run this check first; each problem is one message with the file,
the line where there is one, and what to do (in EDITING.md's words)::

    docs/04-offer-alternatives.md:12: ERROR: this chapter is not saved as UTF-8 text …
        What to do: …
"""

from __future__ import annotations

from pathlib import Path

from guidebook.chapters import CHAPTER_NAME

PICTURES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg"}
OWN_FILES = "_static"  # the guide's stylesheets, fonts and logo
WORD = {".doc", ".docx", ".odt", ".rtf", ".pages"}
SAVE_AS_UTF8 = (
    "save it again as UTF-8 text: in Visual Studio Code, click the encoding at the bottom right, "
    "choose 'Save with Encoding', then 'UTF-8'; in TextEdit, choose Format → Make Plain Text, then "
    "save with 'Unicode (UTF-8)'; in Notepad, choose File → Save As with Encoding 'UTF-8' "
    "(EDITING.md, When the build fails)."
)
PASTE_INTO_CHAPTER = (
    'copy its text into a chapter (make chapter TITLE="Your title", or make import POST=file for a '
    "blog export), then move this file out of docs/."
)


def problem(path: Path, line: int | None, what: str, todo: str) -> str:
    where = f"{path}:{line}" if line else str(path)
    return f"{where}: ERROR: {what}\n    What to do: {todo}"


def chapter_problems(path: Path, shown: Path) -> list[str]:
    try:
        data = path.read_bytes()
    except OSError as error:
        return [
            problem(
                shown,
                None,
                f"the build cannot open this chapter ({error.strerror or error}).",
                f"make it readable: chmod a+r '{shown}'.",
            )
        ]
    if b"\0" in data or data.startswith(b"PK\x03\x04"):
        kind = "a Word document (or another program's file)" if data.startswith(b"PK") else "a program's file"
        return [
            problem(
                shown, None, f"this file is not text: it looks like {kind} named .md.", PASTE_INTO_CHAPTER
            )
        ]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return [
            problem(
                shown,
                line,
                f"this chapter is not saved as UTF-8 text (the byte "
                f"0x{data[error.start]:02X} on this line is not UTF-8), so the build cannot read it.",
                SAVE_AS_UTF8,
            )
        ]
    found = []
    if shown.name != "index.md" and not CHAPTER_NAME.fullmatch(shown.stem):
        found.append(
            problem(
                shown,
                None,
                f"the file name '{shown.name}' does not follow the chapters' pattern NN-slug.md.",
                "rename it to two digits, a hyphen and words in small letters joined by hyphens, "
                "for example '12-keep-going.md', and list it by that name in docs/index.md.",
            )
        )
    if not text.strip():
        found.append(
            problem(
                shown,
                1,
                "this chapter is empty.",
                "write its front matter, label and title (EDITING.md, Add a chapter), "
                "or delete the file and its line in docs/index.md.",
            )
        )
    return found


def picture_problems(path: Path, shown: Path) -> list[str]:
    try:
        with path.open("rb") as picture:
            if path.suffix.lower() == ".svg":
                return []
            from PIL import Image

            Image.open(picture).verify()
    except OSError as error:
        reason = getattr(error, "strerror", None) or str(error)
        if isinstance(error, (FileNotFoundError, PermissionError)):
            return [
                problem(
                    shown,
                    None,
                    f"the build cannot open this picture ({reason.lower()}).",
                    f"copy the picture into docs/images/ again, or make it readable: chmod a+r '{shown}'.",
                )
            ]
        return [
            problem(
                shown,
                None,
                f"this picture is damaged, or is not the kind its ending '{path.suffix}' says.",
                "open it in a picture program and save (export) it again as PNG or JPEG.",
            )
        ]
    return []


def problems(docs: Path, shown_from: Path) -> list[str]:
    """One message for each file in ``docs`` that the build cannot read; paths shown from ``shown_from``."""
    found = []
    for path in sorted(docs.rglob("*")):
        relative = path.relative_to(docs)
        if (
            path.is_dir()
            or any(part.startswith(".") for part in relative.parts)
            or relative.parts[0] == OWN_FILES
        ):
            continue
        shown = path.relative_to(shown_from)
        suffix = path.suffix.lower()
        if suffix == ".md":
            found += chapter_problems(path, shown)
        elif suffix in PICTURES:
            found += picture_problems(path, shown)
        else:
            kind = (
                "a Word document"
                if suffix in WORD
                else f"a file the build does not use ({suffix or 'no ending'})"
            )
            found.append(
                problem(
                    shown,
                    None,
                    f"{kind} is in docs/, which holds only the chapters (.md) and their pictures.",
                    PASTE_INTO_CHAPTER,
                )
            )
    return found
