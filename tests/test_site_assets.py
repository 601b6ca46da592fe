"""The CSS pruning's view of which classes the pages use, with and without its cache."""

import os

from guidebook.site_assets import used_classes


def write_page(path, classes: str, mtime_ns: int):
    path.write_text(f'<p class="{classes}">x</p>', encoding="utf-8")
    os.utime(path, ns=(mtime_ns, mtime_ns))


def test_cached_classes_equal_a_fresh_read(tmp_path):
    site, cache = tmp_path / "site", tmp_path / "classes.json"
    site.mkdir()
    write_page(site / "a.html", "card step", 10**18)
    write_page(site / "b.html", "note", 10**18)
    fresh, _ = used_classes(site)
    first, _ = used_classes(site, cache)
    second, _ = used_classes(site, cache)
    assert fresh == first == second == {"card", "step", "note"}


def test_a_changed_page_is_read_again_and_a_removed_one_forgotten(tmp_path):
    site, cache = tmp_path / "site", tmp_path / "classes.json"
    site.mkdir()
    write_page(site / "a.html", "card step", 10**18)
    write_page(site / "b.html", "note", 10**18)
    used_classes(site, cache)
    write_page(site / "a.html", "card lead", 10**18 + 1)
    (site / "b.html").unlink()
    classes, _ = used_classes(site, cache)
    assert classes == {"card", "lead"}


def test_an_unreadable_cache_is_ignored(tmp_path):
    site, cache = tmp_path / "site", tmp_path / "classes.json"
    site.mkdir()
    write_page(site / "a.html", "card", 10**18)
    cache.write_text("not json", encoding="utf-8")
    assert used_classes(site, cache)[0] == {"card"}
