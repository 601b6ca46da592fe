"""The website's performance budget, measured with Lighthouse on a phone profile.

    cd benchmarks && npm ci && cd ..      # once: installs Lighthouse 12.2.3 (package-lock.json)
    .venv/bin/python benchmarks/lighthouse.py [--keep DIR] [PAGE.html ...]

It builds the site into a temporary folder with ``book_site_url`` set to the
local server's address (so canonical links point at the pages measured, as they
will in production), serves it from 127.0.0.1 the way a static host does
(gzip, the site's path, guidebook/site_server.py), and runs Lighthouse's
default mobile run (simulated slow 4G and a mid-range phone) on the home page
and every chapter, one at a time, with the machine's Chromium.

It prints the four scores, LCP and the bytes transferred for each page, and
exits with status 1 if a page misses the budget: 100 in performance,
accessibility, best practices and SEO, and under 120 KiB for a chapter page.
This is a measurement, not a test: timings vary from machine to machine.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from guidebook.tools.build import build  # noqa: E402
from guidebook.tools.site_server import SiteServer  # noqa: E402
from guidebook.tools.system import browser  # noqa: E402

LIGHTHOUSE = Path(__file__).parent / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = browser()
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
TARGET_SCORE = 100
CHAPTER_BUDGET = 120 * 1024  # bytes transferred by a chapter page, all resources included


def run_lighthouse(url: str, report: Path) -> dict:
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={CHROME_FLAGS}",
        ],
        check=True,
        env={**os.environ, "CHROME_PATH": CHROMIUM},
    )
    return json.loads(report.read_text())


def summary(result: dict) -> dict:
    audits = result["audits"]
    return {
        **{name: round(100 * (result["categories"][name]["score"] or 0)) for name in CATEGORIES},
        "lcp": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "bytes": audits["total-byte-weight"]["numericValue"],
        "failed": [
            f"{audit['id']}"
            for category in result["categories"].values()
            for ref in category["auditRefs"]
            if ref["weight"] > 0
            for audit in [audits[ref["id"]]]
            if audit["score"] is not None and audit["score"] < 1
        ],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "pages", nargs="*", help="only these pages (default: the home page and every chapter)"
    )
    parser.add_argument("--keep", type=Path, help="keep the JSON reports in this folder")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        print("Lighthouse is missing: cd benchmarks && npm ci", file=sys.stderr)
        return 2
    if not CHROMIUM:
        print(
            "Chromium or Google Chrome is missing: make system-packages, or set CHROMIUM to its path",
            file=sys.stderr,
        )
        return 2

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        reports = args.keep or out / "reports"
        reports.mkdir(parents=True, exist_ok=True)
        with SiteServer(out / "html", "/guide/") as server:
            build(["html"], out, [f"book_site_url={server.url}"])
            pages = args.pages or [
                "index.html",
                *sorted(p.name for p in (out / "html").glob("[0-9][0-9]-*.html")),
            ]
            print(f"{'page':42} {'perf':>4} {'a11y':>4} {'best':>4} {'seo':>4} {'LCP':>6} {'KiB':>6}")
            misses = []
            for page in pages:
                row = summary(run_lighthouse(server.url + page, reports / f"{page}.json"))
                kib = row["bytes"] / 1024
                print(
                    f"{page:42} {row['performance']:4} {row['accessibility']:4} {row['best-practices']:4} "
                    f"{row['seo']:4} {row['lcp']:5.2f}s {kib:6.1f}",
                    flush=True,
                )
                if any(row[name] < TARGET_SCORE for name in CATEGORIES):
                    misses.append(
                        f"{page}: below {TARGET_SCORE} (audits not passed: {', '.join(row['failed'])})"
                    )
                if page != "index.html" and row["bytes"] >= CHAPTER_BUDGET:
                    misses.append(
                        f"{page}: {kib:.1f} KiB transferred, over the {CHAPTER_BUDGET // 1024} KiB budget"
                    )
    for miss in misses:
        print(f"over budget: {miss}")
    print("budget: held" if not misses else "budget: missed")
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
