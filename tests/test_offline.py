"""The guide on a reader's phone, in real Chromium: installable, whole offline, never stale.

One reader's story, told once (the ``story`` fixture) and checked by the tests below:
the built site is served under its path; the reader visits it once, the guide's
service worker takes over, and the network goes off. Every page opens, the search
finds, the workbook keeps answers, both ebooks download. Then a new build (one
sentence and the stylesheet changed) is published to the same folder: the page left
open offers it, keeps showing the old version until the reader asks, and then shows
the new one, with the old cache gone. The reader's place is kept, and forgotten.
"""

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from book_copy import build, copy_book
from conftest import BOOK, CHROMIUM, CHROMIUM_ARGS
from test_browser import pending_requests, wait_for_requests

PHONE = {"width": 390, "height": 844}
OLD_SENTENCE = "This can feel like hitting a wall"
NEW_SENTENCE = "This can feel like walking into a wall"
STYLESHEET_CHANGE = "\n/* the next version's stylesheet */\n.guide-next-version { }\n"
CHAPTER = "03-communicate-your-feelings-clearly.html"
FIRST_LOAD_BUDGET = 120 * 1024  # bytes a chapter page takes on a reader's first visit

WAIT_FOR_CONTROL = "() => navigator.serviceWorker.controller !== null"
CACHES = "caches.keys()"
CACHED_FILES = "(async () => (await (await caches.open((await caches.keys())[0])).keys()).length)()"
STYLESHEET = "fetch(document.querySelector('link[rel=stylesheet]').href).then((r) => r.text())"
# Look for a new version now, as the browser does at each page opened; say how its install ended.
LOOK_FOR_UPDATE = """async () => {
  const registration = await navigator.serviceWorker.getRegistration();
  const ended = new Promise((resolve) => registration.addEventListener("updatefound", () => {
    const worker = registration.installing;
    worker.addEventListener("statechange", () => ["installed", "redundant"].includes(worker.state) && resolve(worker.state));
  }));
  await registration.update();
  return ended;
}"""


@dataclass
class Story:
    pages: list[str]
    worker_files: list[str]
    first_load_bytes: int = 0
    installability_errors: list = field(default_factory=list)
    manifest: dict = field(default_factory=dict)
    manifest_type: str = ""
    cached_files: int = 0
    caches_before: list[str] = field(default_factory=list)
    offline: dict[str, tuple[int, str]] = field(default_factory=dict)  # page: (status, first heading)
    offline_missing: tuple[int, str] = (0, "")
    offline_start: tuple[int, str] = (0, "")
    search_results: int = 0
    answer_kept: str = ""
    downloads: dict[str, bytes] = field(default_factory=dict)
    continue_reading: str = ""
    continue_after_reload: str = ""
    read_marks: list[str] = field(default_factory=list)
    read_marks_after_reload: list[str] = field(default_factory=list)
    after_forget: tuple = ()
    half_published_install: str = ""
    half_published_offered: bool = True
    offered: bool = False
    old_page_before_update: str = ""
    old_stylesheet_before_update: str = ""
    axe_on_notice: list[str] = field(default_factory=list)
    new_page: str = ""
    new_stylesheet: str = ""
    caches_after: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def worker_files(site: Path) -> list[str]:
    script = (site / "sw.js").read_text(encoding="utf-8")
    start = script.index("const FILES = ") + len("const FILES = ")
    return [name for name, _hash in json.loads(script[start : script.index("];", start) + 1])]


def publish(build_dir: Path, served: Path) -> None:
    """Put a built website in the served folder, as a deploy to a static host does."""
    shutil.rmtree(served, ignore_errors=True)
    shutil.copytree(build_dir, served)


@pytest.fixture(scope="module")
def next_version(book, tmp_path_factory) -> Path:
    """The website of the next build: one sentence of the introduction and the stylesheet changed."""
    project = copy_book(tmp_path_factory.mktemp("next-version"))
    chapter = project / "docs" / "01-introduction.md"
    text = chapter.read_text(encoding="utf-8")
    assert OLD_SENTENCE in text
    chapter.write_text(text.replace(OLD_SENTENCE, NEW_SENTENCE), encoding="utf-8")
    with (project / "docs" / "_static" / "site.css").open("a", encoding="utf-8") as css:
        css.write(STYLESHEET_CHANGE)
    out = project / "_build"
    for part in ("epub", "pdf"):  # the session's ebooks: only the website is built again
        shutil.copytree(book.out / part, out / part)
    result = build(project, "html", out=out)
    assert result.returncode == 0, result.stdout + result.stderr
    return out / "html"


