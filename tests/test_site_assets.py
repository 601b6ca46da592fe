"""The CSS pruning: which classes the pages and scripts use, and how a stylesheet is cut into rules."""

from guidebook.website.assets import prune_css, split_rules, used_classes


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


def test_rules_are_split_at_their_own_braces_not_those_in_strings_or_comments():
    css = (
        '@import "a{b}.css";/* a } brace */.a{content:"}"}'
        "@media (min-width:1px){.b{x:y}.c{x:z}}.d{background:url('data:x{y}')}"
    )
    assert split_rules(css) == [
        ('@import "a{b}.css"', None),
        ("/* a } brace */.a", 'content:"}"'),
        ("@media (min-width:1px)", ".b{x:y}.c{x:z}"),
        (".d", "background:url('data:x{y}')"),
    ]


def test_pruning_reads_selectors_whole_and_leaves_strings_and_other_rules_as_they_are():
    css = (
        '/* furo */@charset "utf-8";.a:is(.b,.c){x:y}.a,.b:not(.c){x:z}'
        '.b{content:"}"}@keyframes k{0%{x:y}}@supports (display:grid){@media print{.a{x:y}.b{x:y}}}'
    )
    assert prune_css(css, {"a"}) == (
        '@charset "utf-8";.a:is(.b,.c){x:y}.a{x:z}@keyframes k{0%{x:y}}'
        "@supports (display:grid){@media print{.a{x:y}}}"
    )
