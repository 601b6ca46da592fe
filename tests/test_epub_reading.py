"""The EPUB in a reading app's themes: epub.js (npm) in Chromium, as a reading app shows it.

Every spine item is shown in a day, a sepia and a night theme, at the normal and a large
font size, with the system's colour scheme light; and again with the system dark, in the
day and night themes. Nothing in the EPUB asks for the system's scheme (a test below reads
every stylesheet and page for it), so the dark system's renders are witnesses that it
changes nothing, on the day page where a dark box would show most. Reading apps paint the
page themselves; the book must read well on whatever page it gets. In each render:

- no box paints a background that stands out from the page (dark on a light page, light on
  a dark one);
- axe's colour-contrast rule, run inside the reader's frame, finds nothing;
- nothing is wider than the reader (no sideways scrolling), and pictures are not shrunk away;
- every tab's label and content are there, and shown.

The themes are those of Readium CSS (the reading system CSS that Thorium and other
Readium-based apps use): its day, sepia and night page, text and link colours.
"""

import os
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import tinycss2
from bs4 import BeautifulSoup

from conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, missing

READER = Path(__file__).parent / "reader" / "reader.html"
SCRIPTS = {
    "epub.min.js": ROOT / "node_modules" / "epubjs" / "dist" / "epub.min.js",
    "jszip.min.js": ROOT / "node_modules" / "jszip" / "dist" / "jszip.min.js",
}
PAGES = {  # theme: (page, text, link)
    "day": ("#ffffff", "#121212", "#0000ee"),
    "sepia": ("#faf4e8", "#121212", "#0000ee"),
    "night": ("#000000", "#fefefe", "#63caff"),
}


def theme_rules(name: str, page: str, text: str, link: str) -> dict:
    """A theme for epub.js: it keeps every theme it has shown in the frame and marks the body
    with the current one's name, so the rules are scoped by that name."""
    return {
        f"body.{name}": {"background": f"{page} !important", "color": f"{text} !important"},
        f"body.{name} a, body.{name} a:visited": {"color": f"{link} !important"},
    }


THEMES = {name: theme_rules(name, *colours) for name, colours in PAGES.items()}
FONT_SIZES = {"normal": "100%", "large": "200%"}
# (system colour scheme, themes, font sizes): each spine item is shown in every pairing of
# a theme and a size of a run. The two Chromiums, one per core, take one list each.
RUNS = [
    [("light", ["day", "sepia"], ["normal", "large"])],
    [("light", ["night"], ["normal", "large"]), ("dark", ["day", "night"], ["normal"])],
]
PHONE = {"width": 390, "height": 844}
# A box "fights the page" when its background differs from the page's by this much or more.
FIGHTING_CONTRAST = 1.5
# Where to keep a picture of each render with the system in dark, to look at: GUIDE_READER_PICTURES=folder.
PICTURES = os.environ.get("GUIDE_READER_PICTURES")

# What a render reports, measured in the reader's frame.
LOOK = """() => {
  const page = getComputedStyle(document.body).backgroundColor;
  const boxes = [];
  for (const element of document.body.querySelectorAll("*")) {
    const style = getComputedStyle(element);
    const painted = !/rgba\\(.*, 0\\)$/.test(style.backgroundColor) && style.backgroundColor !== "transparent";
    if (painted || style.backgroundImage !== "none") {
      boxes.push({what: `${element.localName}.${[...element.classList].join(".")}`,
                  background: style.backgroundColor, image: style.backgroundImage});
    }
  }
  const wide = [...document.body.querySelectorAll("*")]
    .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .map((e) => `${e.localName}.${[...e.classList].join(".")}`);
  const tabs = [...document.querySelectorAll(".tab-panel")].map((panel) => {
    const label = panel.querySelector(".tab-label"), body = panel.querySelector(".tab-panel-body");
    const shown = (e) => e && e.getClientRects().length > 0 && getComputedStyle(e).visibility === "visible";
    return {label: label ? label.innerText.trim() : "", text: body ? body.innerText.trim() : "",
            shown: shown(label) && shown(body)};
  });
  const pictures = [...document.images].map((image) => ({
    alt: image.alt, width: image.getBoundingClientRect().width, natural: image.naturalWidth}));
  return {page, boxes, tabs, wide, pictures,
          scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth};
}"""
FRAME_WIDTH = """() => [document.querySelector("#viewer iframe").getBoundingClientRect().width,
                     document.querySelector("#viewer").clientWidth]"""


