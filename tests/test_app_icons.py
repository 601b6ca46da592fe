"""The installed guide's icons, made from the brand mark: their sizes, their corners, the maskable safe zone."""

import math

import pytest
from PIL import Image, ImageColor

from guidebook.brand import brand_tokens
from guidebook.website.app_icons import ICONS, MASKABLE_SAFE_ZONE, draw_icons


@pytest.fixture(scope="module")
def icons(tmp_path_factory):
    static = draw_icons(tmp_path_factory.mktemp("icons"))
    return {name: Image.open(static / name).convert("RGBA") for name in ICONS}


def test_each_icon_has_its_size(icons):
    assert {name: image.size for name, image in icons.items()} == {
        name: (pixels, pixels) for name, (pixels, _purpose, _share) in ICONS.items()
    }


def test_the_plain_icons_are_the_rounded_mark_with_transparent_corners(icons):
    for name in ("icon-192.png", "icon-512.png"):
        image = icons[name]
        side = image.size[0]
        assert image.getpixel((0, 0))[3] == 0, name
        assert image.getpixel((side - 1, side - 1))[3] == 0, name
        assert image.getpixel((side // 2, side // 10))[3] == 255, name  # the mark's teal, inside its rounding


def test_the_maskable_icon_fills_its_square_and_keeps_the_mark_in_the_safe_zone(icons):
    image = icons["icon-maskable-512.png"]
    side = image.size[0]
    teal = (*ImageColor.getrgb(brand_tokens()["--brand-primary"]), 255)
    safe_radius = side * MASKABLE_SAFE_ZONE / 2
    outside = [
        image.getpixel((x, y))
        for x in range(0, side, 4)
        for y in range(0, side, 4)
        if math.hypot(x + 0.5 - side / 2, y + 0.5 - side / 2) > safe_radius
    ]
    # A crop to any shape shows only teal there: the mark's own teal square, or the background's
    # (a few steps apart where the two meet, smoothed; white or orange is far further).
    assert outside and all(max(abs(a - b) for a, b in zip(pixel, teal)) <= 10 for pixel in outside)
    assert image.getpixel((side // 2, side // 2)) != teal  # and the mark is there


def test_icons_are_drawn_again_only_when_the_mark_changes(tmp_path):
    static = draw_icons(tmp_path)
    times = {name: (static / name).stat().st_mtime_ns for name in ICONS}
    assert draw_icons(tmp_path) == static
    assert {name: (static / name).stat().st_mtime_ns for name in ICONS} == times
    (tmp_path / "icons.sha256").write_text("another mark", encoding="utf-8")
    draw_icons(tmp_path)
    assert any((static / name).stat().st_mtime_ns != times[name] for name in ICONS)
