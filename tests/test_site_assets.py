"""The CSS pruning's view of which classes the pages and scripts use."""

from guidebook.website.assets import used_classes


def test_classes_come_from_every_page_and_every_script(tmp_path):
    site = tmp_path / "site"
    (site / "_static").mkdir(parents=True)
    (site / "a.html").write_text('<p class="card step">x</p>', encoding="utf-8")
    (site / "b.html").write_text('<div class="note">x</div>', encoding="utf-8")
    (site / "_static" / "tabs.js").write_text(
        'el.classList.add("sd-active"); `sd-tab-${n}`', encoding="utf-8"
    )
    classes, prefixes = used_classes(site)
    assert {"card", "step", "note", "sd-active"} <= classes
    assert prefixes == ("sd-tab-",)