def rgb(colour: str) -> tuple[float, ...]:
    """(r, g, b, alpha) of a computed colour (rgb(…) or rgba(…)), or of #rrggbb."""
    if colour.startswith("#"):
        return *(int(colour[i : i + 2], 16) for i in (1, 3, 5)), 1.0
    parts = [float(n) for n in re.findall(r"[\d.]+", colour)]
    return (*parts[:3], parts[3] if len(parts) > 3 else 1.0)


def luminance(colour: str) -> float:
    linear = [
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
        for c in (v / 255 for v in rgb(colour)[:3])
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@dataclass
class Render:
    item: str
    theme: str
    size: str
    scheme: str
    problems: list[str] = field(default_factory=list)
    tabs: list[dict] = field(default_factory=list)


def check_render(page, frame, axe_script: str, render: Render) -> Render:
    """Look at the render on screen now, and note each problem in it."""
    look = frame.evaluate(LOOK)
    if render.theme in PAGES and rgb(look["page"]) != rgb(PAGES[render.theme][0]):
        render.problems.append(f"the reader shows a {look['page']} page, not the {render.theme} theme's")
    for box in look["boxes"]:
        if box["image"] != "none" or contrast(box["background"], look["page"]) >= FIGHTING_CONTRAST:
            render.problems.append(
                f"{box['what']} paints {box['background']} {box['image']} on a {look['page']} page"
            )
    if look["scrollWidth"] > look["clientWidth"] or look["wide"]:
        render.problems.append(
            f"wider than the reader ({look['scrollWidth']} > {look['clientWidth']}): {look['wide'][:5]}"
        )
    for picture in look["pictures"]:
        if picture["width"] < min(picture["natural"], look["clientWidth"] / 2):
            render.problems.append(f"the picture {picture['alt']!r} is shown {picture['width']:.0f}px wide")
    frame_width, viewer_width = page.evaluate(FRAME_WIDTH)
    if frame_width > viewer_width + 1:
        render.problems.append(f"the page is {frame_width}px wide in a {viewer_width}px reader")
    if not frame.evaluate("typeof axe !== 'undefined'"):
        frame.evaluate(axe_script)
    result = frame.evaluate("axe.run(document, {runOnly: ['color-contrast'], resultTypes: ['violations']})")
    for violation in result["violations"]:
        for node in violation["nodes"]:
            render.problems.append(
                f"axe {violation['id']}: {node['target'][0]}: {node['failureSummary'].splitlines()[-1].strip()}"
            )
    render.tabs = look["tabs"]
    render.problems += [
        f"tab {tab['label']!r} is empty or hidden"
        for tab in look["tabs"]
        if not (tab["label"] and tab["text"] and tab["shown"])
    ]
    return render


@pytest.fixture(scope="module")
def shelf(book, tmp_path_factory) -> Path:
    """A folder with the reader, its scripts and the book, to serve."""
    for name, script in SCRIPTS.items():
        if not script.exists():
            missing(f"{name} (npm epubjs, from package-lock.json)", "make node_modules/.installed")
    folder = tmp_path_factory.mktemp("reader")
    shutil.copy(READER, folder / "reader.html")
    for name, script in SCRIPTS.items():
        shutil.copy(script, folder / name)
    shutil.copy(book.epub, folder / "book.epub")
    return folder


def open_reader(browser, url: str, scheme: str):
    context = browser.new_context(viewport=PHONE, color_scheme=scheme)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url + "reader.html", wait_until="load")
    hrefs = page.evaluate("(themes) => reader.open('book.epub', themes)", THEMES)
    return context, page, hrefs, errors


