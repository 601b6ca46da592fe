"""External links: Sphinx's linkcheck, run offline against a local stand-in server.

The whole book is checked with every external host answered by a server on
127.0.0.1 (guidebook.linkcheck.stand_in rewrites each URL to it), which proves
every external link is requested and works. A small fixture book
(tests/linkbook) then proves the check fails, naming file and line, for a 404,
a missing anchor, a refused connection, a redirect the policy does not allow
and a timeout.
"""

import json
import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urldefrag

import pytest
from bs4 import BeautifulSoup

import internal_links as links
from book_copy import build
from conftest import BOOK, EPOCH, ROOT
from guidebook.linkcheck.report import no_network, report, short_reason
from guidebook.linkcheck.stand_in import from_stand_in, to_stand_in, widen

LINKBOOK = Path(__file__).parent / "linkbook"
PROXY_VARS = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "http_proxy",
    "https_proxy",
    "NO_PROXY",
    "no_proxy",
    "ALL_PROXY",
    "all_proxy",
)


# ── The stand-in server ──────────────────────────────────────────────────────


@dataclass
class Answer:
    """How the stand-in answers for one URL."""

    status: int = 200
    ids: tuple[str, ...] = ()
    location: str = ""  # the original URL a redirect points to
    delay: float = 0  # seconds before answering
    busy_once: bool = False  # answer the first request with 429 and Retry-After: 1


@dataclass
class StandIn:
    routes: dict[str, Answer]
    url: str = ""
    requests: list[tuple[str, str]] = field(default_factory=list)  # (method, original URL)

    def requested(self) -> set[str]:
        return {url for _, url in self.requests}


def handler_for(stand_in: StandIn):
    class Handler(BaseHTTPRequestHandler):
        def answer(self, body: bool) -> None:
            url = self.path[1:]  # the path is "/" + the original URL
            first = url not in stand_in.requested()
            stand_in.requests.append((self.command, url))
            answer = stand_in.routes.get(url, Answer(404))
            time.sleep(answer.delay)
            if answer.busy_once and first:
                self.send_response(429)
                self.send_header("Retry-After", "1")
                self.end_headers()
                return
            self.send_response(answer.status)
            if answer.location:
                self.send_header("Location", "/" + answer.location)
            ids = "".join(f'<h2 id="{name}">{name}</h2>' for name in answer.ids)
            content = f"<!doctype html><html><body><h1>Stand-in</h1>{ids}</body></html>".encode()
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            if body:
                self.wfile.write(content)

        def do_GET(self):  # noqa: N802
            self.answer(body=True)

        def do_HEAD(self):  # noqa: N802
            self.answer(body=False)

        def log_message(self, *args):
            pass

    return Handler


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # a deliberately slow answer must not hold the test up

    def handle_error(self, request, client_address):
        pass  # the checker hangs up on the slow answer: that is the point


class serve:  # noqa: N801
    """``with serve(routes) as stand_in:`` runs the stand-in on 127.0.0.1 in a thread."""

    def __init__(self, routes: dict[str, Answer]) -> None:
        self.stand_in = StandIn(routes)
        self.server = QuietServer(("127.0.0.1", 0), handler_for(self.stand_in))
        self.stand_in.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> StandIn:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self.stand_in

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in PROXY_VARS and k != "GUIDE_LINKCHECK_STAND_IN"}
    return {**env, "SOURCE_DATE_EPOCH": str(EPOCH), **extra}


def results(folder: Path, stand_in: str) -> dict[str, dict]:
    found = {}
    for line in (folder / "output.json").read_text(encoding="utf-8").splitlines():
        result = json.loads(line)
        found[from_stand_in(result["uri"], stand_in)] = result
    return found


# ── The whole book, offline ──────────────────────────────────────────────────


@pytest.fixture(scope="module")
def book_links(book) -> set[str]:
    """Every external link in the content of every page of the built website."""
    found = set()
    for page in book.html.rglob("*.html"):
        article = BeautifulSoup(page.read_bytes(), "lxml").find("article")
        if article is not None:
            found |= {
                a["href"]
                for a in article.find_all("a", href=True)
                if a["href"].startswith(("http:", "https:"))
            }
    return found