def visible_marks(page) -> list[str]:
    return page.eval_on_selector_all(
        ".sidebar-tree a.guide-read", "links => links.map((a) => a.textContent.trim())"
    )


@pytest.fixture(scope="module")
def story(browser, book, next_version, tmp_path_factory) -> Story:
    from axe_playwright_python.sync_playwright import Axe

    from guidebook.tools.site_server import SiteServer, site_path

    served = tmp_path_factory.mktemp("host") / "guide"
    publish(book.html, served)
    story = Story(pages=sorted(p.name for p in served.glob("*.html")), worker_files=worker_files(served))
    with SiteServer(served, site_path(BOOK["book_site_url"])) as server:
        # A profile of its own, as a reader's browser has: Chromium offers to install
        # nothing from an incognito window, which is what a plain new context is.
        context = browser.browser_type.launch_persistent_context(
            tmp_path_factory.mktemp("profile"),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport=PHONE,
            accept_downloads=True,
            service_workers="allow",
        )
        page = context.new_page()
        page.on("pageerror", lambda error: story.errors.append(f"{page.url}: {error}"))
        page.on("console", lambda m: m.type == "error" and story.errors.append(f"{page.url}: {m.text}"))
        sizes, pending = [], pending_requests(page)
        page.on("requestfinished", lambda request: sizes.append(request.sizes()))

        # The first visit: a chapter, as a reader arriving from a link.
        page.goto(server.url + CHAPTER, wait_until="load")
        wait_for_requests(page, pending)  # each request's size is told once it has finished
        story.first_load_bytes = sum(s["responseBodySize"] + s["responseHeadersSize"] for s in sizes)
        page.wait_for_function(WAIT_FOR_CONTROL, timeout=30_000)
        story.caches_before = page.evaluate(CACHES)
        story.cached_files = page.evaluate(CACHED_FILES)
        cdp = context.new_cdp_session(page)
        story.installability_errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
        manifest = page.request.get(server.url + "manifest.webmanifest")
        story.manifest, story.manifest_type = manifest.json(), manifest.headers["content-type"]

        # The network goes off.
        context.set_offline(True)
        for name in story.pages:
            response = page.goto(server.url + name, wait_until="load")
            story.offline[name] = (response.status, page.locator("h1").first.inner_text())
        response = page.goto(server.url + "no-such-chapter.html")
        story.offline_missing = (response.status, page.locator("h1").first.inner_text())
        response = page.goto(
            server.url + story.manifest["start_url"].removeprefix(site_path(BOOK["book_site_url"]))
        )
        story.offline_start = (response.status, page.locator("h1").first.inner_text())
        page.goto(server.url + "search.html?q=stigma")
        page.locator("#search-results li").first.wait_for(timeout=15_000)
        story.search_results = page.locator("#search-results li").count()
        page.goto(server.url + "09-workbook.html")
        page.locator("textarea.answer-field").first.fill("Written with the network off.")
        page.reload()
        story.answer_kept = page.locator("textarea.answer-field").first.input_value()
        page.goto(server.url + "index.html")
        for link in page.locator("a.guide-download").all():  # in the menu, which a phone shows on a tap
            with page.expect_download() as download:
                link.dispatch_event("click")
            story.downloads[download.value.suggested_filename] = Path(download.value.path()).read_bytes()

        # Where the reader was: a chapter read to its end, then the home page.
        page.evaluate("localStorage.clear()")
        page.goto(server.url + CHAPTER)
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.locator(".sidebar-tree a.guide-read").first.wait_for(state="attached")
        page.goto(server.url + "index.html")
        story.continue_reading = page.locator(".guide-continue a").inner_text()
        story.read_marks = visible_marks(page)
        page.reload()
        story.continue_after_reload = page.locator(".guide-continue a").inner_text()
        story.read_marks_after_reload = visible_marks(page)
        page.get_by_role("button", name="Forget my place").click()
        forgotten = page.evaluate("Object.keys(localStorage).filter((key) => key.endsWith(' reading'))")
        page.reload()
        story.after_forget = (forgotten, page.locator(".guide-continue").count(), visible_marks(page))

        # A new build is half published (its stylesheet not yet copied): the worker of that
        # build refuses to install, and the reader keeps the version they have.
        context.set_offline(False)
        publish(next_version, served)
        shutil.copy2(book.html / "_static/guide.css", served / "_static/guide.css")
        story.half_published_install = page.evaluate(LOOK_FOR_UPDATE)
        story.half_published_offered = page.locator(".guide-update").count() > 0

        # Then the whole of it is; the reader opens another page.
        publish(next_version, served)
        page.goto(server.url + "01-introduction.html")
        notice = page.locator(".guide-update")
        notice.wait_for(timeout=30_000)
        story.offered = notice.get_by_text("A new version of this guide is ready.").is_visible()
        page.reload()  # until the reader asks, the old version, whole
        notice.wait_for(timeout=30_000)
        story.old_page_before_update = page.locator("article").inner_text()
        story.old_stylesheet_before_update = page.evaluate(STYLESHEET)
        axe = Axe()
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            story.axe_on_notice += [
                f"{scheme}: {v['id']}: {v['help']}"
                for v in axe.run(page, context=".guide-update").response["violations"]
            ]
        with page.expect_navigation():
            notice.get_by_role("button", name="Show the new version").click()
        page.wait_for_function(WAIT_FOR_CONTROL)
        story.new_page = page.locator("article").inner_text()
        story.new_stylesheet = page.evaluate(STYLESHEET)
        story.caches_after = page.evaluate(CACHES)
        context.close()
    return story


