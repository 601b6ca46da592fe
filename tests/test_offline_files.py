"""Which files the offline copy keeps: every page, and what the pages, stylesheets and manifest name."""

import json

from guidebook.website.offline import files_used


def write(path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_the_files_the_pages_name_are_kept_and_nothing_else(tmp_path):
    site = tmp_path / "site"
    write(
        site / "index.html",
        '<link href="_static/guide.css?v=1"><link rel="manifest" href="manifest.webmanifest">'
        '<a href="a.html#part">A</a><a href="https://example.org/x.html">out</a>'
        '<img src="_static/missing.png"><a href="../outside.html">up</a><a href="mailto:z@example.org">z</a>',
    )
    write(site / "a.html", '<a href="/guide/downloads/book.pdf">PDF</a><a href="index.html">home</a>')
    write(site / "404.html", '<a href="/guide/search.html">search</a><a href="/other/x.html">elsewhere</a>')
    write(site / "search.html", "")
    write(
        site / "_static/guide.css",
        "@font-face{src:url(fonts/face.woff2)}@font-face{src:url('fonts/old.ttf')}",
    )
    write(site / "_static/fonts/face.woff2", "")
    write(site / "_static/fonts/old.ttf", "")  # a TrueType face with a WOFF2 copy: the website uses the WOFF2
    write(site / "_static/fonts/old.woff2", "")
    write(site / "_static/unused.js", "")
    write(site / "manifest.webmanifest", json.dumps({"icons": [{"src": "_static/icon.png"}]}))
    write(site / "_static/icon.png", "")
    write(site / "downloads/book.pdf", "")
    write(site / "downloads/old.pdf", "")
    write(tmp_path / "outside.html", "")
    assert files_used(site, "/guide/") == [
        "404.html",
        "_static/fonts/face.woff2",
        "_static/guide.css",
        "_static/icon.png",
        "a.html",
        "downloads/book.pdf",
        "index.html",
        "manifest.webmanifest",
        "search.html",
    ]