def reader_frame(page):
    frames = [frame for frame in page.frames if frame is not page.main_frame]
    assert len(frames) == 1, [frame.url for frame in frames]
    return frames[0]


def render_runs(url: str, runs: list[tuple[str, list[str], list[str]]], axe_script: str) -> list[Render]:
    """Every spine item in the themes and font sizes of each run, with the system in the run's
    colour scheme, in a Chromium of this thread's own (Playwright wants one instance per thread)."""
    from playwright.sync_api import sync_playwright

    done = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        for scheme, themes, sizes in runs:
            context, page, hrefs, errors = open_reader(browser, url, scheme)
            for href in hrefs:
                page.evaluate("(href) => reader.show(href)", href)
                frame = reader_frame(page)
                for theme in themes:
                    for size in sizes:
                        page.evaluate(
                            "(how) => reader.dress(...how)", [theme, FONT_SIZES[size], PAGES[theme][0]]
                        )
                        done.append(check_render(page, frame, axe_script, Render(href, theme, size, scheme)))
                        if PICTURES:
                            page.screenshot(
                                path=str(Path(PICTURES) / f"{Path(href).stem}-{theme}-{size}-{scheme}.png")
                            )
            assert not errors, errors
            context.close()
        browser.close()
    return done


def pairings() -> list[tuple[str, str, str]]:
    """(theme, size, scheme) of every render RUNS asks for."""
    return [
        (theme, size, scheme)
        for run in RUNS
        for scheme, themes, sizes in run
        for theme in themes
        for size in sizes
    ]


@pytest.fixture(scope="module")
def renders(browser, shelf) -> list[Render]:
    """Every spine item in each pairing of RUNS: one browser for each list of runs, side by side
    (the session's browser fixture says first whether Chromium is there)."""
    from concurrent.futures import ThreadPoolExecutor

    from axe_playwright_python.sync_playwright import Axe

    from guidebook.tools.site_server import SiteServer

    axe_script = Axe().axe_script
    with SiteServer(shelf, "/") as server, ThreadPoolExecutor(max_workers=len(RUNS)) as pool:
        runs = [pool.submit(render_runs, server.url, runs, axe_script) for runs in RUNS]
        return [render for run in runs for render in run.result()]


def test_every_spine_item_reads_well_in_every_theme_size_and_scheme(renders, book):
    with zipfile.ZipFile(book.epub) as epub:
        spine = re.findall(rb"<itemref idref=", epub.read("content.opf"))
    assert len(renders) == len(spine) * len(pairings())
    assert {(r.theme, r.size, r.scheme) for r in renders} >= {
        *((theme, size, "light") for theme in THEMES for size in FONT_SIZES),
        *((theme, "normal", "dark") for theme in ("day", "night")),
    }
    problems = [
        f"{r.item} ({r.theme}, {r.size}, system {r.scheme}): {p}" for r in renders for p in r.problems
    ]
    assert not problems, "\n".join(problems)


def test_every_tab_of_the_website_is_in_every_render(renders, book):
    site = [BeautifulSoup(p.read_text(encoding="utf-8"), "lxml") for p in book.html.glob("*.html")]
    labels = sorted(
        label.get_text(" ", strip=True) for page in site for label in page.select(".sd-tab-label")
    )
    assert labels
    for pairing in pairings():
        shown = [t for r in renders if (r.theme, r.size, r.scheme) == pairing for t in r.tabs]
        assert sorted(t["label"] for t in shown) == labels, pairing


