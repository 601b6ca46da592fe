"""The website in a real browser: the machine's Chromium, driven by Playwright.

The built site is served from 127.0.0.1 under the path of ``book_site_url``, as
its host will serve it. One browser per session; every page is opened at each width
and checked in each colour scheme, and the checks below read what those visits saw.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import CHROMIUM, CHROMIUM_ARGS

SCHEMES = ["light", "dark"]
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
# In the dark scheme only colours change: its rules set colour variables, and show the theme
# button's other icon (test_site.py, test_in_the_dark_scheme_only_colours_change). So there axe
# runs the rules that look at colours, on the page as a reader has it when the system turns dark.
SETTLED = "Promise.all(document.getAnimations().map((a) => a.finished)).then(() => true)"
AXE_OPTIONS = {
    "light": {"resultTypes": ["violations"]},
    "dark": {"runOnly": ["color-contrast", "link-in-text-block"], "resultTypes": ["violations"]},
}
STEP_CARDS = 6

# Collects Content-Security-Policy violations before any script of the page runs.
CSP_WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`));
"""


def site_pages(book) -> list[str]:
    return sorted(p.name for p in book.html.glob("*.html"))


@dataclass
class Visit:
    page: str
    scheme: str
    viewport: str
    violations: list = field(default_factory=list)
    scroll_width: int = 0
    client_width: int = 0
    csp: list = field(default_factory=list)


@dataclass
class Tour:
    visits: list[Visit]
    console_errors: list[str]
    requests: list[str]
    failed: list[str]
    filled_boxes: int = 0


def pending_requests(page) -> set:
    """The page's requests not yet answered, kept up to date as they are sent and answered."""
    pending = set()
    page.on("request", lambda r: pending.add(r))
    page.on("requestfinished", lambda r: pending.discard(r))
    page.on("requestfailed", lambda r: pending.discard(r))
    return pending


