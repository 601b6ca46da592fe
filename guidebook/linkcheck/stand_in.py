"""Point Sphinx's linkcheck at a local stand-in server instead of the internet.

When ``linkcheck_stand_in`` (or the ``GUIDE_LINKCHECK_STAND_IN`` environment
variable) names a server, say ``http://127.0.0.1:8765``, every external
``http(s)`` link is checked as ``http://127.0.0.1:8765/<the original URL>``:
the stand-in sees the whole original URL in the request path and answers for
the real host. Links already on this machine (127.0.0.1, localhost) are left
as they are. Anchors are still checked, in the stand-in's answer.

The patterns of ``linkcheck_ignore``, ``linkcheck_anchors_ignore_for_url`` and
``linkcheck_allowed_redirects`` are widened to match the rewritten URLs too, so
the offline check applies the same policy as the live one.
"""

import os
import re
from urllib.parse import urlsplit

from sphinx.application import Sphinx
from sphinx.config import Config

ENV_VAR = "GUIDE_LINKCHECK_STAND_IN"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
PATTERN_SETTINGS = ("linkcheck_ignore", "linkcheck_anchors_ignore_for_url")


def prefix(stand_in: str) -> str:
    return stand_in.rstrip("/") + "/"


def to_stand_in(uri: str, stand_in: str) -> str | None:
    """The URL to request instead of ``uri``, or None to keep ``uri``."""
    parts = urlsplit(uri)
    if not stand_in or parts.scheme not in {"http", "https"} or parts.hostname in LOCAL_HOSTS:
        return None
    return prefix(stand_in) + uri


def from_stand_in(uri: str, stand_in: str) -> str:
    """The original URL behind a rewritten one (any other URL as it is)."""
    if stand_in and uri.startswith(prefix(stand_in)):
        return uri[len(prefix(stand_in)) :]
    return uri


def widen(pattern: str, stand_in: str) -> str:
    """A pattern that matches what ``pattern`` matches, with or without the stand-in in front."""
    return f"(?:{re.escape(prefix(stand_in))})?(?:{pattern.removeprefix('^')})"


def rewrite_uri(app: Sphinx, uri: str) -> str | None:
    return to_stand_in(uri, app.config.linkcheck_stand_in)


def widen_policy(app: Sphinx, config: Config) -> None:
    stand_in = config.linkcheck_stand_in
    if not stand_in:
        return
    for name in PATTERN_SETTINGS:
        setattr(config, name, [widen(pattern, stand_in) for pattern in getattr(config, name)])
    redirects = config.linkcheck_allowed_redirects
    if isinstance(redirects, dict):
        config.linkcheck_allowed_redirects = {
            widen(source, stand_in): widen(target, stand_in) for source, target in redirects.items()
        }


def setup(app: Sphinx) -> dict:
    app.setup_extension("sphinx.builders.linkcheck")
    app.add_config_value("linkcheck_stand_in", os.environ.get(ENV_VAR, ""), "", types=frozenset({str}))
    # before linkcheck compiles linkcheck_allowed_redirects (priority 900)
    app.connect("config-inited", widen_policy, priority=800)
    app.connect("linkcheck-process-uri", rewrite_uri)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
