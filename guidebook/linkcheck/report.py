"""A readable report of Sphinx's linkcheck: every link, where it is, and how it fared.

Sphinx checks each URL once and names only its first place. As a Sphinx
extension this module records every place a link appears (``links.json`` in
the linkcheck output folder); ``report(folder)`` then joins those places with
Sphinx's ``output.json`` and writes ``report.txt``::

    docs/10-next-steps.md:10  https://www.breakboxcoaching.com/  ok

It ends with one verdict line. When no external link could be reached at all
for lack of a network, it says so instead of listing every failure as broken.

``python -m guidebook.linkcheck.report _build/linkcheck`` prints the report again.
"""

import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.nodes import get_node_line

from guidebook.linkcheck.stand_in import from_stand_in

LINKS_FILE = "links.json"
REPORT_FILE = "report.txt"
# What requests and urllib3 say when there is no way out to the host at all.
NO_NETWORK = (
    "NameResolutionError",
    "Failed to resolve",
    "Name or service not known",
    "Temporary failure in name resolution",
    "Network is unreachable",
    "No route to host",
    "Failed to establish a new connection",
    "ProxyError",
    "ConnectTimeout",
)
REDIRECTS = {
    301: "permanently",
    302: "with Found",
    303: "with See Other",
    307: "temporarily",
    308: "permanently",
}


class LinkPlaces:
    """Every place of every link in the book (Sphinx's linkcheck names only the first), for report.txt."""

    def __init__(self) -> None:
        self.places: list[dict] = []

    def record(self, app: Sphinx, doctree: nodes.document, docname: str) -> None:
        if app.builder.name != "linkcheck":
            return
        filename = os.path.relpath(app.env.doc2path(docname), app.confdir)
        for node in doctree.findall(lambda n: isinstance(n, (nodes.reference, nodes.image))):
            if isinstance(node, nodes.reference):  # as linkcheck: every link that is not to the book itself
                uri = None if node.get("internal") else node.get("refuri")
            else:
                uri = node.get("uri") if "://" in node.get("uri", "") else None
            if uri and not uri.startswith("#"):
                try:
                    line = get_node_line(node)
                except ValueError:
                    line = 0
                self.places.append({"filename": filename, "lineno": line, "uri": uri})

    def write(self, app: Sphinx, exception: Exception | None) -> None:
        if exception is None and app.builder.name == "linkcheck":
            places = sorted(self.places, key=lambda p: (p["filename"], p["lineno"], p["uri"]))
            data = {"stand_in": app.config.linkcheck_stand_in, "links": places}
            Path(app.outdir, LINKS_FILE).write_text(json.dumps(data, indent=1), encoding="utf-8")


@dataclass
class Report:
    text: str
    ok: bool
    network_unreachable: bool


def short_reason(info: str) -> str:
    """The useful end of a requests error: "NameResolutionError: [Errno -2] Name or service not known"."""
    info = re.sub(r" for url: \S+", "", info)
    cause = re.search(r"Caused by (\w+)\(", info)
    detail = re.search(r"(\[Errno [^\]]+\][^'\")]*|Read timed out\.?)", info)
    if cause or detail:
        return ": ".join(part.group(1).strip() for part in (cause, detail) if part)
    return info


def status_text(result: dict, stand_in: str = "") -> str:
    status = result["status"]
    if status == "working":
        return "ok"
    if status == "redirected":
        target = from_stand_in(result["info"], stand_in)
        how = REDIRECTS.get(result["code"], f"with code {result['code']}")
        return f"redirected {how} to {target}: not allowed by linkcheck_allowed_redirects"
    if status == "ignored":
        return "ignored" + (f": {result['info']}" if result["info"] else " (linkcheck_ignore)")
    return f"{status}: {short_reason(result['info'])}" if result["info"] else status


def no_network(results: list[dict]) -> bool:
    """True when every external link failed for want of a connection."""
    checked = [r for r in results if r["uri"].startswith(("http:", "https:")) and r["status"] != "ignored"]
    return bool(checked) and all(
        r["status"] in {"broken", "timeout"} and any(sign in r["info"] for sign in NO_NETWORK)
        for r in checked
    )


def report(folder: Path) -> Report:
    """Write ``report.txt`` into a linkcheck output folder and return it."""
    folder = Path(folder)
    data = json.loads((folder / LINKS_FILE).read_text(encoding="utf-8"))
    stand_in = data["stand_in"]
    results = {}
    for line in (folder / "output.json").read_text(encoding="utf-8").splitlines():
        result = json.loads(line)
        result["uri"] = from_stand_in(result["uri"], stand_in)
        results[result["uri"]] = result
    lines = []
    for place in data["links"]:
        result = results.get(place["uri"])
        if result is None or result["status"] == "unchecked":
            continue  # links inside the book, checked in the built outputs by tests/internal_links.py
        lines.append(
            f"{place['filename']}:{place['lineno']}  {place['uri']}  {status_text(result, stand_in)}"
        )
    external = [r for r in results.values() if r["uri"].startswith(("http:", "https:"))]
    checked = [r for r in results.values() if r["status"] != "unchecked"]
    failed = [r for r in checked if r["status"] in {"broken", "timeout", "redirected"}]
    unreachable = no_network(list(results.values()))
    where = f" against the stand-in server {stand_in}" if stand_in else ""
    if unreachable:
        reason = short_reason(failed[0]["info"])
        verdict = (
            f"The network is unreachable ({reason}): none of the {len(external)} external links could be "
            "reached, so none was checked. Run `make linkcheck` on a machine with internet access; "
            "`make test` checks the same links offline."
        )
    elif failed:
        verdict = (
            f"{len(failed)} of {len(checked)} links need attention{where}: each line above names the file "
            "and line to fix."
        )
    else:
        verdict = f"All {len(external)} external links work{where}."
    text = "\n".join([*lines, "", verdict]) + "\n"
    (folder / REPORT_FILE).write_text(text, encoding="utf-8")
    return Report(text, ok=not failed, network_unreachable=unreachable)


def setup(app: Sphinx) -> dict:
    app.setup_extension("guidebook.linkcheck.stand_in")
    places = LinkPlaces()
    app.connect("doctree-resolved", places.record)
    app.connect("build-finished", places.write)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def main(argv: list[str]) -> int:
    result = report(Path(argv[0]) if argv else Path("_build/linkcheck"))
    print(result.text, end="")
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
