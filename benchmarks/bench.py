"""Build speed of the guide at 1×, 10× and 100× its content, beside stock Sphinx.

    python benchmarks/bench.py [--sizes 1 10 100] [--reps 3] [--stock-sizes 1 10] [--json _build/bench.json]

For each size it makes a synthetic book in a temporary folder: the guide's
chapters copied N times, each copy with its own labels, titles and
cross-references, listed in the home page's one toctree. Then it times, each
run in a fresh process:

- ours: as the author runs them, with ``make`` in the project's folder: the full
  build (``make``), each format alone (``make epub``, ``make pdf``, ``make html``,
  cold), and the website after editing one paragraph (``make html``), each with
  its system check; then, as the author works, ``make live``: from
  saving a paragraph to a chapter to the rebuilt page being served (its
  rebuilds run in a worker forked from the warm server, so no CPU or memory figure);
- stock: plain Sphinx (myst-parser, sphinx-design, furo, none of the guide's
  extensions) on the same text, with the guide's own directives and roles
  replaced by plain equivalents: html, epub and latexpdf (``sphinx-build -M``,
  sharing one doctrees folder, like a quickstart Makefile), the same rebuild,
  and latexpdf only where TeX is installed. By default not at 100x, where
  furo's sidebar makes one stock html build take many minutes.

Each timing is repeated; the table shows the median, min and max, the median
per chapter, the CPU time (less sensitive to a busy machine) and the peak
memory of the largest process of the build.
Machines are noisy: compare rows of one run, not runs of different days.
"Cold" builds start from an empty output folder.
"""

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
from guidebook.build_date import NO_HISTORY_EPOCH  # noqa: E402
from guidebook.settings import book_settings  # noqa: E402
from project_copy import copy_project  # noqa: E402

DOCS = ROOT / "docs"
PYTHON = sys.executable
EPOCH = str(NO_HISTORY_EPOCH)  # dated as the tests' builds
TEX_TOOLS = ("latexmk", "pdflatex", "xelatex")

LABEL = re.compile(r"^\((?P<label>[\w-]+)\)=$", re.MULTILINE)
TITLE = re.compile(r"^# (?P<title>.+)$", re.MULTILINE)
REF = re.compile(r"(\{ref\}`[^`<]*<)(?P<label>[\w-]+)(>`)")
TOCTREE = re.compile(r"(```\{toctree\}\n(?::[^\n]*\n)*\n)(?P<entries>.*?)(```)", re.DOTALL)

STOCK_CONF = """\
project = {title!r}
author = "Zac, BreakBox Coaching"
copyright = "2026, BreakBox Coaching"
version = release = "1.0"
extensions = ["myst_parser", "sphinx_design"]
source_suffix = {{".md": "markdown"}}
myst_enable_extensions = ["colon_fence", "attrs_block", "attrs_inline", "deflist", "smartquotes"]
myst_heading_anchors = 3
html_theme = "furo"
epub_basename = "book"
"""


# furo puts the whole contents in every page's sidebar and makes it anew for each
# page, so stock html grows with the square of the chapters: at 100x one run takes
# many minutes; the guide's own site is built the same way, so neither is timed there by default.
STOCK_SKIPPED = (
    "not run at this size (see --stock-sizes): stock furo's html build grows with the square of the chapters"
)


def stock_rows(tex: str | None) -> list[str]:
    full = "full: html+epub" + ("+latexpdf" if tex else "")
    return [full, "html after 1-paragraph edit", "html alone", "epub alone", "latexpdf alone"]


# the live preview's rebuild: no CPU or memory figure, as it runs in a fork of the server
LIVE_ROW = "html after edit, make live"


# ── The synthetic book ─────────────────────────────────────────────────────


def chapters() -> list[Path]:
    return sorted(p for p in DOCS.glob("[0-9][0-9]-*.md"))


def copy_name(stem: str, copy: int) -> str:
    return stem if copy == 1 else f"{stem}-{copy}"


def chapter_copy(text: str, copy: int, labels: set[str]) -> str:
    """Copy ``copy`` of a chapter: its label, title and references made its own."""
    if copy == 1:
        return text
    text = LABEL.sub(lambda m: f"({m['label']}-{copy})=", text)
    text = TITLE.sub(lambda m: f"# {m['title']} ({copy})", text, count=1)
    return REF.sub(
        lambda m: m[1] + (f"{m['label']}-{copy}" if m["label"] in labels else m["label"]) + m[3], text
    )


