"""The website, read as files: head tags, site files, trimmed assets, brand contrast.

The browser tests (test_browser.py) check what a reader's browser does with it.
"""

import base64
import gzip
import hashlib
import re
import urllib.error
import urllib.request
from xml.etree import ElementTree

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import BOOK, ROOT
from guidebook.tools.site_server import SiteServer, site_path
from guidebook.website.assets import bundle_stylesheets, prune_css
from guidebook.website.pages import reading_minutes

SITE_URL = BOOK["book_site_url"]
DOCS = ROOT / "docs"
CHAPTERS = sorted(p.stem for p in DOCS.glob("[0-9][0-9]-*.md"))


def front_matter(doc: str) -> dict:
    text = (DOCS / f"{doc}.md").read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---")[1]) if text.startswith("---") else {}


@pytest.fixture(scope="session")
def pages(book) -> dict[str, BeautifulSoup]:
    return {
        p.stem: BeautifulSoup(p.read_text(encoding="utf-8"), "lxml") for p in sorted(book.html.glob("*.html"))
    }


def meta(soup: BeautifulSoup, key: str) -> str | None:
    tag = soup.find("meta", attrs={"name": key}) or soup.find("meta", attrs={"property": key})
    return tag["content"] if tag else None


def site_file(book, page: str, address: str):
    """The file a page's link points to (the 404 page's links are absolute, under the site's path)."""
    if address.startswith(site_path(SITE_URL)):
        return book.html / address.removeprefix(site_path(SITE_URL))
    return book.html.joinpath(page).parent / address


def csp(soup: BeautifulSoup) -> str:
    tag = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert tag is not None
    return tag["content"]


# ── Content-Security-Policy ───────────────────────────────────────────────────


def test_every_page_has_a_strict_content_security_policy_before_any_resource(pages):
    assert {"index", "search", "404", *CHAPTERS} <= set(pages)
    for name, soup in pages.items():
        policy = csp(soup)
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["default-src"] == "'none'", name
        assert directives["style-src"] == "'self'", name
        assert directives["script-src"].startswith("'self'"), name
        assert "unsafe" not in policy and "http" not in policy, name
        head = soup.head.find_all(True)
        first_resource = next(i for i, t in enumerate(head) if t.name in {"link", "script", "style"})
        assert head.index(soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})) < first_resource


def test_inline_scripts_are_allowed_by_hash_and_there_are_no_inline_styles(pages):
    for name, soup in pages.items():
        allowed = re.findall(r"'(sha256-[^']+)'", csp(soup))
        for script in soup.find_all("script", src=False):
            digest = base64.b64encode(hashlib.sha256(script.string.encode()).digest()).decode()
            assert f"sha256-{digest}" in allowed, name
        assert not soup.find_all("style"), name
        assert not soup.find_all(style=True), name


def test_no_resource_comes_from_another_host(pages, book):
    for name, soup in pages.items():
        for tag, attr in (("link", "href"), ("script", "src"), ("img", "src")):
            for element in soup.find_all(tag, attrs={attr: True}):
                if tag == "link" and element.get("rel") in (["canonical"], ["next"], ["prev"]):
                    continue
                assert "://" not in element[attr] and not element[attr].startswith("//"), (name, element)
    for css in (book.html / "_static").glob("**/*.css"):
        assert not re.search(r"url\(\s*['\"]?(https?:)?//|@import", css.read_text(encoding="utf-8")), css


# ── What each page says about itself ───────────────────────────────────────────


def test_chapter_descriptions_come_from_front_matter(pages):
    for doc in ["index", *CHAPTERS]:
        described = front_matter(doc).get("description")
        assert described, f"docs/{doc}.md has no description"
        assert meta(pages[doc], "description") == described
        assert meta(pages[doc], "og:description") == described  # the link preview's too


def test_link_previews_show_the_cover(pages, book):
    cover = book.html / "_static" / "cover.png"
    assert cover.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", (
        "the preview picture _static/cover.png is not in the site"
    )
    for doc in ["index", *CHAPTERS]:
        assert meta(pages[doc], "og:image") == SITE_URL + "_static/cover.png", doc
        assert BOOK["book_title"] in meta(pages[doc], "og:image:alt"), doc
        assert meta(pages[doc], "og:url") == pages[doc].find("link", rel="canonical")["href"], doc


