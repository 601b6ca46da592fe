"""The brand's WOFF2 fonts for WeasyPrint, unpacked once per machine instead of on every print.

WeasyPrint unpacks each WOFF2 font it is given with fontTools, in pure Python,
every time it prints: for the guide's seven fonts that was about a quarter of
the PDF's build time. This URL fetcher hands WeasyPrint the unpacked font
instead (the same bytes WeasyPrint would make), kept in the user's cache folder
under the WOFF2 file's SHA-256, so a changed font is unpacked again.
"""

import hashlib
from io import BytesIO
from pathlib import Path
from urllib.request import url2pathname

from guidebook.user_cache import cache_folder, keep


def unpacked_font(woff2: Path) -> bytes:
    """The TrueType/OpenType font inside a WOFF2 file, from the cache when it is there."""
    data = woff2.read_bytes()
    cached = cache_folder("fonts") / f"{hashlib.sha256(data).hexdigest()}.otf"
    try:
        return cached.read_bytes()
    except OSError:
        pass
    from fontTools.ttLib import woff2 as fonttools_woff2

    out = BytesIO()
    fonttools_woff2.decompress(BytesIO(data), out)
    font = out.getvalue()
    keep(font, cached)
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
