"""Every internal link works in the website and the PDF (tests/internal_links.py).

The EPUB's links and anchors are checked by epubcheck (tests/test_epub.py).

The checks run on the session's build, then on copies of it with one link
broken each, which they must catch, and on small hand-made broken inputs.
Link hygiene (https, settings-driven links, no new windows) is checked here too.
"""

import shutil
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
import pikepdf
import pytest
from lxml import etree

import internal_links as links
from conftest import BOOK


def check_site(root: Path) -> list[str]:
    return links.check_html(root, BOOK["book_site_url"])


# ── The session's build ───────────────────────────────────────────────────────


def test_every_link_in_the_website_resolves(book):
    assert len(list(book.html.glob("*.html"))) > 10
    assert check_site(book.html) == []


def test_the_ebooks_links_to_the_website_land_on_its_pages(book):
    found = links.external_links_pdf(book.pdf) | links.external_links_epub(book.epub)
    assert links.check_site_urls(book.html, BOOK["book_site_url"], found) == []


def test_the_download_buttons_fetch_the_built_ebooks(book):
    assert links.check_downloads(book.html, [book.pdf, book.epub]) == []
    downloads = book.html / "downloads"
    assert (downloads / book.pdf.name).read_bytes()[:5] == b"%PDF-"
    with zipfile.ZipFile(downloads / book.epub.name) as epub:
        assert epub.read("mimetype") == b"application/epub+zip"


def test_every_internal_link_in_the_pdf_resolves(book):
    assert links.check_pdf(book.pdf) == []
    with pikepdf.open(book.pdf) as pdf:
        internal = [
            a
            for page in pdf.pages
            for a in page.get("/Annots") or []
            if a.get("/Subtype") == "/Link" and "/Dest" in a
        ]
    assert len(internal) >= 6  # the contents and the cross-references are links


# ── One link broken in a copy of the build ──────────────────────────────────────


@pytest.fixture
def site(book, tmp_path) -> Path:
    copy = tmp_path / "html"
    shutil.copytree(book.html, copy)
    return copy


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_missing_page_is_caught(site):
    (site / "04-offer-alternatives.html").unlink()
    assert any("04-offer-alternatives.html does not exist" in p for p in check_site(site))


def test_a_missing_anchor_is_caught(site):
    replace_in(
        site / "02-understand-their-resistance.html", 'id="understand-their-resistance"', 'id="renamed"'
    )
    assert any("has no id 'understand-their-resistance'" in p for p in check_site(site))


def test_a_missing_stylesheet_is_caught(site):
    index = lxml.html.fromstring((site / "index.html").read_bytes())
    sheet = urlsplit(index.xpath("//link[@rel='stylesheet']/@href")[0]).path  # whatever the theme links
    (site / sheet).unlink()
    assert any(f"{sheet} does not exist" in p for p in check_site(site))


def test_a_missing_font_is_caught(site):
    font = sorted((site / "_static").rglob("*.woff2"))[0]
    font.unlink()
    assert any(f"{font.name} does not exist" in p and ": url=" in p for p in check_site(site))


@pytest.mark.parametrize("ebook", ["pdf", "epub"])
def test_an_empty_download_is_caught(site, book, ebook):
    (site / "downloads" / getattr(book, ebook).name).write_bytes(b"")
    assert any(f"{getattr(book, ebook).name} is empty" in p for p in check_site(site))
    assert links.check_downloads(site, [book.pdf, book.epub]) != []


def test_a_missing_download_is_caught(site, book):
    (site / "downloads" / book.pdf.name).unlink()
    assert any(f"downloads/{book.pdf.name} does not exist" in p for p in check_site(site))
    assert links.check_downloads(site, [book.pdf, book.epub]) == [
        f"index.html: no working download button for {book.pdf.name}"
    ]


def first_internal_link(pdf: pikepdf.Pdf):
    for page in pdf.pages:
        for annotation in page.get("/Annots") or []:
            if annotation.get("/Subtype") == "/Link" and "/Dest" in annotation:
                return annotation
    raise AssertionError("the PDF has no internal link")


