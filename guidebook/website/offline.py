"""The guide on a reader's phone: installable, and whole on the device after one visit.

After the website is written, this adds to it:

- ``manifest.webmanifest``: the name, short name (``book_short_title``) and description
  a phone shows when the guide is installed, its start and scope (the site's path, from
  ``book_site_url``), the colours of the brand tokens, and the icons drawn from the brand
  mark (``app_icons``). Every page links it, with the theme colour for light and dark.
- ``sw.js``, the guide's own service worker, written from ``service-worker.js`` with this
  build's list of files: every page, and every file a page or a stylesheet uses (the
  stylesheet, fonts, scripts, search index, icons, ebooks), each with its hash. The
  cache it fills is named after the edition and a hash of all those files, so each
  build has its own, and a page is only ever served with files of its own build.
- ``_static/offline.js`` registers the worker and, when a new build is published,
  offers it: "A new version of this guide is ready". See service-worker.js for how
  the new version takes over and the old cache is deleted.

The worker fetches only the guide's own files from the guide's own server, and
nothing else: it sends nothing anywhere. The live preview (``make live``) sets
``guide_offline`` off: there every save must show at once, not a version kept.
"""

import base64
import functools
import hashlib
import json
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sphinx.application import Sphinx
from sphinx.util import logging

from guidebook.formats import WEBSITE_BUILDERS
from guidebook.website.app_icons import brand_colour, manifest_icons
from guidebook.website.pages import site_url

logger = logging.getLogger(__name__)


STATIC_DIR = Path(__file__).with_name("static")  # offline.js, reading.js
WORKER_TEMPLATE = Path(__file__).with_name("service-worker.js")
WORKER = "sw.js"
MANIFEST = "manifest.webmanifest"
LINKED = re.compile(r"""(?:href|src)=["']([^"'#]+)""")
CSS_URL = re.compile(r"""url\((['"]?)([^'")]+)\1\)""")
WEBSITE_HAS_WOFF2 = {".ttf", ".otf"}  # faces the website has as WOFF2 too
# The colour of the browser's bar and of the splash screen, light and dark.
THEME_COLOURS = {"light": "--brand-primary", "dark": "--brand-dark-paper"}
BACKGROUND_COLOUR = "--brand-paper"


def site_path(app: Sphinx) -> str:
    """The path the site is served under (``/guide/``): the installed guide's start and scope."""
    return urlsplit(site_url(app)).path or "/"


def manifest(app: Sphinx) -> dict:
    config = app.config
    return {
        "id": site_path(app),
        "name": config.book_title,
        "short_name": config.book_short_title or config.book_title,
        "description": config.book_description,
        "lang": config.book_language,
        "start_url": site_path(app),
        "scope": site_path(app),
        "display": "standalone",
        "theme_color": brand_colour(THEME_COLOURS["light"]),
        "background_color": brand_colour(BACKGROUND_COLOUR),
        "icons": manifest_icons("_static/"),
    }


def links_in(path: Path) -> list[str]:
    """The addresses a page, a stylesheet or the manifest (its icons) names."""
    if path.suffix == ".html":
        return LINKED.findall(path.read_text(encoding="utf-8"))
    if path.suffix == ".css":
        return [match[1] for match in CSS_URL.findall(path.read_text(encoding="utf-8"))]
    if path.suffix == ".webmanifest":
        return [icon["src"] for icon in json.loads(path.read_text(encoding="utf-8")).get("icons", [])]
    return []


def files_used(site: Path, prefix: str) -> list[str]:
    """Every page, and every file of the site a page, a stylesheet or the manifest names, as paths from the site's root.

    A link may be relative to its file or absolute under the site's path (the
    404 page's are); links to other hosts and to missing files are left out, and
    so is a face that has a WOFF2 copy beside it (brand.css's TrueType faces are
    for the ebooks; site.css gives the website the WOFF2 ones). Paths are worked
    out as text, against one listing of the site: every page links the same few
    dozen files.
    """
    site = site.resolve()
    files = {path.relative_to(site).as_posix() for path in site.rglob("*") if path.is_file()}

    @functools.cache
    def resolve(link: str, folder: str) -> str | None:
        path = unquote(urlsplit(link).path)
        if not path or "://" in link or link.startswith(("data:", "mailto:", "//")):
            return None
        target = posixpath.normpath(
            path[len(prefix) :] if path.startswith(prefix) else posixpath.join(folder, path)
        )
        stem, suffix = posixpath.splitext(target)
        if suffix in WEBSITE_HAS_WOFF2 and f"{stem}.woff2" in files:
            return None
        return target if target in files else None

    found = {name for name in files if "/" not in name and name.endswith(".html")}
    todo = sorted(found)
    while todo:
        current = todo.pop()
        for link in links_in(site / current):
            target = resolve(link, posixpath.dirname(current))
            if target and target not in found:
                found.add(target)
                todo.append(target)
    return sorted(found)


def integrity(data: bytes) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(data).digest()).decode()


def write_worker(app: Sphinx, site: Path, files: list[str]) -> str:
    """sw.js with the build's files; returns the name of the build's cache."""
    digest = hashlib.sha256()
    entries = []
    for name in files:
        data = (site / name).read_bytes()
        digest.update(name.encode() + b"\0" + data)
        entries.append([name, integrity(data)])
    prefix = f"{app.config.book_slug} "
    cache = f"{prefix}{app.config.book_edition} {digest.hexdigest()[:12]}"
    script = WORKER_TEMPLATE.read_text(encoding="utf-8")
    for token, value in {"__CACHE__": cache, "__CACHE_PREFIX__": prefix, "__FILES__": entries}.items():
        if script.count(token) != 1:
            raise ValueError(f"{WORKER_TEMPLATE.name} must name {token} once")
        script = script.replace(token, json.dumps(value, indent=None if token != "__FILES__" else 0))
    (site / WORKER).write_text(script, encoding="utf-8")
    return cache


def write_offline_files(app: Sphinx, exception: Exception | None) -> None:
    if exception or app.builder.name not in WEBSITE_BUILDERS:
        return
    site = Path(app.outdir)
    text = json.dumps(manifest(app), indent=2, ensure_ascii=False) + "\n"
    (site / MANIFEST).write_text(text, encoding="utf-8")
    if not app.config.guide_offline:
        (site / WORKER).unlink(missing_ok=True)
        return
    files = files_used(site, site_path(app))  # the pages link the manifest, which names the icons
    cache = write_worker(app, site, files)
    size = sum((site / name).stat().st_size for name in files)
    logger.info("offline: %d files, %.2f MiB, in the cache %r", len(files), size / 2**20, cache)


def add_page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if app.builder.name not in WEBSITE_BUILDERS:
        return
    context["guide_manifest"] = MANIFEST
    context["guide_theme_colours"] = {scheme: brand_colour(token) for scheme, token in THEME_COLOURS.items()}


def add_script(app: Sphinx) -> None:
    if app.builder.name not in WEBSITE_BUILDERS or not app.config.guide_offline:
        return
    if str(STATIC_DIR) not in app.config.html_static_path:
        app.config.html_static_path.append(str(STATIC_DIR))
    app.add_js_file("offline.js", defer="defer")


def setup(app: Sphinx) -> dict:
    app.setup_extension("guidebook.settings")
    app.connect("builder-inited", add_script)
    app.connect("html-page-context", add_page_context)
    # after the stylesheets are pruned and bundled (assets.py), so the worker lists them as served
    app.connect("build-finished", write_offline_files, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
