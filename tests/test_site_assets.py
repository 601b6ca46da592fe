"""The CSS pruning's view of which classes the pages use, with and without its cache."""

import os

from guidebook.website.assets import prune_css, pruned_css, used_classes


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


CSS = ".card{color:red}.note{color:blue}.kind-x{margin:0}"


def test_remembered_pruning_equals_a_fresh_one(tmp_path):
    cache = tmp_path / "site-css" / "furo.css.json"
    for classes in ({"card"}, {"card"}, {"note"}, {"card", "note"}):
        assert pruned_css(CSS, classes, ("kind-",), cache) == prune_css(CSS, classes, ("kind-",))
    assert pruned_css(CSS, {"note"}, (), cache) == ".note{color:blue}"


def test_a_changed_stylesheet_is_pruned_again(tmp_path):
    cache = tmp_path / "furo.css.json"
    assert pruned_css(CSS, {"card"}, (), cache) == ".card{color:red}"
    assert pruned_css(".card{color:green}", {"card"}, (), cache) == ".card{color:green}"


def test_an_unreadable_pruning_cache_is_ignored(tmp_path):
    cache = tmp_path / "furo.css.json"
    for broken in ("not json", "[]", '{"key": "x"}'):
        cache.write_text(broken, encoding="utf-8")
        assert pruned_css(CSS, {"card"}, (), cache) == ".card{color:red}"


def test_the_page_templates_are_kept_compiled(book):
    """guidebook/template_cache.py: Jinja's cache of furo's and the guide's templates, beside the doctrees."""
    kept = list((book.out / "doctrees" / "templates").glob("*.cache"))
    assert len(kept) >= 3  # page.html, base.html and furo's own, at least