def test_a_pdf_link_to_a_missing_destination_is_caught(book, tmp_path):
    broken = tmp_path / "broken.pdf"
    with pikepdf.open(book.pdf) as pdf:
        first_internal_link(pdf).Dest = pikepdf.String("no-such-place")
        pdf.save(broken)
    assert any("'no-such-place', which does not exist" in p for p in links.check_pdf(broken))


def test_a_removed_pdf_named_destination_is_caught(book, tmp_path):
    broken = tmp_path / "broken.pdf"
    with pikepdf.open(book.pdf) as pdf:
        name = str(first_internal_link(pdf).Dest)
        del pikepdf.NameTree(pdf.Root.Names.Dests)[name]
        pdf.save(broken)
    assert any(f"{name!r}, which does not exist" in p for p in links.check_pdf(broken))


# ── Small hand-made inputs ───────────────────────────────────────────────────


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_html_checker_on_a_small_site(tmp_path):
    write(
        tmp_path / "index.html",
        """<html><head><link href="style.css" rel="stylesheet"></head><body>
      <a id="top-part" href="page.html#here">ok</a> <a href="page.html#gone">missing id</a>
      <a href="nowhere.html">missing page</a> <a href="sub/">folder index</a>
      <a href="https://example.org/x">external</a> <a href="mailto:a@example.org">mail</a>
      <img src="data:image/png;base64,AAAA" srcset="pic.png 1x, big.png 2x">
      <a href="#top-part">same page</a> <a href="#">top</a> <a href="#nope">missing here</a>
      <a href="//cdn.example/x.js">protocol-relative</a> <a href="javascript:void(0)">script</a>
      <a href="../outside.html">outside</a> <a href="/elsewhere/a.html">absolute outside</a>
      <a href="/site/page.html#here">absolute inside</a> <a href="empty.txt">empty</a>
      <svg><use href="#icon"></use></svg></body></html>""",
    )
    write(tmp_path / "page.html", '<html><body><h2 id="here">Here</h2></body></html>')
    write(tmp_path / "sub" / "index.html", "<html><body>sub</body></html>")
    write(
        tmp_path / "style.css",
        "@import 'base.css'; body { background: url(pic.png) } "
        "@font-face { src: url('fonts/gone.woff2') } a { filter: url(#glow) }",
    )
    write(tmp_path / "pic.png", "png")
    write(tmp_path / "empty.txt", "")
    problems = links.check_html(tmp_path, "/site/")
    assert problems == [
        "index.html: href='page.html#gone': page.html has no id 'gone'",
        "index.html: href='nowhere.html': nowhere.html does not exist",
        "index.html: srcset='big.png': big.png does not exist",
        "index.html: href='#nope': index.html has no id 'nope'",
        "index.html: href='//cdn.example/x.js': a protocol-relative link: write https:// in full",
        "index.html: href='javascript:void(0)': the scheme javascript: does not work here",
        "index.html: href='../outside.html': points outside the site",
        "index.html: href='/elsewhere/a.html': an absolute path outside the site (which lives under /site/)",
        "index.html: href='empty.txt': empty.txt is empty",
        "index.html: href='#icon': index.html has no id 'icon'",
        "style.css: url='base.css': base.css does not exist",
        "style.css: url='fonts/gone.woff2': fonts/gone.woff2 does not exist",
    ]


