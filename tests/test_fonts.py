"""The brand fonts say who they are: inside each file, and in the PDF that embeds them."""

import re
import shutil
from pathlib import Path

import pikepdf
import pytest
from fontTools.ttLib import TTFont

from conftest import ROOT

FONTS = ROOT / "docs" / "_static" / "fonts"
FILES = sorted([*FONTS.glob("*.ttf"), *FONTS.glob("*.woff2")])
FACE = re.compile(r"@font-face\s*{([^}]*)}")


def expected(path: Path) -> dict:
    """What a file named like source-sans-3-latin-600-normal.ttf is: family, style and weight."""
    family, weight, style = re.fullmatch(
        r"([a-z0-9-]+)-latin-(\d00)-(normal|italic)\.\w+", path.name
    ).groups()
    family = {"source-sans-3": "Source Sans 3", "source-serif-4": "Source Serif 4"}[family]
    weight_name = {400: "Regular", 600: "SemiBold", 700: "Bold"}[int(weight)]
    style_name = (
        weight_name if style == "normal" else "Italic" if weight == "400" else f"{weight_name} Italic"
    )
    return {"family": family, "style": style_name, "weight": int(weight), "italic": style == "italic"}


def problems(path: Path) -> list[str]:
    """How the font's own names differ from what its file name says it is."""
    font, want = TTFont(path), expected(path)
    names = {i: font["name"].getDebugName(i) for i in (1, 2, 4, 6, 16, 17)}
    found = []
    if (names[16] or names[1]) != want["family"]:
        found.append(f"family {names[16] or names[1]!r}, not {want['family']!r}")
    if (names[17] or names[2]) != want["style"]:
        found.append(f"style {names[17] or names[2]!r}, not {want['style']!r}")
    if names[4] != f"{want['family']} {want['style']}":
        found.append(f"full name {names[4]!r}")
    if names[6] != f"{want['family']}-{want['style']}".replace(" ", ""):
        found.append(f"PostScript name {names[6]!r}")
    if want["weight"] in (400, 700) and names[1] != want["family"]:
        found.append(f"a {want['style']} face in family {names[1]!r}")
    if font["OS/2"].usWeightClass != want["weight"]:
        found.append(f"weight class {font['OS/2'].usWeightClass}")
    if (
        bool(font["OS/2"].fsSelection & 1) != want["italic"]
        or bool(font["head"].macStyle & 2) != want["italic"]
    ):
        found.append("italic bits wrong")
    return found


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_each_font_file_is_named_for_its_family_style_and_weight(path):
    assert not problems(path), f"{path.name}: {problems(path)}"


def test_a_misnamed_font_is_found(tmp_path):
    """As the Source Sans 3 files once were: named for the variable font's default instance."""
    copy = tmp_path / "source-sans-3-latin-700-normal.ttf"
    shutil.copy(FONTS / copy.name, copy)
    font = TTFont(copy)
    font["name"].setName("Source Sans 3 ExtraLight", 1, 3, 1, 0x409)
    font["OS/2"].usWeightClass = 200
    font.save(copy)
    assert problems(copy) == [
        "family 'Source Sans 3 ExtraLight', not 'Source Sans 3'",
        "a Bold face in family 'Source Sans 3 ExtraLight'",
        "weight class 200",
    ]


@pytest.mark.parametrize("stylesheet, suffix", [("brand.css", ""), ("site.css", " Web")])
def test_each_font_face_in_css_is_the_file_it_points_at(stylesheet, suffix):
    """The site's faces have names of their own (" Web"), so only the family's start is the font's."""
    css = (ROOT / "docs" / "_static" / stylesheet).read_text(encoding="utf-8")
    faces = FACE.findall(css)
    assert faces
    for face in faces:
        family = re.search(r'font-family:\s*"([^"]+)"', face).group(1)
        weight = int(re.search(r"font-weight:\s*(\d+)", face).group(1))
        style = re.search(r"font-style:\s*(\w+)", face).group(1)
        path = FONTS / re.search(r'url\("fonts/([^"]+)"\)', face).group(1)
        font = TTFont(path)
        names = font["name"]
        assert f"{names.getDebugName(16) or names.getDebugName(1)}{suffix}" == family, path.name
        assert font["OS/2"].usWeightClass == weight, path.name
        assert bool(font["OS/2"].fsSelection & 1) == (style == "italic"), path.name


def test_embedded_font_names_have_no_stray_characters(book):
    with pikepdf.open(book.pdf) as pdf:
        names = {
            str(obj[key])
            for obj in pdf.objects
            if isinstance(obj, pikepdf.Dictionary)
            for key in ("/BaseFont", "/FontName")
            if key in obj
        }
    assert names
    for name in names:
        assert re.fullmatch(r"/[A-Z]{6}\+[A-Za-z0-9]+(-[A-Za-z0-9]+)*", name), name