@dataclass
class Checked:
    out: Path
    run: subprocess.CompletedProcess
    stand_in: StandIn

    @property
    def folder(self) -> Path:
        return self.out / "linkcheck"


@pytest.fixture(scope="module")
def checked(tmp_path_factory, book_links) -> Checked:
    """``make linkcheck``'s own command, with the stand-in answering for every host."""
    routes: dict[str, Answer] = {}
    for url in book_links:
        page, fragment = urldefrag(url)
        answer = routes.setdefault(page, Answer())
        answer.ids = (*answer.ids, fragment) if fragment else answer.ids
    out = tmp_path_factory.mktemp("linkcheck")
    with serve(routes) as stand_in:
        run = build(
            ROOT, "linkcheck", out=out, settings={"linkcheck_stand_in": stand_in.url}, env=clean_env()
        )
    return Checked(out, run, stand_in)


def test_the_book_has_external_links_to_check(book_links):
    assert BOOK["book_booking_url"] in book_links
    assert BOOK["book_original_post_url"] in book_links


def test_every_external_link_in_the_book_was_requested(checked, book_links):
    assert {urldefrag(url)[0] for url in book_links} <= checked.stand_in.requested()
    # and nothing else: every request was for a link of the book
    assert checked.stand_in.requested() <= {urldefrag(url)[0] for url in book_links}


def test_every_external_link_works_offline(checked, book_links):
    log = checked.run.stdout + checked.run.stderr
    assert checked.run.returncode == 0, log
    found = results(checked.folder, checked.stand_in.url)
    for url in book_links:
        assert found[url]["status"] == "working", found[url]
    assert checked.run.stdout.rstrip().endswith(
        f"All {len(book_links)} external links work against the stand-in server {checked.stand_in.url}."
    )


def test_the_report_names_file_line_url_and_status(checked, book_links):
    text = (checked.folder / "report.txt").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if "://" in line and "stand-in" not in line]
    assert {line.split("  ")[1] for line in lines} == book_links
    for line in lines:
        assert re.fullmatch(r"docs/[\w./-]+\.md:[1-9]\d*  https://\S+  ok", line), line
    # the download buttons are named at their directive's line, left to tests/internal_links.py
    index = (ROOT / "docs" / "index.md").read_text(encoding="utf-8").splitlines()
    (button_line,) = [n for n, line in enumerate(index, start=1) if line.startswith(":::{download-buttons}")]
    assert f"docs/index.md:{button_line}  downloads/" in text


def theme_credits() -> set[str]:
    """The links furo's own footer writes on every page (its makers' credit), not the author's."""
    import furo

    page = Path(furo.__file__).parent / "theme" / "furo" / "page.html"
    return set(re.findall(r'href="(https://[^"{]+)"', page.read_text(encoding="utf-8")))


def test_every_format_links_out_only_to_checked_links_or_the_guide_itself(book, checked):
    """The themes may link to the guide's own address (canonical links, the PDF's cover),
    and furo to its makers; any other external link must come from a chapter, where
    linkcheck sees it."""
    checked_urls = set(results(checked.folder, checked.stand_in.url)) | theme_credits()
    for found in (
        links.external_links_html(book.html),
        links.external_links_epub(book.epub),
        links.external_links_pdf(book.pdf),
    ):
        assert found
        unchecked = {url for url in found - checked_urls if not url.startswith(BOOK["book_site_url"])}
        assert not unchecked


def test_without_a_network_linkcheck_says_so_without_a_traceback(checked):
    """A proxy that refuses every connection stands for a machine with no way out."""
    no_way_out = "http://127.0.0.1:9"
    run = build(
        ROOT, "linkcheck", out=checked.out, env=clean_env(HTTP_PROXY=no_way_out, HTTPS_PROXY=no_way_out)
    )
    assert run.returncode != 0
    assert "Traceback" not in run.stdout + run.stderr
    assert "broken link" not in run.stderr  # one verdict, not a failure per link
    last = run.stdout.rstrip().splitlines()[-1]
    assert last.startswith("The network is unreachable (ProxyError"), last
    assert "make linkcheck" in last


