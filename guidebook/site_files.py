"""The website's files for search engines: ``sitemap.xml`` and ``robots.txt``.

The sitemap lists every page of the guide by its canonical URL (from
``book_site_url``), in reading order; robots.txt points to it. Search and 404
pages are left out: they are not content.
"""

from pathlib import Path
from xml.sax.saxutils import escape

from sphinx.application import Sphinx

from guidebook.site_pages import site_url


def page_urls(app: Sphinx) -> list[str]:
    root = app.config.root_doc
    docs = [root, *[doc for doc in app.env.toctree_includes.get(root, []) if doc != root]]
    docs += sorted(set(app.env.found_docs) - set(docs))
    base = site_url(app)
    return [base if doc == root else base + app.builder.get_target_uri(doc) for doc in docs]


def sitemap(urls: list[str]) -> str:
    entries = "".join(f"  <url><loc>{escape(url)}</loc></url>\n" for url in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{entries}</urlset>\n"
    )


def robots(base: str) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {base}sitemap.xml\n"


def write_site_files(app: Sphinx, exception: Exception | None) -> None:
    if exception or app.builder.name not in {"html", "dirhtml"}:
        return
    out = Path(app.outdir)
    (out / "sitemap.xml").write_text(sitemap(page_urls(app)), encoding="utf-8")
    (out / "robots.txt").write_text(robots(site_url(app)), encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.connect("build-finished", write_site_files)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
