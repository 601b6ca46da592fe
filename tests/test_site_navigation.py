"""The sidebar, made once per build (guidebook/site_navigation.py), marks each page as furo would."""

from furo.navigation import get_navigation_tree
from lxml import html as lxml_html


def sidebar(page) -> lxml_html.HtmlElement:
    return lxml_html.fromstring(page.read_bytes()).find_class("sidebar-tree")[0]


def test_each_chapter_page_marks_only_itself(book):
    chapters = [p for p in sorted(book.html.glob("[0-9][0-9]-*.html"))]
    assert len(chapters) >= 10
    for page in chapters:
        tree = sidebar(page)
        current = tree.xpath(".//li[contains(@class, 'current-page')]")
        assert len(current) == 1, page.name
        assert current[0].get("class") == "toctree-l1 current current-page", page.name
        link = current[0].find("a")
        assert link.get("href") == "#" and link.get("class") == "current reference internal", page.name
        assert tree.xpath(".//ul")[0].get("class") == "current", page.name
        others = tree.xpath(".//li[not(contains(@class, 'current'))]/a/@href")
        assert page.name not in others and len(others) == len(chapters) - 1, page.name


def test_pages_outside_the_contents_mark_nothing(book):
    for name in ("index.html", "search.html"):
        tree = sidebar(book.html / name)
        assert not tree.xpath(".//*[contains(@class, 'current')]"), name


def test_a_chapter_sidebar_is_what_furo_makes(book):
    """The home page's contents with one entry marked, as Sphinx marks it, then through furo."""

    def contents(page: str) -> str:
        tree = page.read_text(encoding="utf-8")
        tree = tree[tree.index('<div class="sidebar-tree">'):]
        return tree[tree.index("<ul"):tree.index("</ul>") + len("</ul>")]

    sphinx_marked = contents(book.html / "index.html").replace("<ul>", '<ul class="current">', 1).replace(
        '<li class="toctree-l1"><a class="reference internal" href="04-offer-alternatives.html">',
        '<li class="toctree-l1 current"><a class="current reference internal" href="#">',
    )
    assert "current" in sphinx_marked
    assert contents(book.html / "04-offer-alternatives.html") == get_navigation_tree(sphinx_marked)