def test_each_chapter_shows_its_reading_time_under_its_title(pages):
    for doc in CHAPTERS:
        h1 = pages[doc].find("h1")
        reading = h1.find_next_sibling()
        assert "reading-time" in reading["class"], doc
        words = len(pages[doc].find("article").get_text(" ").split())
        minutes = int(re.fullmatch(r"(\d+) min read", reading.get_text()).group(1))
        assert minutes >= 1 and abs(minutes - words / 220) <= 1, doc


def test_reading_minutes():
    assert reading_minutes("") == 1
    assert reading_minutes("word " * 220) == 1
    assert reading_minutes("word " * 221) == 2


def test_every_page_offers_the_ebooks_in_the_sidebar(pages, book):
    for name, soup in pages.items():
        links = soup.select(".sidebar-drawer a.guide-download")
        assert [a["href"].rsplit("/", 1)[-1] for a in links] == [book.pdf.name, book.epub.name], name
        assert all(re.search(r"\(\d+(\.\d)? [KM]B\)", a.get_text()) for a in links), name
        for a in links:
            assert site_file(book, name, a["href"]).resolve().is_file(), name


def test_the_website_uses_the_brand_fonts_without_layout_shift(book):
    brand = (DOCS / "_static" / "brand.css").read_text()
    site = (book.html / "_static" / "site.css").read_text()
    face = re.compile(r'url\("fonts/([^"]+)\.(?:ttf|woff2)"\)')
    faces = face.findall(brand)  # the ebooks' TrueType faces; the website's are the same fonts as WOFF2
    assert faces and faces == face.findall(site) and ".ttf" not in site
    assert site.count("font-display: optional;") == len(faces) and "font-display: swap" not in site
    # the site's own family names, so brand.css's "swap" faces are never loaded
    families = set(re.findall(r'font-family: "([^"]+)";', brand))
    assert {f"{family} Web" for family in families} == set(re.findall(r'font-family: "([^"]+)";', site))
    assert all(f'"{family}"' not in site for family in families)


def test_the_text_and_heading_faces_are_preloaded(pages, book):
    bundle = (book.html / "_static" / "guide.css").read_text()
    for name, soup in pages.items():
        preloads = soup.find_all("link", rel="preload")
        italics = bool(soup.select("article em, article .subtitle, article .say-it"))
        assert len(preloads) == 2 + italics, name
        assert any("italic" in link["href"] for link in preloads) == italics, name
        for link in preloads:
            assert link["as"] == "font" and link.has_attr("crossorigin"), name
            font = site_file(book, name, link["href"])
            assert font.is_file(), name
            assert f'url("{font.relative_to(book.html / "_static").as_posix()}")' in bundle, name


def test_brand_logo_favicon_and_title(pages, book):
    assert (book.html / "_static" / "logo.svg").is_file()
    ElementTree.parse(book.html / "_static" / "logo.svg")
    for name, soup in pages.items():
        assert soup.find("link", rel="icon")["href"].endswith("_static/logo.svg"), name
        brand = soup.select_one(".sidebar-brand")
        assert BOOK["book_publisher"] in brand.get_text() and BOOK["book_title"] in brand.get_text(), name
        assert "documentation" not in soup.title.get_text().lower(), name
        assert BOOK["book_note"] in soup.find("footer").get_text(), name


def test_every_heading_role_has_a_level(pages):
    for name, soup in pages.items():
        headings = soup.select('[role="heading"]')
        assert headings, name  # the sidebar's "The guide"
        assert all(h.get("aria-level") for h in headings), name


def test_every_chapter_has_a_way_on(pages):
    for doc in CHAPTERS[:-1]:
        assert pages[doc].select_one("footer a.next-page"), doc
    for doc in CHAPTERS:
        assert pages[doc].select_one("footer a.prev-page"), doc


# ── Site files ──────────────────────────────────────────────────────────────────


