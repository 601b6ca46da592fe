"""Build the guide: ``python -m guidebook.build [html|epub|pdf|all] [--out DIR] [-D name=value]``.

Every format is built with every warning treated as an error, from one shared
read of the sources (``DIR/doctrees``). Each format is written to a staging
folder first and moved into ``DIR/<format>`` only when its build succeeds, so a
mistake in a chapter never destroys the last good output.
"""

import argparse
import gc
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIR = ROOT / "docs"
DEFAULT_OUT = ROOT / "_build"
# The ebooks come first: the website offers them for download, with their sizes.
FORMATS = ("epub", "pdf", "html")
STRICT = ["-W", "--keep-going", "-n"]
# Reads the sources into the shared doctrees and writes nothing.
READER = "dummy"


class BuildFailed(Exception):
    pass


def source_date_epoch() -> str:
    """The last commit's time, so that two builds of one commit are identical."""
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        if out:
            return out
    except (OSError, subprocess.CalledProcessError):
        pass
    return "1767225600"  # 2026-01-01, for a copy with no git history


def sphinx_build(builder: str, out: Path, overrides: list[str], quiet: bool = True) -> int:
    from sphinx.cmd.build import build_main

    from guidebook.website_seed import seed_website, website_inputs, website_stamp

    staging = out / ".staging" / builder
    shutil.rmtree(staging, ignore_errors=True)
    if builder == "html":
        ebooks = [path for fmt, path in outputs(out, book_slug()).items() if fmt != "html"]
        inputs = website_inputs(ROOT, SOURCE_DIR, ebooks, overrides)
        seed_website(out, staging, inputs)
    args = ["-b", builder, "-c", str(ROOT), "-d", str(out / "doctrees"), *STRICT]
    if quiet:
        args.append("-q")
    for override in overrides:
        args += ["-D", override]
    # The same for every format: a setting that differs would make Sphinx read every chapter again.
    args += ["-D", f"guide_ebook_dir={out}"]
    status = build_main([*args, str(SOURCE_DIR), str(staging)])
    if builder == READER:
        shutil.rmtree(staging, ignore_errors=True)
    if status != 0:
        forget_read(out)
    elif builder != READER:
        publish(staging, out / builder)
        if builder == "html":
            website_stamp(out).write_text(inputs)
    return status


def forget_read(out: Path) -> None:
    """Drop the shared read after a failed build.

    Sphinx keeps what it read even when a chapter warned, and would not read
    that chapter again next time: the next build would then succeed without
    the mistake being fixed.
    """
    (out / "doctrees" / "environment.pickle").unlink(missing_ok=True)


