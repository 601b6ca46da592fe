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
import re
from pathlib import Path

import tinycss2
from sphinx.application import Sphinx

from guidebook.formats import WEBSITE_BUILDERS

UNUSED_CSS = {"pygments.css"}
HIGHLIGHT_JS = "sphinx_highlight.js"
TABS_JS = "design-tabs.js"
PRUNED_STYLESHEETS = ["styles/furo.css", "styles/furo-extensions.css", "sphinx-design.min.css"]
BUNDLE = "_static/guide.css"
RELATIVE_URL = re.compile(r"""url\((['"]?)(?!data:|[a-z]+://|/|#)([^'")]+)\1\)""")

CLASS_ATTRIBUTE = re.compile(r'class="([^"]*)"')
JS_WORD = re.compile(r"[A-Za-z_][\w-]*")
JS_CLASS_PREFIX = re.compile(r"([A-Za-z_][\w-]*-)\$\{")


class StylesheetBundle:
    """The stylesheets every page links, joined into one file once the pages are written."""

    def __init__(self) -> None:
        self.stylesheets: list[str] | None = None

    def use_on_page(self, app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
        if app.builder.name not in WEBSITE_BUILDERS:
            return
        has_tabs = "sd-tab-set" in context.get("body", "")
        if "css_files" in context:
            stylesheets = sorted(context["css_files"], key=lambda css: getattr(css, "priority", 500))
            stylesheets = [
                asset_name(css) for css in stylesheets if Path(asset_name(css)).name not in UNUSED_CSS
            ]
            if all("://" not in name for name in stylesheets):
                if self.stylesheets is None:
                    self.stylesheets = stylesheets
                if self.stylesheets == stylesheets:
                    context["css_files"] = [f"{BUNDLE}?v={app.config.guide_stylesheet_version}"]
        if "script_files" in context:
            context["script_files"] = [
                js
                for js in context["script_files"]
                if (has_tabs or Path(asset_name(js)).name != TABS_JS)
                and (pagename == "search" or Path(asset_name(js)).name != HIGHLIGHT_JS)
            ]

    def write(self, app: Sphinx, exception: Exception | None) -> None:
        if exception or app.builder.name not in WEBSITE_BUILDERS or not self.stylesheets:
            return
        site = Path(app.outdir)
        (site / BUNDLE).write_text(bundle_stylesheets(site, self.stylesheets), encoding="utf-8")


def asset_name(asset) -> str:
    """A stylesheet's or script's file name, as the page context gives it."""
    return str(getattr(asset, "filename", asset))


def stylesheet_version(app: Sphinx, config) -> None:
    """A hash of the stylesheets and the theme, in a setting that Sphinx records with each build.

    Sphinx writes every page again when a setting of the website changes, so
    after a CSS edit no page keeps the old ``?v=``, and browsers fetch the new
    bundle.
    """
    import furo
    import sphinx_design

    digest = hashlib.sha256(f"{furo.__version__} {sphinx_design.__version__}".encode())
    for folder in config.html_static_path:
        for css in sorted(Path(app.confdir, folder).glob("*.css")):
            digest.update(css.read_bytes())
    config.guide_stylesheet_version = digest.hexdigest()[:8]


def used_classes(site: Path) -> tuple[set[str], tuple[str, ...]]:
    """Class names the pages carry, words the scripts could add as classes, and prefixes they build."""
    classes: set[str] = set()
    for page in site.rglob("*.html"):
        classes.update(
            name
            for value in CLASS_ATTRIBUTE.findall(page.read_text(encoding="utf-8"))
            for name in value.split()
        )
    prefixes: set[str] = set()
    for script in site.glob("_static/**/*.js"):
        text = script.read_text(encoding="utf-8")
        classes.update(JS_WORD.findall(text))
        prefixes.update(JS_CLASS_PREFIX.findall(text))
    return classes, tuple(sorted(prefixes))


COMMENT_OR_STRING = re.compile(r"""/\*.*?\*/|"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'""", re.DOTALL)
# What a rule's braces are found among: comments and quoted strings may hold braces of their own.
RULE_PARTS = re.compile(COMMENT_OR_STRING.pattern + "|[{};]", re.DOTALL)
GROUPING_RULES = ("@media", "@supports")  # rules that hold rules


def split_rules(css: str) -> list[tuple[str, str | None]]:
    """A stylesheet's top-level rules as (prelude, block): the block is None for a statement (``@import …;``).

    Only the braces are found here, and tinycss2 reads each selector (``prune_css``):
    tokenizing every declaration of furo's and sphinx-design's stylesheets took most of a
    rebuild's time after a one-paragraph edit.
    """
    rules: list[tuple[str, str | None]] = []
    depth, start, block_start = 0, 0, 0
    for part in RULE_PARTS.finditer(css):
        char = part[0]
        if char == "{":
            if depth == 0:
                block_start = part.end()
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                rules.append((css[start : block_start - 1].strip(), css[block_start : part.start()]))
                start = part.end()
        elif char == ";" and depth == 0:
            rules.append((css[start : part.start()].strip(), None))
            start = part.end()
    return [(prelude, block) for prelude, block in rules if prelude or block]


def prune_css(css: str, classes: set[str], prefixes: tuple[str, ...] = ()) -> str:
    """Drop the selectors that name a class nothing uses; drop rules left with no selector."""

    def is_used(name: str) -> bool:
        return name in classes or name.startswith(prefixes)

    def prune(text: str) -> str:
        out = []
        for prelude, block in split_rules(text):
            if block is None:
                out.append(prelude + ";")
            elif prelude.startswith(GROUPING_RULES):
                inner = prune(block)
                if inner:
                    out.append(prelude + "{" + inner + "}")
            elif prelude.startswith("@"):
                out.append(prelude + "{" + block + "}")
            else:
                selectors = _selectors(tinycss2.parse_component_value_list(prelude, skip_comments=True))
                kept = [
                    tinycss2.serialize(selector).strip()
                    for selector in selectors
                    if all(is_used(name) for name in _top_level_classes(selector))
                ]
                if kept:
                    out.append(",".join(kept) + "{" + block.strip() + "}")
        return "".join(out)

    return prune(COMMENT_OR_STRING.sub(lambda part: "" if part[0].startswith("/*") else part[0], css))


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
        token.value
        for previous, token in zip(selector, selector[1:])
        if previous.type == "literal" and previous.value == "." and token.type == "ident"
    ]