def stock_text(text: str, settings: dict) -> str:
    """The guide's own directives and roles, as plain MyST for stock Sphinx."""
    text = re.sub(r"\{booking\}`([^`]+)`", rf"[\1]({settings['book_booking_url']})", text)
    text = re.sub(r"\{original-post\}`([^`]+)`", rf"[\1]({settings['book_original_post_url']})", text)
    text = re.sub(
        r":::\{booking-button\}\n(.*?)\n:::",
        rf":::{{button-link}} {settings['book_booking_url']}\n:color: primary\n\1\n:::",
        text,
    )
    text = re.sub(
        r":::\{guide-note\}\n:::",
        f":::{{admonition}} About this guide\n{settings['book_note']}\n:::",
        text,
    )
    text = re.sub(r":::\{download-buttons\}\n:::", "Download the PDF or the EPUB.", text)
    text = re.sub(r":::\{answer-lines\}[^\n]*\n:::\n", "", text)
    leftover = re.findall(
        r"\{(?:booking|original-post|booking-button|guide-note|download-buttons|answer-lines)\}", text
    )
    assert not leftover, f"a guide directive has no stock equivalent: {leftover}"
    return text


def make_book(src: Path, size: int, stock: bool, settings: dict) -> int:
    """Write the synthetic book of ``size`` copies into ``src``; return its chapter count."""
    sources = chapters()
    labels = {m["label"] for path in sources for m in LABEL.finditer(path.read_text(encoding="utf-8"))}
    src.mkdir(parents=True)
    names = []
    for copy in range(1, size + 1):
        for path in sources:
            name = copy_name(path.stem, copy)
            text = chapter_copy(path.read_text(encoding="utf-8"), copy, labels)
            (src / f"{name}.md").write_text(stock_text(text, settings) if stock else text, encoding="utf-8")
            names.append(name)
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    index, found = TOCTREE.subn(lambda m: m[1] + "\n".join(names) + "\n" + m[3], index)
    assert found == 1, "the home page should have one toctree"
    (src / "index.md").write_text(stock_text(index, settings) if stock else index, encoding="utf-8")
    return len(names)


def make_project(folder: Path, size: int, settings: dict) -> tuple[Path, int]:
    """A copy of the guide's project (conf.py, extensions, brand…) around a synthetic book."""
    project = copy_project(folder / "ours")
    shutil.rmtree(project / "docs")
    count = make_book(project / "docs", size, stock=False, settings=settings)
    shutil.copytree(DOCS / "_static", project / "docs" / "_static")
    (project / ".venv").symlink_to(ROOT / ".venv")  # `make` runs the project's own .venv
    return project, count


def make_stock(folder: Path, size: int, settings: dict) -> Path:
    project = folder / "stock"
    make_book(project, size, stock=True, settings=settings)
    (project / "conf.py").write_text(STOCK_CONF.format(title=settings["book_title"]), encoding="utf-8")
    return project