# ── The fixture book: every way a link can fail ────────────────────────────────


FIXTURE_ROUTES = {
    "https://example.org/page": Answer(ids=("part",)),
    "https://example.org/slow": Answer(delay=3),
    "https://example.org/busy": Answer(busy_once=True),
    "https://breakboxcoaching.com/blog/removed-post": Answer(
        301, location="https://www.breakboxcoaching.com/"
    ),
    "https://www.breakboxcoaching.com/": Answer(),
    "https://breakboxcoaching.com/blog/moved": Answer(
        301, location="https://www.breakboxcoaching.com/blog/moved"
    ),
    "https://www.breakboxcoaching.com/blog/moved": Answer(),
    # anything else, https://example.org/gone among them, is a 404
}


@dataclass
class FixtureCheck:
    run: subprocess.CompletedProcess
    results: dict[str, dict]
    report: str
    stand_in: StandIn


@pytest.fixture(scope="module")
def fixture_check(tmp_path_factory) -> FixtureCheck:
    out = tmp_path_factory.mktemp("linkbook")
    with serve(FIXTURE_ROUTES) as stand_in:
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "sphinx",
                "-b",
                "linkcheck",
                "-c",
                str(ROOT),
                "-d",
                str(out / "doctrees"),
                "-W",
                "--keep-going",
                "-n",
                "-q",
                str(LINKBOOK),
                str(out / "linkcheck"),
                "-D",
                f"linkcheck_stand_in={stand_in.url}",
                "-D",
                "linkcheck_timeout=1",
            ],
            cwd=ROOT,
            env=clean_env(),
            capture_output=True,
            text=True,
        )
    folder = out / "linkcheck"
    return FixtureCheck(run, results(folder, stand_in.url), report(folder).text, stand_in)


def line_of(url: str) -> int:
    lines = (LINKBOOK / "index.md").read_text(encoding="utf-8").splitlines()
    (number,) = [n for n, line in enumerate(lines, start=1) if f"({url})" in line]
    return number


FAILURES = [
    pytest.param("https://example.org/gone", "broken", "404 Client Error", id="404"),
    pytest.param(
        "https://example.org/page#missing-part", "broken", "Anchor 'missing-part' not found", id="anchor"
    ),
    pytest.param("http://127.0.0.1:9/refused", "broken", "Connection refused", id="refused"),
    pytest.param(
        "https://breakboxcoaching.com/blog/removed-post",
        "redirected",
        "https://www.breakboxcoaching.com/",
        id="redirect",
    ),
    pytest.param("https://example.org/slow", "timeout", "timed out", id="timeout"),
]


def test_a_fixture_with_broken_links_fails(fixture_check):
    assert fixture_check.run.returncode != 0
    assert "Traceback" not in fixture_check.run.stderr


@pytest.mark.parametrize(("url", "status", "reason"), FAILURES)
def test_the_check_fails_and_names_file_and_line(fixture_check, url, status, reason):
    result = fixture_check.results[url]
    assert (result["filename"], result["lineno"], result["status"]) == ("index.md", line_of(url), status)
    assert reason in from_stand_in(result["info"], fixture_check.stand_in.url)
    # Sphinx's own message names the file and line ...
    assert f"linkbook/index.md:{line_of(url)}: " in fixture_check.run.stderr
    # ... and so does the report, with the URL and what went wrong
    (line,) = [line for line in fixture_check.report.splitlines() if f"  {url}  " in line]
    assert line.startswith(f"tests/linkbook/index.md:{line_of(url)}  {url}  {status}")
    assert reason in line


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/page#part",
        "https://breakboxcoaching.com/blog/moved",  # the redirect policy allows www.
        "https://example.org/busy",  # 429 Too Many Requests, then fine
    ],
)
def test_allowed_redirects_and_rate_limits_pass(fixture_check, url):
    assert fixture_check.results[url]["status"] == "working"


def test_a_rate_limited_link_is_asked_again(fixture_check):
    asked = [url for _, url in fixture_check.stand_in.requests if url == "https://example.org/busy"]
    assert len(asked) >= 2