def publish(staging: Path, final: Path) -> None:
    """Swap the new output in, then drop the old one."""
    old = final.with_name(final.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    staging.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def outputs(out: Path, slug: str) -> dict[str, Path]:
    return {
        "html": out / "html" / "index.html",
        "epub": out / "epub" / f"{slug}.epub",
        "pdf": out / "pdf" / f"{slug}.pdf",
    }


def build(targets: list[str], out: Path = DEFAULT_OUT, overrides: list[str] = (), quiet: bool = True) -> None:
    if not os.environ.get("SOURCE_DATE_EPOCH"):
        os.environ["SOURCE_DATE_EPOCH"] = source_date_epoch()
    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    wanted = set(FORMATS) if "all" in targets else set(targets)
    if "html" in wanted:
        # the site links to the ebooks: build any that are missing
        slug = book_slug()
        wanted |= {fmt for fmt in ("epub", "pdf") if not outputs(out, slug)[fmt].exists()}
    failed = build_formats([fmt for fmt in FORMATS if fmt in wanted], out, list(overrides), quiet)
    if failed:
        raise BuildFailed(
            f"The {' and '.join(failed)} build failed: see the messages above, each names a file "
            f"and a line. The last good output in {out} is unchanged."
        )


def build_formats(formats: list[str], out: Path, overrides: list[str], quiet: bool) -> list[str]:
    """Build the formats; return those that failed.

    With both ebooks to write, the sources are read once first; meanwhile a
    second process, on the other core, loads the PDF's libraries, then writes
    the PDF while this one writes the EPUB. The website comes last: every page
    offers the ebooks with their sizes.
    """
    failed = []
    ebooks = [fmt for fmt in formats if fmt != "html"]
    if len(ebooks) == 2:
        import multiprocessing  # only here: it takes a while to import, and `make html` does not need it

        fork = multiprocessing.get_context("fork")
        read_done, tell_pdf = fork.Pipe(duplex=False)
        sys.stdout.flush(), sys.stderr.flush()
        pdf = fork.Process(target=build_pdf_after_read, args=(read_done, out, overrides, quiet), name="pdf build")
        pdf.start()
        read_ok = sphinx_build(READER, out, overrides, quiet) == 0
        tell_pdf.send(read_ok)
        if read_ok:
            failed += ["epub"] if sphinx_build("epub", out, overrides, quiet) else []
        pdf.join()
        if not read_ok:
            return formats
        failed += ["pdf"] if pdf.exitcode else []
    else:
        failed += [fmt for fmt in ebooks if sphinx_build(fmt, out, overrides, quiet)]
    if "html" in formats and sphinx_build("html", out, overrides, quiet):
        failed.append("html")
    return failed


def build_pdf_after_read(read_done, out: Path, overrides: list[str], quiet: bool) -> None:
    import weasyprint  # noqa: F401  the PDF's slowest import, done while the other process reads

    try:
        read_ok = read_done.recv()
    except EOFError:  # the other process stopped
        read_ok = False
    sys.exit(sphinx_build("pdf", out, overrides, quiet) if read_ok else 1)


def linkcheck(out: Path, overrides: list[str] = (), quiet: bool = True) -> int:
    """Check every external link (live, unless linkcheck_stand_in names a local server).

    Unlike the formats it writes straight into DIR/linkcheck: a failed check is
    the report, not a build to throw away."""
    import contextlib
    import io

    from sphinx.cmd.build import build_main

    from guidebook.linkcheck_report import report

    folder = out.resolve() / "linkcheck"
    args = ["-b", "linkcheck", "-c", str(ROOT), "-d", str(out.resolve() / "doctrees"), *STRICT]
    args += ["-q"] if quiet else []
    for override in overrides:
        args += ["-D", override]
    args += ["-D", f"guide_ebook_dir={out.resolve()}"]  # as the formats have it: no second read
    (folder / "output.json").unlink(missing_ok=True)
    with contextlib.redirect_stderr(io.StringIO()) as messages:
        status = build_main([*args, str(SOURCE_DIR), str(folder)])
    result = report(folder) if (folder / "output.json").exists() else None
    if result is None or not result.network_unreachable:
        # Sphinx's own words on each failure; without a network they would only
        # repeat, link by link, what the verdict says once.
        sys.stderr.write(messages.getvalue())
    if result is None:
        return status or 1
    print(f"\nReport ({os.path.relpath(folder / 'report.txt')}):\n{result.text}", end="")
    return 0 if status == 0 and result.ok else 1


def book_slug() -> str:
    from guidebook.settings import book_settings

    return book_settings()["book_slug"]


def collect_garbage_less_often() -> None:
    """A build makes millions of objects and frees few before it ends: Python's
    cycle collector, at its default pace, spent a tenth of a rebuild's time
    looking through them. Collected less often, memory stays about the same."""
    gc.set_threshold(50_000, 20, 20)


def main(argv: list[str] | None = None) -> int:
    collect_garbage_less_often()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="*", default=["all"], choices=[*FORMATS, "all", "linkcheck"])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: _build)")
    parser.add_argument("-D", dest="overrides", action="append", default=[], metavar="name=value",
                        help="override a setting of conf.py for this build")
    parser.add_argument("-v", "--verbose", action="store_true", help="show Sphinx's progress")
    args = parser.parse_args(argv)
    if args.targets == ["linkcheck"]:
        return linkcheck(args.out, args.overrides, quiet=not args.verbose)
    try:
        build(args.targets, args.out, args.overrides, quiet=not args.verbose)
    except BuildFailed as error:
        print(f"\n{error}", file=sys.stderr)
        return 1
    slug = book_slug()
    wanted = FORMATS if "all" in args.targets else args.targets
    print("Built:")
    for fmt, path in outputs(args.out.resolve(), slug).items():
        if fmt in wanted or fmt != "html" and "html" in wanted:
            print(f"  {fmt:5} {os.path.relpath(path)}")
    return 0


def leave(status: int) -> None:
    """End the process without tearing it down.

    Every file the build writes is closed by then. At a thousand chapters
    Python spent a quarter of a second freeing, one by one, objects that the
    operating system takes back at once.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


if __name__ == "__main__":
    leave(main())
