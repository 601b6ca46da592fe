"""The website's navigation, made once per build instead of once per page.

furo puts the whole table of contents in every page's sidebar, and makes it
anew for each page: Sphinx resolves the full toctree, then furo parses it with
BeautifulSoup to mark the current page. For a book of N chapters that is N
pages times N entries, so the website's build time grew with the square of its
length (at 1,100 chapters almost all of it went there).

Here the sidebar is made once, with no page marked, and each page gets a copy
with its own entry marked as furo would mark it (furo itself is handed an empty
table of contents). That holds when the contents are one level deep and every
page sits at the top of the site, as in this guide; otherwise every page gets
furo's own navigation, as before. The sidebar is kept from one build to the
next while the titles and contents it is made from are unchanged.
"""

import hashlib
import json
from pathlib import Path

from sphinx.application import Sphinx

# furo's call, in furo._compute_navigation_tree
FURO_TOCTREE_ARGS = {"collapse": False, "titles_only": True, "maxdepth": -1, "includehidden": True}
CACHE = "_guide_navigation"
NAVIGATION_FILE = "site-navigation.json"


def unmarked_navigation(app: Sphinx) -> str | None:
    """The sidebar's table of contents with no page marked, or None if it is not flat.

    Kept in the doctrees folder from one build to the next, with a hash of the
    contents it shows: after an edit that changes no title, a rebuild need not
    make it again (at 1,100 chapters that took half a second).
    """
    if not hasattr(app.builder, CACHE):
        remembered = remembered_navigation(app)
        if remembered.get("key") == contents_key(app) and "navigation" in remembered:
            navigation = remembered["navigation"]
        else:
            from furo.navigation import get_navigation_tree

            toctree = app.builder._get_local_toctree(app.config.root_doc, **FURO_TOCTREE_ARGS)
            flat = "toctree-l2" not in toctree and "current" not in toctree
            navigation = get_navigation_tree(toctree) if flat else None
            Path(app.doctreedir, NAVIGATION_FILE).write_text(
                json.dumps({"key": contents_key(app), "navigation": navigation}), encoding="utf-8"
            )
        setattr(app.builder, CACHE, navigation)
    return getattr(app.builder, CACHE)


def remembered_navigation(app: Sphinx) -> dict:
    """The navigation the last website build made, with its contents_key; {} if there is none."""
    try:
        remembered = json.loads(Path(app.doctreedir, NAVIGATION_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return remembered if isinstance(remembered, dict) else {}


def contents_key(app: Sphinx) -> str:
    """A hash of what the navigation shows: every page's title, and every table of contents.

    The same holds for the links to the previous and next page. A heading
    inside a chapter is not part of it: the sidebar lists titles only.
    """
    if not hasattr(app.builder, "_guide_contents_key"):
        import furo
        import sphinx
        from sphinx import addnodes

        env = app.builder.env
        digest = hashlib.sha256(repr((
            sphinx.__version__, furo.__version__, app.builder.name, app.builder.link_suffix,
            app.config.root_doc, sorted(env.toc_secnumbers.items()),
        )).encode())
        for docname in sorted(env.all_docs):
            toctrees = [node.attributes for node in env.tocs[docname].findall(addnodes.toctree)]
            digest.update(f"\0{docname}\0{env.titles.get(docname)}\0{toctrees!r}".encode())
        app.builder._guide_contents_key = digest.hexdigest()
    return app.builder._guide_contents_key


def rewrite_every_page_if_contents_changed(app: Sphinx, env) -> list[str]:
    """Every page shows the contents: when a title or the order changes, every page is written again.

    Sphinx itself would write only the chapters it read again and the pages
    that list them, leaving the old title in every other page's sidebar.
    """
    if app.builder.name != "html" or remembered_navigation(app).get("key") == contents_key(app):
        return []
    return sorted(env.found_docs)


def use_unmarked_toctree(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Before furo: hand it an empty table of contents, so that it does not make the navigation again."""
    if app.builder.name != "html" or "/" in pagename or "toctree" not in context:
        return
    navigation = unmarked_navigation(app)
    if navigation is None:
        return
    page_toctree = context["toctree"]

    def toctree(**kwargs):
        return "" if kwargs == FURO_TOCTREE_ARGS else page_toctree(**kwargs)

    context["toctree"] = toctree
    context["_guide_page_toctree"] = page_toctree


def mark_current_page(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """After furo: give the page its copy of the navigation, with its own entry marked as furo does."""
    if "_guide_page_toctree" not in context:
        return
    context["toctree"] = context.pop("_guide_page_toctree")
    navigation = context["furo_navigation_tree"] = unmarked_navigation(app)
    entry = f'<li class="toctree-l1"><a class="reference internal" href="{app.builder.get_target_uri(pagename)}">'
    at = navigation.find(entry)
    if at < 0:  # a page that is not in the contents (home, search, 404): nothing is marked
        return
    ul = navigation.rfind("<ul>", 0, at)
    current = '<li class="toctree-l1 current current-page"><a class="current reference internal" href="#">'
    context["furo_navigation_tree"] = (
        navigation[:ul] + '<ul class="current">' + navigation[ul + 4:at]
        + current + navigation[at + len(entry):]
    )


def setup(app: Sphinx) -> dict:
    # furo makes its navigation at the default priority, 500
    app.connect("html-page-context", use_unmarked_toctree, priority=400)
    app.connect("html-page-context", mark_current_page, priority=600)
    app.connect("env-updated", rewrite_every_page_if_contents_changed)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
