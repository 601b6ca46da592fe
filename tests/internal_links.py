"""Internal link checks for the built website, EPUB and PDF.

Each ``check_*`` function takes a built output and returns a list of problems,
one readable sentence each (empty when every link works). External ``http(s)``
and ``mailto`` links are left to Sphinx's linkcheck builder; ``data:`` URIs
carry their own content. Everything else must resolve inside the output, and
so must the website's links to its own published address.
"""

import posixpath
import re
import zipfile
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html
import pikepdf
from lxml import etree

EXTERNAL_SCHEMES = {"http", "https", "mailto"}
LINK_ATTRIBUTES = ("href", "src", "srcset", "action", "xlink:href", "{http://www.w3.org/1999/xlink}href")
# HTML scrolls to the top for an empty fragment and for "#top" even without such an id.
TOP_OF_PAGE = {"", "top"}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+?)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")


def srcset_urls(value: str) -> list[str]:
    """The URLs of a ``srcset``: comma-separated candidates, each a URL and a descriptor."""
    return [candidate.split()[0] for candidate in value.split(",") if candidate.strip()]


def link_values(element) -> list[tuple[str, str]]:
    """(attribute, URL) for every link an element holds."""
    found = []
    if not isinstance(element.tag, str):  # comments and processing instructions
        return found
    for attribute in LINK_ATTRIBUTES:
        value = element.get(attribute)
        if value is None:
            continue
        urls = srcset_urls(value) if attribute == "srcset" else [value.strip()]
        found += [(attribute.rpartition("}")[2], url) for url in urls]
    return found


def is_skipped(url: str) -> bool:
    """External links (checked by linkcheck) and data: URIs."""
    scheme = urlsplit(url).scheme.lower()
    return scheme in EXTERNAL_SCHEMES or scheme == "data"


