"""Name each brand font file for what it is, from its file name.

    .venv/bin/python -m guidebook.tools.font_names docs/_static/fonts

A file named ``source-sans-3-latin-600-normal.ttf`` (or ``.woff2``) is Source Sans 3,
SemiBold, weight 600, upright. The script writes that into the file's own names
(name IDs 1, 2, 3, 4, 6, 16 and 17), its OS/2 weight class and style bits, and its
``head`` style bits, which reading apps and PDF viewers show and match on. It
changes nothing else, and running it again changes nothing.

Why: the Source Sans 3 files, cut from the variable font, carried the name of its
default instance ("Source Sans 3 ExtraLight") whatever their weight.
"""

import argparse
import re
from pathlib import Path

from fontTools.ttLib import TTFont

FILE_NAME = re.compile(
    r"(?P<family>[a-z0-9-]+?)-latin-(?P<weight>\d00)-(?P<style>normal|italic)\.(ttf|woff2)"
)
WEIGHT_NAMES = {
    100: "Thin",
    200: "ExtraLight",
    300: "Light",
    400: "Regular",
    500: "Medium",
    600: "SemiBold",
    700: "Bold",
    800: "ExtraBold",
    900: "Black",
}


def names_for(file_name: str) -> tuple[dict[int, str], int, bool]:
    """The names a font file of this name should carry (by name ID), its weight, and whether it is italic."""
    match = FILE_NAME.fullmatch(file_name)
    if match is None:
        raise ValueError(
            f"{file_name}: a brand font file is named FAMILY-latin-WEIGHT-normal|italic.ttf|woff2"
        )
    family = " ".join(word.capitalize() for word in match["family"].split("-"))
    weight, italic = int(match["weight"]), match["style"] == "italic"
    style = " ".join(
        filter(
            None,
            [
                "" if weight == 400 and italic else WEIGHT_NAMES[weight],
                "Italic" if italic else "",
            ],
        )
    )
    postscript = f"{family.replace(' ', '')}-{style.replace(' ', '')}"
    if weight in (400, 700):  # the four styles every app knows: one family, a style name
        names = {1: family, 2: style}
    else:  # any other weight: a family of its own for old apps, the typographic family for new ones
        names = {
            1: f"{family} {WEIGHT_NAMES[weight]}",
            2: "Italic" if italic else "Regular",
            16: family,
            17: style,
        }
    names.update({4: f"{family} {style}", 6: postscript})
    return names, weight, italic


def name_font(path: Path) -> bool:
    """Write the names into the font at path; True if anything changed."""
    names, weight, italic = names_for(path.name)
    font = TTFont(path)
    table = font["name"]
    before = (
        font["name"].compile(font),
        font["OS/2"].usWeightClass,
        font["OS/2"].fsSelection,
        font["head"].macStyle,
    )
    old_postscript = table.getDebugName(6)
    for record in list(table.names):
        if record.nameID in (1, 2, 4, 6, 16, 17):
            table.removeNames(nameID=record.nameID)
    for name_id, value in sorted(names.items()):
        table.setName(value, name_id, 3, 1, 0x409)
    unique = table.getDebugName(3)
    if unique and old_postscript:
        table.setName(unique.replace(old_postscript, names[6]), 3, 3, 1, 0x409)
    bold = weight == 700
    font["OS/2"].usWeightClass = weight
    selection = font["OS/2"].fsSelection & ~0b1100001  # italic (0), bold (5), regular (6)
    font["OS/2"].fsSelection = (
        selection | (1 if italic else 0) | (1 << 5 if bold else 0) | (1 << 6 if not (bold or italic) else 0)
    )
    font["head"].macStyle = (font["head"].macStyle & ~0b11) | (1 if bold else 0) | (2 if italic else 0)
    after = table.compile(font), font["OS/2"].usWeightClass, font["OS/2"].fsSelection, font["head"].macStyle
    if after == before:
        return False
    font.save(path, reorderTables=False)
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="the folder of the brand font files (docs/_static/fonts)")
    folder = parser.parse_args().folder
    for path in sorted([*folder.glob("*.ttf"), *folder.glob("*.woff2")]):
        print(f"{path}: {'named' if name_font(path) else 'already named'}")


if __name__ == "__main__":
    main()