def test_sitemap_lists_every_page_of_the_guide_at_its_canonical_address(book, pages):
    tree = ElementTree.parse(book.html / "sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = [loc.text for loc in tree.getroot().findall("s:url/s:loc", ns)]
    assert sorted(urls) == sorted(SITE_URL + f"{doc}.html" for doc in ["index", *CHAPTERS])
    for doc in ["index", *CHAPTERS]:
        assert pages[doc].find("link", rel="canonical")["href"] == SITE_URL + f"{doc}.html"


def test_robots_txt_points_to_the_sitemap(book):
    robots = (book.html / "robots.txt").read_text()
    assert "User-agent: *" in robots
    assert f"Sitemap: {SITE_URL}sitemap.xml" in robots.splitlines()


def test_the_404_page_works_from_any_depth(pages):
    soup = pages["404"]
    assert meta(soup, "robots") == "noindex"
    assert soup.find("h1").get_text() == "Page not found"
    # every address of the site's own is absolute, under the site's path
    addresses = [tag.get("href") or tag.get("src") for tag in soup.find_all(["link", "script", "a", "img"])]
    own = [a for a in addresses if a and "://" not in a and not a.startswith("#")]
    assert own and all(a.startswith(site_path(SITE_URL)) for a in own), own


# ── Lean: only what the guide uses ──────────────────────────────────────────────


def test_no_code_highlighting_and_no_unused_scripts(pages, book):
    assert "/* pygments.css */" not in (book.html / "_static" / "guide.css").read_text()
    for name, soup in pages.items():
        scripts = [script["src"] for script in soup.find_all("script", src=True)]
        assert any("sphinx_highlight" in src for src in scripts) == (name == "search"), name
        assert any("design-tabs" in src for src in scripts) == bool(soup.select(".sd-tab-set")), name


def test_every_page_links_one_stylesheet_holding_them_all_in_order(pages, book):
    for name, soup in pages.items():
        links = [link["href"] for link in soup.find_all("link", rel="stylesheet")]
        assert len(links) == 1 and links[0].split("?")[0].endswith("_static/guide.css"), name
    bundle = (book.html / "_static" / "guide.css").read_text()
    parts = re.findall(r"^/\* ([\w.-]+) \*/$", bundle, re.M)
    assert parts == ["furo.css", "sphinx-design.min.css", "furo-extensions.css", "brand.css", "site.css"]
    assert bundle.rstrip().endswith((book.html / "_static" / "site.css").read_text().strip())
    assert 'url("fonts/source-serif-4' in bundle  # brand.css's fonts, still relative to _static/


def test_bundle_rebases_relative_urls(tmp_path):
    (tmp_path / "_static" / "styles").mkdir(parents=True)
    (tmp_path / "_static" / "styles" / "a.css").write_text('p{background:url("img.png")}b{x:url(data:x)}')
    (tmp_path / "_static" / "b.css").write_text("i{background:url(fonts/f.woff2)}")
    bundle = bundle_stylesheets(tmp_path, ["_static/styles/a.css?v=1", "_static/b.css"])
    assert 'url("styles/img.png")' in bundle and "url(data:x)" in bundle and "url(fonts/f.woff2)" in bundle
    assert bundle.index("a.css") < bundle.index("b.css")


def test_unused_theme_css_is_dropped(book):
    design = (book.html / "_static" / "sphinx-design.min.css").read_text()
    furo = (book.html / "_static" / "styles" / "furo.css").read_text()
    assert ".sd-card" in design and ".sd-btn-primary" in design
    assert ".sd-badge" not in design  # the guide has no badges
    assert ".sig-name" not in furo  # nor API documentation
    assert ".sidebar-tree" in furo and ".scroll-current" in furo  # kept: in the pages, or set by furo.js


def test_prune_css_keeps_what_is_used():
    css = (
        "@font-face{font-family:x;src:url(x.woff2)}"
        "p{color:red}.a{color:red}.b{color:blue}.a .b{margin:0}.a,.b{padding:0}"
        "a:not(.b){color:green}@media (min-width:1px){.b{x:y}.a{x:z}}"
    )
    pruned = prune_css(css, {"a"})
    assert "@font-face" in pruned and "p{color:red}" in pruned and ".a{color:red}" in pruned
    assert ".b{color:blue}" not in pruned and ".a .b" not in pruned
    assert ".a{padding:0}" in pruned
    assert "a:not(.b){color:green}" in pruned
    assert "@media (min-width:1px){.a{x:z}}" in pruned
    assert prune_css(".kind-title{x:y}", set(), ("kind-",)) == ".kind-title{x:y}"


# ── The local server the browser tests and Lighthouse use ────────────────────────


def test_site_server_serves_under_the_site_path_with_404_and_gzip(tmp_path):
    (tmp_path / "index.html").write_text("<p>home</p>")
    (tmp_path / "404.html").write_text("<p>missing</p>")
    (tmp_path / "book.epub").write_bytes(b"PK")
    (tmp_path.parent / "secret.txt").write_text("no")
    with SiteServer(tmp_path, "/guide/") as server:

        def get(path, **headers):
            request = urllib.request.Request(server.url.replace("/guide/", "") + path, headers=headers)
            try:
                with urllib.request.urlopen(request) as response:
                    return response.status, response.headers, response.read()
            except urllib.error.HTTPError as error:
                return error.code, error.headers, error.read()

        assert get("/guide/")[2] == b"<p>home</p>"
        status, headers, body = get("/guide/index.html", **{"Accept-Encoding": "gzip"})
        assert headers["Content-Encoding"] == "gzip" and gzip.decompress(body) == b"<p>home</p>"
        assert get("/guide/book.epub")[1]["Content-Type"] == "application/epub+zip"
        assert get("/guide/a/b/c.html")[:3:2] == (404, b"<p>missing</p>")
        assert get("/index.html")[0] == 404
        assert get("/guide/../secret.txt")[0] == 404


# ── Brand colours ───────────────────────────────────────────────────────────────


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def brand_tokens() -> dict[str, str]:
    css = (DOCS / "_static" / "brand.css").read_text()
    return dict(re.findall(r"--brand-([a-z-]+):\s*(#[0-9a-fA-F]{6})", css))


@pytest.mark.parametrize("mode", ["", "dark-"])
def test_brand_colour_pairs_meet_wcag_aa(mode):
    tokens = brand_tokens()
    t = {
        name: tokens[mode + name]
        for name in ("ink", "muted", "paper", "primary", "primary-ink", "accent", "tint")
    }
    text_pairs = [
        ("ink", "paper"),
        ("muted", "paper"),
        ("primary", "paper"),
        ("ink", "tint"),
        ("muted", "tint"),
        ("primary", "tint"),
        ("primary-ink", "primary"),
        ("paper", "primary"),
    ]
    for fg, bg in text_pairs:
        assert contrast(t[fg], t[bg]) >= 4.5, (mode, fg, bg, round(contrast(t[fg], t[bg]), 2))
    # the focus outline, against the page and the sidebar
    assert contrast(t["accent"], t["paper"]) >= 3 and contrast(t["accent"], t["tint"]) >= 3


def dark_only_rules(css: str) -> list[tuple[str, list[str]]]:
    """(selector, properties) of each rule that applies with the dark scheme alone."""
    import tinycss2

    found = []

    def walk(nodes, dark: bool) -> None:
        for node in nodes:
            if node.type == "at-rule" and node.content is not None:
                query = tinycss2.serialize(node.prelude).replace(" ", "")
                inner = tinycss2.parse_rule_list(node.content, skip_comments=True, skip_whitespace=True)
                walk(inner, dark or "prefers-color-scheme:dark" in query)
            elif node.type == "qualified-rule":
                selector = tinycss2.serialize(node.prelude).strip()
                if dark or re.search(r"data-theme=\"?dark", selector):
                    declarations = tinycss2.parse_declaration_list(
                        node.content, skip_comments=True, skip_whitespace=True
                    )
                    found.append((selector, [d.lower_name for d in declarations if d.type == "declaration"]))

    walk(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True), False)
    return found


def test_in_the_dark_scheme_only_colours_change(book):
    """Rules for the dark scheme alone set colour variables; the one other is which icon the theme
    button shows (inside a button with a label). So the browser tour runs axe's colour rules
    alone in the dark scheme (test_browser.py)."""
    rules = dark_only_rules((book.html / "_static" / "guide.css").read_text(encoding="utf-8"))
    assert len(rules) >= 3
    others = [
        (selector, found)
        for selector, names in rules
        if (found := [n for n in names if not n.startswith("--")])
    ]
    icon = re.compile(r"svg\.theme-icon-when-(auto-)?(dark|light)$")
    assert all(
        all(icon.search(part.strip()) for part in selector.split(",")) and names == ["display"]
        for selector, names in others
    ), others
    assert dark_only_rules("@media (prefers-color-scheme: dark) { .box { display: none } }") == [
        (".box", ["display"])
    ]


def test_the_theme_buttons_icons_are_inside_a_labelled_button(pages):
    for name, soup in pages.items():
        for icon in soup.select("svg[class*=theme-icon-when]"):
            button = icon.find_parent("button")
            assert button is not None and (button.get("aria-label") or button.get_text(strip=True)), name
