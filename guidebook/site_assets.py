"""Send each reader only the CSS and JavaScript the guide uses.

- The guide has no code, so no code highlighting: ``pygments.css`` is not linked.
- Search-term highlighting (``sphinx_highlight.js``) is linked only on the search
  page, whose script needs it; sphinx-design's tab script only on pages with tabs.
- After the build, rules for classes that no page and no script uses are
  dropped from the theme's and sphinx-design's stylesheets (most of furo's CSS
  is for API documentation, most of sphinx-design's for components the guide
  does not use).
- The stylesheets are then joined, in the pages' order, into one file,
  ``_static/guide.css``, which every page links: one request before the first
  paint instead of five.
"""

import hashlib
import json
import os
import re
from pathlib import Path

import tinycss2
from sphinx.application import Sphinx

UNUSED_CSS = {"pygments.css"}
HIGHLIGHT_JS = "sphinx_highlight.js"
TABS_JS = "design-tabs.js"
PRUNED_STYLESHEETS = ["styles/furo.css", "styles/furo-extensions.css", "sphinx-design.min.css"]
BUNDLE = "_static/guide.css"
RELATIVE_URL = re.compile(r"""url\((['"]?)(?!data:|[a-z]+://|/|#)([^'")]+)\1\)""")

CLASS_ATTRIBUTE = re.compile(r'class="([^"]*)"')
JS_WORD = re.compile(r"[A-Za-z_][\w-]*")
JS_CLASS_PREFIX = re.compile(r"([A-Za-z_][\w-]*-)\$\{")


def trim_page_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if app.builder.name not in {"html", "dirhtml"}:
        return
    has_tabs = "sd-tab-set" in context.get("body", "")
    if "css_files" in context:
        stylesheets = sorted(context["css_files"], key=lambda css: getattr(css, "priority", 500))
        stylesheets = [str(getattr(css, "filename", css)) for css in stylesheets if _name(css) not in UNUSED_CSS]
        if all("://" not in name for name in stylesheets):
            bundled = app.builder.__dict__.setdefault("guide_bundled_css", stylesheets)
            if bundled == stylesheets:
                context["css_files"] = [f"{BUNDLE}?v={bundle_version(app)}"]
    if "script_files" in context:
        context["script_files"] = [
            js for js in context["script_files"]
            if (has_tabs or _name(js) != TABS_JS) and (pagename == "search" or _name(js) != HIGHLIGHT_JS)
        ]


def bundle_version(app: Sphinx) -> str:
    """Changes when a stylesheet or the theme changes, so browsers fetch the new bundle."""
    import furo
    import sphinx_design

    if not hasattr(app.builder, "guide_bundle_version"):
        digest = hashlib.sha256(f"{furo.__version__} {sphinx_design.__version__}".encode())
        for folder in app.config.html_static_path:
            for css in sorted(Path(app.confdir, folder).glob("*.css")):
                digest.update(css.read_bytes())
        app.builder.guide_bundle_version = digest.hexdigest()[:8]
    return app.builder.guide_bundle_version


def _name(asset) -> str:
    return Path(str(getattr(asset, "filename", asset))).name


def used_classes(site: Path, cache: Path | None = None) -> tuple[set[str], tuple[str, ...]]:
    """Class names the pages carry, words the scripts could add as classes, and prefixes they build.

    With a cache file, a page whose size and modification time are unchanged
    since the last build is not read again: a rebuild after a one-paragraph
    edit rewrites one page of possibly hundreds.
    """
    known = _load_cache(cache)
    seen: dict[str, list] = {}
    classes: set[str] = set()
    for key, page in _pages(site):
        stat = page.stat()
        stamp = [stat.st_mtime_ns, stat.st_size]
        if key in known and known[key][:2] == stamp:
            page_classes = known[key][2]
        else:
            page_classes = sorted({
                name for value in CLASS_ATTRIBUTE.findall(page.read_text(encoding="utf-8"))
                for name in value.split()
            })
        seen[key] = [*stamp, page_classes]
        classes.update(page_classes)
    if cache is not None:
        cache.write_text(json.dumps(seen, sort_keys=True), encoding="utf-8")
    prefixes: set[str] = set()
    for script in site.glob("_static/**/*.js"):
        text = script.read_text(encoding="utf-8")
        classes.update(JS_WORD.findall(text))
        prefixes.update(JS_CLASS_PREFIX.findall(text))
    return classes, tuple(sorted(prefixes))