def prune_stylesheets(app: Sphinx, exception: Exception | None) -> None:
    if exception or app.builder.name not in WEBSITE_BUILDERS:
        return
    site = Path(app.outdir)
    classes, prefixes = used_classes(site)
    for name in PRUNED_STYLESHEETS:
        path = site / "_static" / name
        if path.exists():
            path.write_text(prune_css(path.read_text(encoding="utf-8"), classes, prefixes), encoding="utf-8")
            path.with_name(path.name + ".map").unlink(missing_ok=True)


def bundle_stylesheets(site: Path, stylesheets: list[str]) -> str:
    """The stylesheets as one, with their relative url()s made relative to the bundle's folder."""
    parts = []
    for name in stylesheets:
        path = site / name.split("?")[0]
        folder = path.parent.relative_to((site / BUNDLE).parent).as_posix()
        css = path.read_text(encoding="utf-8")
        if folder != ".":
            css = RELATIVE_URL.sub(lambda m: f"url({m[1]}{folder}/{m[2]}{m[1]})", css)  # noqa: B023 (used at once)
        parts.append(f"/* {path.name} */\n{css.strip()}\n")
    return "".join(parts)


def setup(app: Sphinx) -> dict:
    bundle = StylesheetBundle()
    app.setup_extension("guidebook.settings")  # guide_stylesheet_version
    app.connect("config-inited", stylesheet_version)
    app.connect("html-page-context", bundle.use_on_page, priority=900)
    app.connect("build-finished", prune_stylesheets)
    app.connect("build-finished", bundle.write, priority=600)  # after pruning
    return {"parallel_read_safe": True, "parallel_write_safe": True}
