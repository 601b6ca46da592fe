"""The website's navigation, made once per build instead of once per page.

furo puts the whole table of contents in every page's sidebar, and makes it
anew for each page: Sphinx resolves the full toctree, then furo parses it with
BeautifulSoup to mark the current page. For a book of N chapters that is N
pages times N entries, so the website's build time grew with the square of its
length (at 1,100 chapters almost all of it went there).

Here the sidebar is made once, with no page marked, and each page gets a copy
with its own entry marked as furo would mark it. That holds when the contents
are one level deep and every page sits at the top of the site, as in this
guide; otherwise every page gets furo's own navigation, as before.
"""

from sphinx.application import Sphinx

# furo's call, in furo._compute_navigation_tree
FURO_TOCTREE_ARGS = {"collapse": False, "titles_only": True, "maxdepth": -1, "includehidden": True}
CACHE = "_guide_navigation"


def unmarked_navigation(app: Sphinx) -> str | None:
    """The sidebar's table of contents with no page marked, or None if it is not flat."""
    if not hasattr(app.builder, CACHE):
        from furo.navigation import get_navigation_tree

        toctree = app.builder._get_local_toctree(app.config.root_doc, **FURO_TOCTREE_ARGS)
        flat = "toctree-l2" not in toctree and "current" not in toctree
        setattr(app.builder, CACHE, get_navigation_tree(toctree) if flat else None)
    return getattr(app.builder, CACHE)


def use_unmarked_toctree(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Before furo: hand it the unmarked navigation, which it has already processed once."""
    if app.builder.name != "html" or "/" in pagename or "toctree" not in context:
        return
    navigation = unmarked_navigation(app)
    if navigation is None:
        return
    page_toctree = context["toctree"]

    def toctree(**kwargs):
        return navigation if kwargs == FURO_TOCTREE_ARGS else page_toctree(**kwargs)

    context["toctree"] = toctree
    context["_guide_page_toctree"] = page_toctree


def mark_current_page(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """After furo: mark this page's entry in its copy of the navigation, as furo does."""
    if "_guide_page_toctree" not in context:
        return
    context["toctree"] = context.pop("_guide_page_toctree")
    navigation = context["furo_navigation_tree"]
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
    return {"parallel_read_safe": True, "parallel_write_safe": True}