def test_the_checks_see_a_box_that_fights_the_page_and_text_that_does_not_read(browser, shelf):
    """The same checks, on the workbook under a stylesheet with the faults this test guards against."""
    from axe_playwright_python.sync_playwright import Axe

    from guidebook.tools.site_server import SiteServer

    faults = {
        ".faulty .tab-panel": {"background-color": "#1b2a2f !important"},  # the old dark-mode box
        ".faulty .admonition p": {"color": "#777777 !important"},  # 4.48:1 on white
        ".faulty .tab-panel-body": {"display": "none !important"},
        ".faulty p": {"white-space": "nowrap !important"},
        **theme_rules("faulty", *PAGES["day"]),
    }
    with SiteServer(shelf, "/") as server:
        context, page, hrefs, errors = open_reader(browser, server.url, "light")
        workbook = next(href for href in hrefs if "workbook" in href)
        page.evaluate("(faults) => reader.rendition.themes.register('faulty', faults)", faults)
        page.evaluate("(href) => reader.show(href)", workbook)
        page.evaluate("() => reader.dress('faulty', '200%')")
        render = check_render(
            page, reader_frame(page), Axe().axe_script, Render(workbook, "faulty", "large", "light")
        )
        context.close()
    assert not errors, errors
    found = "\n".join(render.problems)
    assert re.search(r"div\.tab-panel\S* paints rgb\(27, 42, 47\)", found)
    assert "axe color-contrast" in found
    assert "wider than the reader" in found
    assert "is empty or hidden" in found


# ── the stylesheet, read ─────────────────────────────────────────────────────


def ebook_rules(book) -> list[tuple[str, str, dict]]:
    """(at-rule, selector, {property: value}) of each rule of the EPUB's own stylesheet."""
    with zipfile.ZipFile(book.epub) as epub:
        css = epub.read("_static/ebook.css").decode()
    found = []
    for node in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if node.type == "at-rule":
            found.append((f"@{node.lower_at_keyword} {tinycss2.serialize(node.prelude).strip()}", "", {}))
        elif node.type == "qualified-rule":
            declarations = tinycss2.parse_declaration_list(
                node.content, skip_comments=True, skip_whitespace=True
            )
            found.append(
                (
                    "",
                    tinycss2.serialize(node.prelude).strip(),
                    {
                        d.name: tinycss2.serialize(d.value).strip()
                        for d in declarations
                        if d.type == "declaration"
                    },
                )
            )
    return found


def test_nothing_in_the_ebook_asks_for_the_systems_colour_scheme(book):
    """No stylesheet or page has a prefers-color-scheme query or a color-scheme (a property, or
    a meta element): what the renders with the system light show is what a dark system shows."""
    asking = []
    with zipfile.ZipFile(book.epub) as epub:
        for name in epub.namelist():
            if name.endswith((".css", ".xhtml", ".html", ".opf")):
                text = epub.read(name).decode("utf-8")
                asking += [
                    f"{name}: {found}" for found in re.findall(r"prefers-color-scheme|color-scheme", text)
                ]
    assert not asking, asking


def test_the_ebook_leaves_the_page_to_the_reading_app(book):
    """No background, no text colour, no colour-scheme query: the reading app's page, text and links."""
    rules = ebook_rules(book)
    assert rules
    assert not [at for at, _, _ in rules if "prefers-color-scheme" in at]
    for _, selector, declarations in rules:
        painted = {
            name
            for name in declarations
            if name in {"color", "background", "background-color", "background-image"}
        }
        assert not painted, f"ebook.css {selector}: sets {sorted(painted)}"


def test_the_ebooks_rules_show_on_every_reading_apps_page(book):
    """Borders and rules are 3:1 or more (WCAG's non-text contrast) on the day, sepia and night page."""
    colours = {}
    for _, selector, declarations in ebook_rules(book):
        for name, value in declarations.items():
            if name.startswith("border"):
                colours.update({colour: selector for colour in re.findall(r"#[0-9a-fA-F]{6}", value)})
    assert len(colours) >= 3
    for colour, selector in colours.items():
        for theme, (background, _, _) in PAGES.items():
            ratio = contrast(colour, background)
            assert ratio >= 3, f"ebook.css {selector}: {colour} on the {theme} page is {ratio:.2f}:1"