def test_the_fixture_report_counts_what_needs_attention(fixture_check):
    assert (
        fixture_check.report.rstrip()
        .splitlines()[-1]
        .startswith(f"{len(FAILURES)} of 8 links need attention")
    )
    assert (
        "  redirected permanently to https://www.breakboxcoaching.com/: not allowed by "
        "linkcheck_allowed_redirects"
    ) in fixture_check.report


# ── The pieces, on small inputs ──────────────────────────────────────────────────


def test_stand_in_rewrites_external_links_and_back():
    stand_in = "http://127.0.0.1:8765"
    url = "https://example.org/a%20b?x=1#part"
    assert to_stand_in(url, stand_in) == "http://127.0.0.1:8765/https://example.org/a%20b?x=1#part"
    assert from_stand_in(to_stand_in(url, stand_in), stand_in) == url
    assert to_stand_in(url, "") is None  # live: no stand-in
    assert to_stand_in("http://127.0.0.1:9/", stand_in) is None  # already local
    assert to_stand_in("mailto:zac@example.org", stand_in) is None
    assert to_stand_in("downloads/book.pdf", stand_in) is None


def test_policy_patterns_match_with_and_without_the_stand_in():
    pattern = re.compile(widen(r"^https://(www\.)?example\.org/.+", "http://127.0.0.1:8765"))
    assert pattern.match("https://example.org/post")
    assert pattern.match("http://127.0.0.1:8765/https://www.example.org/post")
    assert not pattern.match("http://127.0.0.1:8765/https://example.org/")
    assert not pattern.match("https://elsewhere.example/post")


NAME_ERROR = (
    "HTTPSConnectionPool(host='a.example', port=443): Max retries exceeded with url: / (Caused by "
    "NameResolutionError(\"HTTPSConnection(host='a.example', port=443): Failed to resolve 'a.example' "
    '([Errno -2] Name or service not known)"))'
)


def test_short_reason_keeps_the_useful_end():
    assert short_reason(NAME_ERROR) == "NameResolutionError: [Errno -2] Name or service not known"
    assert (
        short_reason("404 Client Error: Not Found for url: https://a.example/x")
        == "404 Client Error: Not Found"
    )


def test_no_network_only_when_nothing_could_be_reached():
    down = {"uri": "https://a.example/", "status": "broken", "info": NAME_ERROR}
    gone = {"uri": "https://b.example/", "status": "broken", "info": "404 Client Error: Not Found"}
    fine = {"uri": "https://c.example/", "status": "working", "info": ""}
    local = {"uri": "downloads/x.pdf", "status": "ignored", "info": ""}
    assert no_network([down, dict(down, uri="https://d.example/"), local])
    assert not no_network([down, fine])
    assert not no_network([down, gone])
    assert not no_network([local])


def test_report_lists_every_place_of_a_link(tmp_path):
    (tmp_path / "links.json").write_text(
        json.dumps(
            {
                "stand_in": "",
                "links": [
                    {"filename": "docs/a.md", "lineno": 3, "uri": "https://a.example/"},
                    {"filename": "docs/b.md", "lineno": 7, "uri": "https://a.example/"},
                    {"filename": "docs/b.md", "lineno": 9, "uri": "#inside"},
                ],
            }
        )
    )
    (tmp_path / "output.json").write_text(
        "\n".join(
            json.dumps(r)
            for r in [
                {
                    "filename": "a.md",
                    "lineno": 3,
                    "status": "broken",
                    "code": 0,
                    "uri": "https://a.example/",
                    "info": "404 Client Error: Not Found for url: https://a.example/",
                },
                {
                    "filename": "b.md",
                    "lineno": 9,
                    "status": "unchecked",
                    "code": 0,
                    "uri": "#inside",
                    "info": "",
                },
            ]
        )
    )
    result = report(tmp_path)
    assert not result.ok and not result.network_unreachable
    assert result.text.splitlines()[:2] == [
        "docs/a.md:3  https://a.example/  broken: 404 Client Error: Not Found",
        "docs/b.md:7  https://a.example/  broken: 404 Client Error: Not Found",
    ]
    assert (tmp_path / "report.txt").read_text() == result.text