def scheme_problem(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme:
        return f"the scheme {parts.scheme}: does not work here"
    if parts.netloc:
        return "a protocol-relative link: write https:// in full"
    return None


# ── Website ─────────────────────────────────────────────────────────────────


class HtmlSite:
    """A built website: its pages, parsed once, and the ids in each.

    ``site_url`` is where the site is published ("https://example.org/guide/"), or
    just its path ("/guide/"). Links to that address are links inside the site
    (canonical links, og:image, the sitemap), and so are paths under it.
    """

    def __init__(self, root: Path, site_url: str = "/") -> None:
        self.root = root.resolve()
        self.site_url = site_url if site_url.endswith("/") else site_url + "/"
        self.base_path = urlsplit(self.site_url).path or "/"
        self._ids: dict[Path, set[str]] = {}

    def inside(self, url: str) -> str:
        """A link to the site's own address, as a path (any other link as it is)."""
        if urlsplit(self.site_url).scheme and url.startswith(self.site_url):
            return self.base_path + url[len(self.site_url) :]
        return url

    def pages(self) -> list[Path]:
        return sorted(p for p in self.root.rglob("*.html") if p.is_file())

    def parse(self, page: Path):
        return lxml.html.fromstring(page.read_bytes())

    def ids(self, page: Path) -> set[str]:
        if page not in self._ids:
            tree = self.parse(page)
            self._ids[page] = set(tree.xpath("//@id")) | set(tree.xpath("//a/@name"))
        return self._ids[page]

    def resolve(self, page: Path, path: str) -> Path | str:
        """The file a link's path points to, or why it points nowhere."""
        if not path:
            return page
        if path.startswith("/"):
            if not path.startswith(self.base_path):
                return f"an absolute path outside the site (which lives under {self.base_path})"
            target = self.root / path[len(self.base_path) :]
        else:
            target = page.parent / path
        target = Path(posixpath.normpath(str(target)))
        if not target.is_relative_to(self.root):
            return "points outside the site"
        if target.is_dir():
            target = target / "index.html"
        return target

    def check_link(self, page: Path, url: str) -> str | None:
        if problem := scheme_problem(url):
            return problem
        parts = urlsplit(url)
        target = self.resolve(page, unquote(parts.path))
        if isinstance(target, str):
            return target
        name = target.relative_to(self.root).as_posix()
        if not target.is_file():
            return f"{name} does not exist"
        if target.stat().st_size == 0:
            return f"{name} is empty"
        fragment = unquote(parts.fragment)
        if target.suffix == ".html" and fragment not in TOP_OF_PAGE and fragment not in self.ids(target):
            return f"{name} has no id {fragment!r}"
        return None

    def problems(self) -> list[str]:
        problems = []
        for page in self.pages():
            tree = self.parse(page)
            # a <base href> (a 404 page served at any address has one) resolves every link
            base = next(iter(tree.xpath("//base/@href")), "")
            where = page.relative_to(self.root).as_posix()
            for element in tree.iter():
                found = link_values(element)
                content = element.get("content", "") if element.tag == "meta" else ""
                if content.startswith(self.site_url) and len(content.split()) == 1:  # og:url, og:image…
                    found.append(("content", content))
                for attribute, url in found:
                    link = self.inside(url)
                    if is_skipped(link) or element.tag == "base":
                        continue
                    if problem := self.check_link(page, urljoin(base, link) if base else link):
                        problems.append(f"{where}: {attribute}={url!r}: {problem}")
        problems += self.css_problems()
        problems += self.sitemap_problems()
        return problems

    def css_problems(self) -> list[str]:
        """Every url() and @import of every stylesheet (fonts, images) is a file of the site."""
        problems = []
        for sheet in sorted(self.root.rglob("*.css")):
            for match in CSS_URL.finditer(sheet.read_text(encoding="utf-8", errors="replace")):
                url = match.group(1) or match.group(2)
                if is_skipped(url) or url.startswith("#"):  # data: URIs, SVG filter references
                    continue
                if problem := self.check_link(sheet, url):
                    problems.append(f"{sheet.relative_to(self.root).as_posix()}: url={url!r}: {problem}")
        return problems

    def sitemap_problems(self) -> list[str]:
        """Every address in sitemap.xml, and the sitemap named in robots.txt, is a file of the site."""
        found = []
        sitemap, robots = self.root / "sitemap.xml", self.root / "robots.txt"
        if sitemap.is_file():
            tree = etree.parse(str(sitemap))
            found += [("sitemap.xml", loc.text.strip()) for loc in tree.iter("{*}loc")]
        if robots.is_file():
            for line in robots.read_text(encoding="utf-8").splitlines():
                if line.lower().startswith("sitemap:"):
                    found.append(("robots.txt", line.split(":", 1)[1].strip()))
        problems = []
        for where, url in found:
            link = self.inside(url)
            problem = (
                f"not at the site's address {self.site_url}"
                if link == url
                else self.check_link(self.root / "index.html", link)
            )
            if problem:
                problems.append(f"{where}: {url!r}: {problem}")
        return problems


def check_html(root: Path, site_url: str = "/") -> list[str]:
    """Every href, src, srcset and action in every page, every url() in every
    stylesheet and every link to the site's own address (``site_url``: canonical,
    og: tags, the sitemap) resolves to a non-empty file of the site, and every
    #fragment to an id in its page."""
    return HtmlSite(root, site_url).problems()


def check_site_urls(root: Path, site_url: str, urls: set[str]) -> list[str]:
    """The links of an ebook back to the website, each to a file of the built site."""
    site = HtmlSite(root, site_url)
    problems = []
    for url in sorted(u for u in urls if u.startswith(site.site_url)):
        if problem := site.check_link(site.root / "index.html", site.inside(url)):
            problems.append(f"{url!r}: {problem}")
    return problems


def check_downloads(root: Path, ebooks: list[Path], page: str = "index.html") -> list[str]:
    """``page`` offers each built ebook with a download button, and the file it
    downloads is that ebook, byte for byte."""
    site = HtmlSite(root)
    index = site.root / page
    targets = []
    for button in site.parse(index).find_class("download-button"):
        target = site.resolve(index, unquote(urlsplit(button.get("href", "")).path))
        if isinstance(target, Path) and target.is_file():
            targets.append(target)
    problems = []
    for ebook in ebooks:
        matches = [t for t in targets if t.name == ebook.name]
        if not matches:
            problems.append(f"{page}: no working download button for {ebook.name}")
        elif matches[0].read_bytes() != ebook.read_bytes():
            problems.append(f"{page}: the download of {ebook.name} is not the built ebook")
    return problems


# ── EPUB ──────────────────────────────────────────────────────────────────────

CONTAINER_NS = "urn:oasis:names:tc:opendocument:xmlns:container"
# ── PDF ───────────────────────────────────────────────────────────────────────


def named_destinations(pdf: pikepdf.Pdf) -> dict[str, object]:
    """Named destinations from the /Names /Dests tree and the older /Dests dictionary."""
    found: dict[str, object] = {}
    names = pdf.Root.get("/Names")
    if names is not None and "/Dests" in names:
        for key, value in pikepdf.NameTree(names.Dests).items():
            found[str(key)] = value
    old = pdf.Root.get("/Dests")
    if old is not None:
        for key in old.keys():
            found[key.lstrip("/")] = old[key]
    return found


def destination_page(destination, pages: set) -> bool:
    """An explicit destination ([page /XYZ …] or << /D [...] >>) lands on a page of this PDF."""
    if isinstance(destination, pikepdf.Dictionary):
        destination = destination.get("/D")
    if not isinstance(destination, pikepdf.Array) or len(destination) == 0:
        return False
    page = destination[0]
    return isinstance(page, pikepdf.Dictionary) and page.objgen in pages


def check_pdf(path: Path) -> list[str]:
    """Every internal link annotation and bookmark has a destination that exists
    and lands on a page; every named destination lands on a page (unused ones are
    then harmless: WeasyPrint names every id)."""
    problems = []
    with pikepdf.open(path) as pdf:
        pages = {page.obj.objgen for page in pdf.pages}
        names = named_destinations(pdf)
        for name, destination in names.items():
            if not destination_page(destination, pages):
                problems.append(f"named destination {name!r} does not land on a page")

        def check(where: str, holder) -> None:
            action = holder.get("/A")
            destination = holder.get("/Dest")
            if action is not None:
                kind = str(action.get("/S"))
                if kind == "/URI":
                    return
                if kind != "/GoTo":
                    problems.append(f"{where}: a {kind} action leaves the PDF")
                    return
                destination = action.get("/D")
            if destination is None:
                problems.append(f"{where}: a link with no destination")
            elif isinstance(destination, (pikepdf.String, pikepdf.Name)):
                name = (
                    str(destination).lstrip("/")
                    if isinstance(destination, pikepdf.Name)
                    else str(destination)
                )
                if name not in names:
                    problems.append(f"{where}: links to the destination {name!r}, which does not exist")
            elif not destination_page(destination, pages):
                problems.append(f"{where}: links to a place that is not a page of this PDF")

        for number, page in enumerate(pdf.pages, start=1):
            for annotation in page.get("/Annots") or []:
                if annotation.get("/Subtype") == "/Link":
                    check(f"page {number}", annotation)
        outlines = pdf.Root.get("/Outlines")
        stack = [outlines.get("/First")] if outlines is not None else []
        while stack:
            item = stack.pop()
            if item is None:
                continue
            check(f"bookmark {str(item.get('/Title', '?'))!r}", item)
            stack += [item.get("/Next"), item.get("/First")]
    return problems


# ── External links, for reports ────────────────────────────────────────────────


def external_links_html(root: Path) -> set[str]:
    site = HtmlSite(root)
    return {
        url
        for page in site.pages()
        for element in site.parse(page).iter()
        for _, url in link_values(element)
        if urlsplit(url).scheme.lower() in EXTERNAL_SCHEMES
    }


def external_links_pdf(path: Path) -> set[str]:
    found = set()
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            for annotation in page.get("/Annots") or []:
                action = annotation.get("/A")
                if action is not None and action.get("/S") == "/URI":
                    found.add(str(action.URI))
    return found


def external_links_epub(path: Path) -> set[str]:
    found = set()
    with zipfile.ZipFile(path) as package:
        for name in package.namelist():
            if name.endswith((".xhtml", ".html")):
                for element in etree.fromstring(package.read(name)).iter():
                    if isinstance(element.tag, str):
                        found |= {
                            url
                            for _, url in link_values(element)
                            if urlsplit(url).scheme.lower() in EXTERNAL_SCHEMES
                        }
    return found
