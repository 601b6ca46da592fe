"""The brand's WOFF2 fonts for WeasyPrint, unpacked once per machine instead of on every print.

WeasyPrint unpacks each WOFF2 font it is given with fontTools, in pure Python,
every time it prints: for the guide's seven fonts that was about a quarter of
the PDF's build time. This URL fetcher hands WeasyPrint the unpacked font
instead (the same bytes WeasyPrint would make), kept in the user's cache folder
under the WOFF2 file's SHA-256, so a changed font is unpacked again.
"""

import hashlib
import os
from io import BytesIO
from pathlib import Path
from urllib.request import url2pathname


def cache_folder() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "guidebook" / "fonts"


def unpacked_font(woff2: Path) -> bytes:
    """The TrueType/OpenType font inside a WOFF2 file, from the cache when it is there."""
    data = woff2.read_bytes()
    cached = cache_folder() / f"{hashlib.sha256(data).hexdigest()}.otf"
    try:
        return cached.read_bytes()
    except OSError:
        pass
    from fontTools.ttLib import woff2 as fonttools_woff2

    out = BytesIO()
    fonttools_woff2.decompress(BytesIO(data), out)
    font = out.getvalue()
    try:  # two builds may write it at once: each writes its own file, then renames it
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_name(f"{cached.name}.{os.getpid()}.part")
        partial.write_bytes(font)
        partial.replace(cached)
    except OSError:
        pass  # no cache folder: unpack again next time
    return font


def url_fetcher():
    """A WeasyPrint URL fetcher that serves local ``.woff2`` files unpacked."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class UnpackedFontFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            address = url.split("?")[0].split("#")[0]
            if address.startswith("file:") and address.endswith(".woff2"):
                path = Path(url2pathname(address.removeprefix("file:")))
                return URLFetcherResponse(url, unpacked_font(path), {"Content-Type": "font/otf"})
            return super().fetch(url, headers)

    return UnpackedFontFetcher()