def test_html_checker_follows_links_to_the_sites_own_address(tmp_path):
    write(
        tmp_path / "index.html",
        """<html><head>
      <link rel="canonical" href="https://example.org/guide/">
      <meta property="og:image" content="https://example.org/guide/cover.png">
      <meta property="og:url" content="https://example.org/guide/gone.html">
      <meta name="description" content="https://example.org/guide/ has words after it: text, not a link">
      </head><body><a href="https://example.org/guide/index.html#nope">self</a>
      <a href="https://example.org/elsewhere/">another part of the host: external</a></body></html>""",
    )
    write(
        tmp_path / "sitemap.xml",
        """<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <url><loc>https://example.org/guide/</loc></url><url><loc>https://example.org/guide/old.html</loc></url>
      <url><loc>https://other.example/</loc></url></urlset>""",
    )
    write(tmp_path / "robots.txt", "User-agent: *\nSitemap: https://example.org/guide/sitemap.xml\n")
    assert links.check_html(tmp_path, "https://example.org/guide/") == [
        "index.html: content='https://example.org/guide/cover.png': cover.png does not exist",
        "index.html: content='https://example.org/guide/gone.html': gone.html does not exist",
        "index.html: href='https://example.org/guide/index.html#nope': index.html has no id 'nope'",
        "sitemap.xml: 'https://example.org/guide/old.html': old.html does not exist",
        "sitemap.xml: 'https://other.example/': not at the site's address https://example.org/guide/",
    ]
    assert links.check_site_urls(
        tmp_path,
        "https://example.org/guide/",
        {"https://example.org/guide/", "https://example.org/guide/gone.html", "https://other.example/"},
    ) == [
        "'https://example.org/guide/gone.html': gone.html does not exist",
    ]


def test_html_checker_follows_a_base_element(tmp_path):
    write(tmp_path / "index.html", '<html><body><h1 id="start">Start</h1></body></html>')
    write(
        tmp_path / "errors" / "404.html",
        """<html><head><base href="/site/"></head><body>
      <a href="index.html#start">home</a> <a href="#start">resolves against the base</a>
      <a href="errors/gone.html">missing</a></body></html>""",
    )
    assert links.check_html(tmp_path, "/site/") == [
        "errors/404.html: href='errors/gone.html': errors/gone.html does not exist",
    ]


def test_pdf_checker_on_a_small_pdf(tmp_path):
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.add_blank_page()
    first, second = pdf.pages[0], pdf.pages[1]
    elsewhere = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Page))  # not a page of this PDF

    def link(**entries):
        return pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 10, 10], **entries
            )
        )

    pdf.Root.Names = pikepdf.Dictionary(
        Dests=pdf.make_indirect(
            pikepdf.Dictionary(
                Names=[
                    pikepdf.String("good"),
                    pikepdf.Array([second.obj, pikepdf.Name.Fit]),
                    pikepdf.String("lost"),
                    pikepdf.Array([elsewhere, pikepdf.Name.Fit]),
                ]
            )
        )
    )
    first.Annots = pdf.make_indirect(
        pikepdf.Array(
            [
                link(Dest=pikepdf.String("good")),
                link(Dest=pikepdf.String("missing")),
                link(
                    A=pikepdf.Dictionary(S=pikepdf.Name.GoTo, D=pikepdf.Array([second.obj, pikepdf.Name.Fit]))
                ),
                link(A=pikepdf.Dictionary(S=pikepdf.Name.GoToR, F=pikepdf.String("other.pdf"))),
                link(A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://example.org/"))),
                link(),
            ]
        )
    )
    path = tmp_path / "small.pdf"
    pdf.save(path)
    assert links.check_pdf(path) == [
        "named destination 'lost' does not land on a page",
        "page 1: links to the destination 'missing', which does not exist",
        "page 1: a /GoToR action leaves the PDF",
        "page 1: a link with no destination",
    ]


# ── Link hygiene ─────────────────────────────────────────────────────────────


def all_external_links(book) -> set[str]:
    return (
        links.external_links_html(book.html)
        | links.external_links_epub(book.epub)
        | links.external_links_pdf(book.pdf)
    )


def test_every_external_link_uses_https(book):
    found = all_external_links(book)
    assert BOOK["book_booking_url"] in found
    assert [url for url in found if not url.startswith(("https://", "mailto:"))] == []


def test_no_link_opens_a_new_window(book):
    trees = [lxml.html.fromstring(p.read_bytes()) for p in book.html.rglob("*.html")]
    with zipfile.ZipFile(book.epub) as epub:
        trees += [etree.fromstring(epub.read(name)) for name in epub.namelist() if name.endswith(".xhtml")]
    assert len(trees) > 20
    for tree in trees:
        assert tree.xpath("//*[@target]") == []