def watch(page, tour: Tour) -> set:
    """Record what the page logs and asks for; return the set of its requests not yet answered."""
    page.on("console", lambda m: m.type == "error" and tour.console_errors.append(f"{page.url}: {m.text}"))
    page.on("pageerror", lambda e: tour.console_errors.append(f"{page.url}: {e}"))
    page.on("request", lambda r: tour.requests.append(r.url))
    page.on("requestfailed", lambda r: tour.failed.append(f"{r.url}: {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and tour.failed.append(f"{r.url}: {r.status}"))
    return pending_requests(page)


def wait_for_requests(page, pending: set, seconds: float = 10) -> None:
    """Wait until every request the page sent is answered: one still out when the next page is
    opened is cut off, and would count as a failed request."""
    for _ in range(int(seconds * 50)):
        if not pending:
            return
        page.wait_for_timeout(20)
    raise AssertionError(f"{page.url}: requests unanswered after {seconds} s")


def fill_answer_boxes(page) -> int:
    """A workbook page is checked as a reader leaves it: an answer in each box of the tab shown."""
    boxes = [box for box in page.locator("textarea.answer-field").all() if box.is_visible()]
    for box in boxes:
        box.fill("An answer, written on the website.\nA second line.")
    return len(boxes)


def visit_every_page(url: str, pages: list[str], viewport: str, tour: Tour) -> int:
    """Open every page at one width and check it in each scheme, in a Chromium of this thread's
    own (Playwright wants one instance per thread); return how many answer boxes were filled in."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    axe_core = Axe().axe_script
    axe, filled = Axe(axe_script="0"), 0  # axe-core comes with each page (an init script), not sent per run
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=VIEWPORTS[viewport], color_scheme=SCHEMES[0])
        context.add_init_script(CSP_WATCH)
        context.add_init_script(axe_core)
        page = context.new_page()
        pending = watch(page, tour)
        for html in pages:
            page.emulate_media(color_scheme=SCHEMES[0])
            page.goto(url + html, wait_until="load")
            page.evaluate("document.fonts.ready.then(() => true)")
            filled += fill_answer_boxes(page)
            for scheme in SCHEMES:
                page.emulate_media(color_scheme=scheme)
                page.evaluate(SETTLED)  # the buttons' colour transitions, once the scheme changed
                visit = Visit(html, scheme, viewport)
                visit.violations = [
                    f"{v['id']}: {v['help']} ({', '.join(n['target'][0] for n in v['nodes'])})"
                    for v in axe.run(page, options=AXE_OPTIONS[scheme]).response["violations"]
                ]
                visit.scroll_width, visit.client_width = page.evaluate(
                    "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
                )
                visit.csp = page.evaluate("window.__cspViolations")
                tour.visits.append(visit)
            wait_for_requests(page, pending)
        context.close()
        browser.close()
    return filled


@pytest.fixture(scope="session")
def tour(browser, site, book) -> Tour:
    """Every page, at phone and desktop width, in light and dark: axe (workbook boxes filled in),
    scrolling, CSP. Two browsers, one per width and core."""
    from concurrent.futures import ThreadPoolExecutor

    tour = Tour([], [], [], [])
    with ThreadPoolExecutor(max_workers=len(VIEWPORTS)) as pool:
        widths = [pool.submit(visit_every_page, site.url, site_pages(book), name, tour) for name in VIEWPORTS]
        tour.filled_boxes = sum(width.result() for width in widths)
    return tour


def test_every_page_has_no_axe_violations_in_light_and_dark_at_both_widths(tour, book):
    assert len(tour.visits) == len(site_pages(book)) * len(SCHEMES) * len(VIEWPORTS)
    assert tour.filled_boxes >= 4 * len(VIEWPORTS)  # the workbook's first tab, at each width
    problems = [f"{v.page} {v.scheme} {v.viewport}: {x}" for v in tour.visits for x in v.violations]
    assert not problems, "\n".join(problems)


def test_no_page_scrolls_sideways_on_a_phone(tour):
    wide = [
        f"{v.page} ({v.scheme}): {v.scroll_width}px"
        for v in tour.visits
        if v.viewport == "phone" and v.scroll_width > v.client_width
    ]
    assert not wide


def test_no_console_errors(tour):
    assert not tour.console_errors


def test_every_request_goes_to_the_local_server(tour, site):
    origin = "/".join(site.url.split("/")[:3]) + "/"
    assert len(tour.requests) > len(tour.visits)
    elsewhere = sorted({url for url in tour.requests if not url.startswith((origin, "data:"))})
    assert not elsewhere
    assert not tour.failed


def test_no_content_security_policy_violation(tour):
    assert not [f"{v.page}: {c}" for v in tour.visits for c in v.csp]


def test_the_policy_blocks_a_script_that_is_not_the_sites(browser, site):
    """The tag is not decoration: an injected inline script is refused."""
    page = browser.new_page()
    page.add_init_script(CSP_WATCH)
    page.goto(site.url + "index.html")
    page.evaluate("""() => { const s = document.createElement("script");
        s.textContent = "window.__injected = true"; document.body.append(s); }""")
    assert page.evaluate("window.__injected === undefined")
    assert any("script-src" in v for v in page.evaluate("window.__cspViolations"))
    page.close()


def test_a_missing_page_at_any_depth_gets_the_styled_404_page(browser, site):
    page = browser.new_page()
    failed = []
    page.on(
        "response",
        lambda r: r.status >= 400 and not r.request.is_navigation_request() and failed.append(r.url),
    )
    response = page.goto(site.url + "no/such/chapter/here.html")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    # the site's stylesheets loaded, though the address is three folders deep
    assert page.evaluate("getComputedStyle(document.body).getPropertyValue('--guide-paper')")
    assert "Source Serif 4" in page.evaluate("getComputedStyle(document.body).fontFamily")
    assert not failed, failed
    page.get_by_role("link", name="Go to the start of the guide").click()
    assert page.url == site.url + "index.html"
    page.close()


def test_search_for_stigma_finds_the_step_1_chapter(browser, site):
    page = browser.new_page(viewport=VIEWPORTS["desktop"])
    page.goto(site.url + "index.html")
    page.get_by_role("textbox", name="Search").fill("stigma")
    page.keyboard.press("Enter")
    results = page.locator("#search-results a[href*='02-understand-their-resistance']")
    results.first.wait_for()
    assert "Understand Their Resistance" in results.first.inner_text()
    page.close()


@pytest.mark.parametrize("kind", ["PDF", "EPUB"])
def test_download_buttons_fetch_the_ebooks(browser, site, book, kind):
    built, media_type = {"PDF": (book.pdf, "application/pdf"), "EPUB": (book.epub, "application/epub+zip")}[
        kind
    ]
    page = browser.new_page(accept_downloads=True, viewport=VIEWPORTS["desktop"])
    page.goto(site.url + "index.html")
    button = page.locator(".download-buttons a", has_text=kind)
    sidebar = page.locator("a.guide-download", has_text=kind)
    for link in (button, sidebar):
        assert link.count() == 1
        response = page.request.get(link.evaluate("a => a.href"))
        assert response.status == 200
        assert response.headers["content-type"] == media_type
        assert response.body() == built.read_bytes()
    # the sidebar's links save the file in one tap
    with page.expect_download() as download:
        sidebar.click()
    assert Path(download.value.path()).read_bytes() == built.read_bytes()
    page.close()


def focus_ring(page) -> dict:
    """What has the keyboard focus, and the outline drawn for it (a step card draws it on the card)."""
    return page.evaluate("""() => {
        const el = document.activeElement;
        const seen = el.dataset.tabbed === "yes";
        el.dataset.tabbed = "yes";
        const ringed = el.closest(".sd-card") || el;
        const style = getComputedStyle(ringed);
        return {seen, text: el.innerText || el.textContent,
                card: !!el.closest(".step-cards .sd-card"), download: el.matches(".download-buttons a"),
                outline: style.outlineStyle, width: parseFloat(style.outlineWidth)};
    }""")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_keyboard_reaches_downloads_and_step_cards_with_a_visible_outline(browser, site, viewport):
    page = browser.new_page(viewport=VIEWPORTS[viewport])
    page.goto(site.url + "index.html")
    reached = []
    for _ in range(100):  # once round the page
        page.keyboard.press("Tab")
        ring = focus_ring(page)
        if ring["seen"]:
            break
        if ring["card"] or ring["download"]:
            reached.append(ring)
    page.close()
    downloads = [r for r in reached if r["download"]]
    cards = [r for r in reached if r["card"]]
    assert [re.search("PDF|EPUB", r["text"]).group() for r in downloads] == ["PDF", "EPUB"]
    assert len(cards) == STEP_CARDS
    for ring in downloads + cards:
        assert ring["outline"] != "none" and ring["width"] >= 2, ring