def test_the_worker_keeps_every_page_and_what_they_use(story, book):
    files = story.worker_files
    assert set(story.pages) <= set(files)
    for needed in [
        "_static/guide.css",
        "searchindex.js",
        "_static/workbook.js",
        "404.html",
        "manifest.webmanifest",
        f"downloads/{book.pdf.name}",
        f"downloads/{book.epub.name}",
    ]:
        assert needed in files
    assert any(name.endswith(".woff2") for name in files)
    assert not any(name.endswith(".ttf") for name in files)  # the ebooks' faces: the site uses WOFF2
    assert story.cached_files == len(files)


def test_every_page_opens_offline(story):
    assert set(story.offline) == set(story.pages)
    assert not [name for name, (status, heading) in story.offline.items() if status != 200 or not heading]
    assert story.offline_missing == (404, "Page not found")
    assert story.offline_start == (200, story.offline["index.html"][1])  # the installed guide's start


def test_search_finds_offline(story):
    assert story.search_results >= 1


def test_the_workbook_keeps_answers_offline(story):
    assert story.answer_kept == "Written with the network off."


def test_both_ebooks_download_offline(story, book):
    assert story.downloads == {book.pdf.name: book.pdf.read_bytes(), book.epub.name: book.epub.read_bytes()}


def test_chromium_finds_the_guide_installable(story):
    assert story.installability_errors == []
    manifest = story.manifest
    path = story.manifest["scope"]
    assert path == BOOK["book_site_url"].removeprefix("https://www.breakboxcoaching.com") == "/guide/"
    assert manifest["start_url"] == path
    assert manifest["short_name"] == BOOK["book_short_title"]
    assert manifest["display"] == "standalone"
    assert {icon["purpose"] for icon in manifest["icons"]} == {"any", "maskable"}
    assert story.manifest_type == "application/manifest+json"


def test_a_new_build_is_offered_and_never_mixed_with_the_old(story, next_version, book):
    assert story.offered
    assert OLD_SENTENCE in story.old_page_before_update and NEW_SENTENCE not in story.old_page_before_update
    assert story.old_stylesheet_before_update == (book.html / "_static/guide.css").read_text(encoding="utf-8")
    assert NEW_SENTENCE in story.new_page and OLD_SENTENCE not in story.new_page
    assert story.new_stylesheet == (next_version / "_static/guide.css").read_text(encoding="utf-8")
    assert story.new_stylesheet != story.old_stylesheet_before_update


def test_a_half_published_build_is_never_taken_up(story):
    assert story.half_published_install == "redundant"
    assert not story.half_published_offered


def test_the_old_cache_is_deleted(story):
    assert len(story.caches_before) == 1 and len(story.caches_after) == 1
    assert story.caches_after != story.caches_before
    assert story.caches_before[0].startswith(f"{BOOK['book_slug']} {BOOK['book_edition']} ")


def test_the_update_notice_has_no_axe_violations(story):
    assert not story.axe_on_notice


def test_the_home_page_offers_to_continue_where_the_reader_was(story, book):
    title = "Step 2: Communicate Your Feelings Clearly"
    assert story.continue_reading == story.continue_after_reload == f"Continue reading: {title}"
    assert title in " ".join(story.read_marks) and story.read_marks == story.read_marks_after_reload


def test_forget_my_place_clears_it(story):
    assert story.after_forget == ([], 0, [])


def test_a_chapter_stays_under_its_first_load_budget(story):
    assert 0 < story.first_load_bytes < FIRST_LOAD_BUDGET


def test_no_script_errors_on_the_way(story):
    expected = "no-such-chapter.html: Failed to load resource: the server responded with a status of 404"
    assert not [error for error in story.errors if expected not in error]
