"""``sitemap.xml``, the canonical address of every page of the guide, and the ``robots.txt`` that names it.

It is written from Sphinx's environment, which knows every chapter, so a
rebuild that writes only the pages that changed still lists them all. (A
sitemap gathered from the pages as they are written, as sphinx-sitemap
gathers it, lists only those: its issue #13.) The search and 404 pages are
not chapters, so they are not listed.
"""

from pathlib import Path
from xml.etree import ElementTree

from sphinx.application import Sphinx

from guidebook.formats import WEBSITE_BUILDERS
from guidebook.website.pages import site_url

SITEMAP = "sitemap.xml"
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"


def sitemap(site_url: str, links: list[str]) -> ElementTree.ElementTree:
    urlset = ElementTree.Element("urlset", xmlns=NAMESPACE)
    for link in sorted(links):
        ElementTree.SubElement(ElementTree.SubElement(urlset, "url"), "loc").text = site_url + link
    return ElementTree.ElementTree(urlset)


def write_sitemap_and_robots_txt(app: Sphinx, exception: Exception | None) -> None:
    if exception or app.builder.name not in WEBSITE_BUILDERS:
        return
    links = [app.builder.get_target_uri(docname) for docname in app.env.found_docs]
    sitemap(site_url(app), links).write(Path(app.outdir, SITEMAP), encoding="utf-8", xml_declaration=True)
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {site_url(app)}{SITEMAP}\n"
    Path(app.outdir, "robots.txt").write_text(robots, encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.connect("build-finished", write_sitemap_and_robots_txt)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