def _pages(site: Path):
    """Each page's path relative to the site, and its path (os.walk: Path.glob is slow on thousands)."""
    for folder, _, files in os.walk(site):
        for name in files:
            if name.endswith(".html"):
                path = os.path.join(folder, name)
                yield os.path.relpath(path, site).replace(os.sep, "/"), Path(path)


def _load_cache(cache: Path | None) -> dict:
    try:
        return json.loads(cache.read_text(encoding="utf-8")) if cache else {}
    except (OSError, ValueError):
        return {}


def prune_css(css: str, classes: set[str], prefixes: tuple[str, ...] = ()) -> str:
    """Drop the selectors that name a class nothing uses; drop rules left with no selector."""

    def is_used(name: str) -> bool:
        return name in classes or name.startswith(prefixes)

    def prune(rules) -> str:
        out = []
        for rule in rules:
            if rule.type == "qualified-rule":
                kept = [
                    tinycss2.serialize(selector).strip() for selector in _selectors(rule.prelude)
                    if all(is_used(name) for name in _top_level_classes(selector))
                ]
                if kept:
                    out.append(",".join(kept) + "{" + tinycss2.serialize(rule.content) + "}")
            elif rule.type == "at-rule" and rule.lower_at_keyword in {"media", "supports"} and rule.content:
                inner = prune(tinycss2.parse_rule_list(rule.content))
                if inner:
                    out.append("@" + rule.at_keyword + tinycss2.serialize(rule.prelude) + "{" + inner + "}")
            elif rule.type in {"at-rule", "qualified-rule"}:
                out.append(rule.serialize())
        return "".join(out)

    return prune(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))


def _selectors(prelude) -> list[list]:
    """Split a selector list at its top-level commas (not those inside :is() or :not())."""
    selectors: list[list] = [[]]
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            selectors.append([])
        else:
            selectors[-1].append(token)
    return selectors


def _top_level_classes(selector: list) -> list[str]:
    """The classes a selector requires; those inside :not(), :is() and the like are not counted."""
    return [
        token.value for previous, token in zip(selector, selector[1:])
        if previous.type == "literal" and previous.value == "." and token.type == "ident"
    ]


def prune_stylesheets(app: Sphinx, exception: Exception | None) -> None:
    if exception or app.builder.name not in {"html", "dirhtml"}:
        return
    site = Path(app.outdir)
    classes, prefixes = used_classes(site, cache=Path(app.doctreedir, "site-classes.json"))
    for name in PRUNED_STYLESHEETS:
        path = site / "_static" / name
        if path.exists():
            cache = Path(app.doctreedir, "site-css", name.replace("/", "-") + ".json")
            path.write_text(pruned_css(path.read_text(encoding="utf-8"), classes, prefixes, cache), encoding="utf-8")
            path.with_name(path.name + ".map").unlink(missing_ok=True)


def pruned_css(css: str, classes: set[str], prefixes: tuple[str, ...], cache: Path) -> str:
    """prune_css, remembered: a rebuild after an edit mostly finds the same stylesheet and classes.

    The cache holds the last result for one stylesheet, with the hash of what it was made from.
    """
    key = hashlib.sha256("\0".join([css, *sorted(classes), "\0", *prefixes]).encode()).hexdigest()
    remembered = _load_cache(cache)
    if isinstance(remembered, dict) and remembered.get("key") == key and "css" in remembered:
        return remembered["css"]
    pruned = prune_css(css, classes, prefixes)
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps({"key": key, "css": pruned}), encoding="utf-8")
    return pruned


def bundle_stylesheets(site: Path, stylesheets: list[str]) -> str:
    """The stylesheets as one, with their relative url()s made relative to the bundle's folder."""
    parts = []
    for name in stylesheets:
        path = site / name.split("?")[0]
        folder = path.parent.relative_to((site / BUNDLE).parent).as_posix()
        css = path.read_text(encoding="utf-8")
        if folder != ".":
            css = RELATIVE_URL.sub(lambda m: f"url({m[1]}{folder}/{m[2]}{m[1]})", css)
        parts.append(f"/* {path.name} */\n{css.strip()}\n")
    return "".join(parts)


def write_bundle(app: Sphinx, exception: Exception | None) -> None:
    stylesheets = getattr(app.builder, "guide_bundled_css", None)
    if exception or app.builder.name not in {"html", "dirhtml"} or not stylesheets:
        return
    site = Path(app.outdir)
    (site / BUNDLE).write_text(bundle_stylesheets(site, stylesheets), encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", trim_page_assets, priority=900)
    app.connect("build-finished", prune_stylesheets)
    app.connect("build-finished", write_bundle, priority=600)  # after pruning
    return {"parallel_read_safe": True, "parallel_write_safe": True}