def edit_one_paragraph(src: Path, run: int) -> None:
    """Change one sentence of one paragraph of the middle chapter."""
    names = sorted(p for p in src.glob("[0-9][0-9]-*.md"))
    path = names[len(names) // 2]
    text = path.read_text(encoding="utf-8")
    paragraphs = text.split("\n\n")
    # the first plain paragraph after the title: not a directive, heading, label or front matter
    for i, para in enumerate(paragraphs):
        if para[:1].isalpha() and not para.startswith(("description", "#")):
            paragraphs[i] = re.sub(r" \(edit \d+\)$", "", para) + f" (edit {run})"
            break
    else:
        raise AssertionError(f"no paragraph to edit in {path}")
    path.write_text("\n\n".join(paragraphs), encoding="utf-8")


# ── Running and measuring ──────────────────────────────────────────────────


def run(cmd: list[str], cwd: Path, log: Path) -> tuple[float, float, int]:
    """Run a build in a fresh process: its wall time, CPU time and peak memory (largest process, KiB)."""
    # Python keeps its compiled modules, as on a person's machine (the project is a fresh copy)
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["SOURCE_DATE_EPOCH"] = EPOCH
    with open(log, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        # wait4 gives this build's own usage, children included (ru_maxrss is in KiB on Linux)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"the build failed: {' '.join(cmd)}\n{log.read_text(errors='replace')[-4000:]}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def ours(project: Path, out: Path, *formats: str) -> list[str]:
    return ["make", "--no-print-directory", "-s", *formats, f"OUT={out}"]


def stock(project: Path, out: Path, builder: str) -> list[str]:
    return [PYTHON, "-m", "sphinx", "-M", builder, str(project), str(out), "-q", "-W", "--keep-going", "-n"]


class Runs:
    """Every timing of one benchmark, by row."""

    def __init__(self) -> None:
        self.rows: dict[tuple, dict] = {}

    def add(
        self, size: int, chapters: int, who: str, what: str, seconds: float, cpu: float, kib: int
    ) -> None:
        row = self.rows.setdefault(
            (size, who, what),
            {
                "size": size,
                "chapters": chapters,
                "who": who,
                "build": what,
                "seconds": [],
                "cpu_seconds": [],
                "peak_kib": 0,
            },
        )
        row["seconds"].append(round(seconds, 3))
        if cpu is not None:
            row["cpu_seconds"].append(round(cpu, 3))
        row["peak_kib"] = max(row["peak_kib"], kib or 0)

    def absent(self, size: int, chapters: int, who: str, what: str, why: str) -> None:
        self.rows[(size, who, what)] = {
            "size": size,
            "chapters": chapters,
            "who": who,
            "build": what,
            "seconds": [],
            "absent": why,
        }

    def summary(self) -> list[dict]:
        rows = []
        for row in self.rows.values():
            row = dict(row)
            if row["seconds"]:
                row["median"] = statistics.median(row["seconds"])
                row["min"], row["max"] = min(row["seconds"]), max(row["seconds"])
                row["ms_per_chapter"] = round(1000 * row["median"] / row["chapters"], 1)
                row["cpu_median"] = statistics.median(row["cpu_seconds"]) if row["cpu_seconds"] else None
                row["peak_mib"] = round(row["peak_kib"] / 1024) if row["peak_kib"] else None
            rows.append(row)
        return sorted(rows, key=lambda row: (row["size"], row["who"] != "ours"))  # stable: runs' order within


def bench_size(
    size: int, reps: int, runs: Runs, settings: dict, tex: str | None, with_stock: bool, say, save
) -> None:
    with tempfile.TemporaryDirectory(prefix=f"guide-bench-{size}x-") as tmp:
        tmp = Path(tmp)
        project, count = make_project(tmp, size, settings)
        stock_src = make_stock(tmp, size, settings)
        log = tmp / "build.log"
        say(f"{size}x: {count} chapters")
        if not with_stock:
            for what in stock_rows(tex):
                runs.absent(size, count, "stock", what, STOCK_SKIPPED)
        for rep in range(1, reps + 1):
            bench_ours(size, count, rep, project, tmp, log, runs)
            if with_stock:
                bench_stock(size, count, rep, stock_src, tmp, log, runs, tex)
            say(f"{size}x: run {rep} of {reps} done")
            save()
        bench_live(size, count, project, reps, runs, say)
        save()


def bench_ours(size: int, count: int, rep: int, project: Path, tmp: Path, log: Path, runs: Runs) -> None:
    # the full build, as `make` does it; then the one-paragraph edit
    full = tmp / f"full-{rep}"
    runs.add(size, count, "ours", "full: epub+pdf+html", *run(ours(project, full, "all"), project, log))
    edit_one_paragraph(project / "docs", rep)
    runs.add(
        size, count, "ours", "html after 1-paragraph edit", *run(ours(project, full, "html"), project, log)
    )
    for fmt in ("epub", "pdf", "html"):
        alone = tmp / f"{fmt}-{rep}"
        if fmt == "html":  # the site only copies the ebooks in; build them apart
            for ebook in ("epub", "pdf"):
                shutil.copytree(full / ebook, alone / ebook)
        runs.add(size, count, "ours", f"{fmt} alone", *run(ours(project, alone, fmt), project, log))
        shutil.rmtree(alone)
    shutil.rmtree(full)


def bench_live(size: int, count: int, project: Path, reps: int, runs: Runs, say) -> None:
    """The rebuild seen while writing: `make live`, from saving a chapter to its page being served."""
    from live_reload import Server, wait_for

    server = Server("make live", project, ["make", "--no-print-directory", "live"])
    try:
        first = wait_for(server.url, "Offer Alternatives", timeout=3600)
        say(f"{size}x: make live served its first build after {first:.1f} s")
        time.sleep(1)  # let the watcher settle
        for rep in range(1, reps + 1):
            served, _ = server.save_and_wait(rep)
            runs.add(size, count, "ours", LIVE_ROW, served, None, None)
            time.sleep(0.3)
    finally:
        server.stop()


def bench_stock(
    size: int, count: int, rep: int, src: Path, tmp: Path, log: Path, runs: Runs, tex: str | None
) -> None:
    # make html epub [latexpdf] in a quickstart project, sharing its doctrees
    base = tmp / f"stock-{rep}"
    total, cpu_total, peak = 0.0, 0.0, 0
    builders = ["html", "epub", *(["latexpdf"] if tex else [])]
    for builder in builders:
        seconds, cpu, kib = run(stock(src, base, builder), src, log)
        total, cpu_total, peak = total + seconds, cpu_total + cpu, max(peak, kib)
    runs.add(size, count, "stock", "full: " + "+".join(builders), total, cpu_total, peak)
    edit_one_paragraph(src, rep)
    runs.add(size, count, "stock", "html after 1-paragraph edit", *run(stock(src, base, "html"), src, log))
    shutil.rmtree(base)
    for builder in ("html", "epub", "latexpdf"):
        if builder == "latexpdf" and not tex:
            runs.absent(
                size, count, "stock", "latexpdf alone", "no TeX installation (latexmk, pdflatex, xelatex)"
            )
            continue
        alone = tmp / f"stock-{builder}-{rep}"
        runs.add(size, count, "stock", f"{builder} alone", *run(stock(src, alone, builder), src, log))
        shutil.rmtree(alone)


def table(rows: list[dict]) -> str:
    head = (
        f"{'size':>5} {'chapters':>8}  {'who':5}  {'build':30} {'median s':>9} {'min s':>7} {'max s':>7} "
        f"{'ms/chapter':>10} {'cpu s':>7} {'peak MiB':>8}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        if "absent" in r:
            lines.append(
                f"{r['size']:>4}x {r['chapters']:>8}  {r['who']:5}  {r['build']:30} absent: {r['absent']}"
            )
            continue
        cpu = "-" if r["cpu_median"] is None else f"{r['cpu_median']:.2f}"
        peak = "-" if r["peak_mib"] is None else r["peak_mib"]
        lines.append(
            f"{r['size']:>4}x {r['chapters']:>8}  {r['who']:5}  {r['build']:30} {r['median']:>9.2f} "
            f"{r['min']:>7.2f} {r['max']:>7.2f} {r['ms_per_chapter']:>10.1f} {cpu:>7} {peak:>8}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100], help="copies of the guide")
    parser.add_argument("--reps", type=int, default=3, help="runs of each timing (the median is shown)")
    parser.add_argument(
        "--stock-sizes",
        type=int,
        nargs="*",
        default=[1, 10],
        help="sizes at which to time stock Sphinx too (default: 1 10)",
    )
    parser.add_argument(
        "--json", type=Path, default=ROOT / "_build" / "bench.json", help="where to write the results"
    )
    args = parser.parse_args(argv)

    def say(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    tex = next((shutil.which(tool) for tool in TEX_TOOLS if shutil.which(tool)), None)
    settings = book_settings()
    runs = Runs()
    started = time.perf_counter()
    args.json.parent.mkdir(parents=True, exist_ok=True)

    def save() -> dict:  # after each run, so a long benchmark stopped early still leaves its numbers
        result = {
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "platform": platform.platform(),
            },
            "tex": tex,
            "reps": args.reps,
            "total_seconds": round(time.perf_counter() - started, 1),
            "rows": runs.summary(),
        }
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        return result

    for size in args.sizes:
        bench_size(size, args.reps, runs, settings, tex, size in args.stock_sizes, say, save)
    result = save()
    print(table(result["rows"]))
    print(f"\nWritten to {os.path.relpath(args.json)} ({result['total_seconds']} s in all).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
