"""Serve a built website the way its host will: ``python -m guidebook.tools.site_server [DIR]``.

The site is served under the path of ``book_site_url`` (``/guide/``, say), a
missing address gets the site's 404 page with status 404 (as GitHub Pages and
Read the Docs do), the ebooks and the web app manifest get their media types, and text files are
gzip-compressed when the browser asks for it, as a CDN would. The browser tests
and the Lighthouse script use it; it listens on 127.0.0.1 only.
"""

import argparse
import gzip
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

MEDIA_TYPES = {
    ".epub": "application/epub+zip",
    ".pdf": "application/pdf",
    ".js": "text/javascript",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".xml": "application/xml",
    ".webmanifest": "application/manifest+json",
}
COMPRESSIBLE = {".html", ".css", ".js", ".svg", ".xml", ".txt", ".json", ".inv", ".webmanifest"}


class SiteHandler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **MEDIA_TYPES}

    def __init__(self, *args, site: Path, prefix: str, **kwargs):
        self.site = site
        self.prefix = prefix
        super().__init__(*args, directory=str(site), **kwargs)

    def log_message(self, format, *args):  # noqa: A002 - the tests and Lighthouse want quiet output
        pass

    def resolve(self) -> Path | None:
        path = unquote(urlsplit(self.path).path)
        if not path.startswith(self.prefix):
            return None
        target = (self.site / path[len(self.prefix) :]).resolve()
        if target.is_dir():
            target = target / "index.html"
        if self.site.resolve() not in target.parents or not target.is_file():
            return None
        return target

    def do_HEAD(self):  # noqa: N802
        self.respond(head=True)

    def do_GET(self):  # noqa: N802
        self.respond(head=False)

    def respond(self, head: bool) -> None:
        target = self.resolve()
        status = 200
        if target is None:
            status, target = 404, self.site / "404.html"
        body = target.read_bytes() if target.exists() else b"Not found"
        self.send_response(status)
        self.send_header("Content-Type", self.guess_type(str(target)))
        if target.suffix in COMPRESSIBLE and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body, mtime=0)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")  # as GitHub Pages does
        self.end_headers()
        if not head:
            self.wfile.write(body)


class SiteServer:
    """A background server for a built site: ``with SiteServer(dir, "/guide/") as server: server.url``."""

    def __init__(self, site: Path, prefix: str = "/", port: int = 0):
        handler = partial(SiteHandler, site=Path(site), prefix=prefix)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}{prefix}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "SiteServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def site_path(site_url: str) -> str:
    path = urlsplit(site_url).path or "/"
    return path if path.endswith("/") else path + "/"


def main() -> None:
    from guidebook.settings import book_settings
    from guidebook.tools.build import DEFAULT_OUT

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", nargs="?", type=Path, default=DEFAULT_OUT / "html")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    with SiteServer(args.site, site_path(book_settings()["book_site_url"]), args.port) as server:
        print(f"Serving {args.site} at {server.url} (Ctrl-C stops)")
        try:
            server.thread.join()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
