"""Build the guide with stock ``sphinx-build``, keeping the last good output if a build fails.

    python -m guidebook.tools.build [html|epub|pdf|print|all|linkcheck] [--out DIR] [-D name=value] [-v]

Each format is one ``sphinx-build -b FORMAT -c . -d DOCTREES docs OUT -W --keep-going -n``,
the command any Sphinx user would run. This wrapper only adds what ``make``
promises on top of it:

- **Staging.** Everything is written under ``DIR/.staging``, starting from a
  copy of the last good doctrees, and moved into ``DIR`` only when every
  format asked for has succeeded. A failed build leaves ``DIR`` as it was, and
  its reading of the chapters is thrown away with it, so the next build reads
  them again and reports the same mistake.
- **Whole outputs.** The website is written over a copy of the last good
  one, and Sphinx writes again only the pages that changed, as a plain
  ``sphinx-build`` does; every file that gathers all pages is what a clean
  build writes all the same: the sitemap and the inventory come from Sphinx's
  environment, which knows every chapter, the search index keeps the other
  pages' words, and the 404 and redirect pages are written by every build
  (tests/test_whole_build.py compares them with a clean build, byte for byte).
  The ebooks and the paperback are each written into an empty folder.
- **One build at a time.** ``DIR/.lock`` is held while a build runs; a second
  build in the same folder says which one runs and waits for it.
- **Stopping.** Ctrl+C or a closed terminal (SIGINT, SIGTERM, SIGHUP) stops the
  workers, removes the staging folder and says in one line that the last good
  output is unchanged.
- **One read.** The formats share the staged doctrees: the first build reads
  the chapters, the others only write. With two or more of the ebooks and the
  paperback (``print``) to write, the chapters are read first and those are then
  written side by side, the website beside them (``guide_ebooks_later``). The
  website offers the ebooks with their sizes, so once they are written it is
  built once more: that build writes no page, and puts the ebooks in and fills
  in their sizes on every page. Timed side by side with the website written
  after the ebooks, the full build took 3.5 s against 3.8 s at the guide's
  length, and 14.0 s against 19.2 s at ten times it.
- **Warm workers.** Each command runs as Sphinx's own ``build_main`` (what
  ``sphinx-build`` runs) in a worker process forked from this one. The first
  worker is forked before the last good output is copied, and imports Sphinx
  and the extensions meanwhile. While one worker reads the chapters, this
  process imports all a build imports, WeasyPrint among it (``warm_up``), so the
  writers forked after it start with them. A new ``sphinx-build`` per format
  spent about half a second each importing them again (``make bench``: 5.0 s
  for the full build against 3.5 s, when the workers came in). What a worker
  starts with is frozen for the garbage collector (``before_forking``).
- **System check.** Each build first checks that the computer has what it needs
  (guidebook/tools/system.py), in this process.
- **Reproducible dates.** ``SOURCE_DATE_EPOCH`` is the last commit's time.
"""

import argparse
import fcntl
import gc
import importlib
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if __name__ == "__main__":  # run by its path (make): Ctrl+C while Sphinx is imported stops quietly too
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    sys.path[0] = str(ROOT)
# after sys.path is set, for a run by path
from guidebook.build_date import ENV_VAR, last_commit_epoch  # noqa: E402
from guidebook.formats import ALL, EBOOKS, EBOOKS_LATER, FORMATS, READER, output_files, shared_overrides  # noqa: E402
from guidebook.tools.system import check as system_check  # noqa: E402
from guidebook.tools.system import stop_make_too  # noqa: E402

SOURCE_DIR = ROOT / "docs"
DEFAULT_OUT = ROOT / "_build"
STRICT = ["-W", "--keep-going", "-n"]


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
# The website written beside the ebooks: on two cores, three builds at one priority slowed the
# PDF, which the build waits for, as much as the website gained.
BESIDE_NICENESS = 10
MAIN_PROCESS = os.getpid()
STOPPED_BY: list[int] = []  # the signal that stopped the build, kept for where Python drops an exception


class BuildFailed(Exception):
    pass


class Stopped(BaseException):
    """Ctrl+C or a closed terminal: not an Exception, so that nothing takes it for a failed build."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def stop(signum: int, frame) -> None:
    """The signal handler: stop the build's workers, then unwind to ``stoppable``."""
    if os.getpid() != MAIN_PROCESS:  # a worker forked before it reset its handlers
        quiet_worker()
        os.kill(os.getpid(), signum)
        return
    for each in STOP_SIGNALS:
        signal.signal(each, signal.SIG_IGN)
    STOPPED_BY.append(signum)
    children = multiprocessing.active_children()
    for child in children:
        try:
            os.killpg(child.pid, signal.SIGTERM)
        except ProcessLookupError:  # not a group of its own (sphinx-autobuild's workers), or gone
            child.terminate()
    for child in children:
        child.join(timeout=10)
    raise Stopped(signum)


def unless_stopped() -> None:
    """Go on with the build, unless a signal came where Python drops exceptions (a fork's handlers)."""
    if STOPPED_BY:
        raise Stopped(STOPPED_BY[0])


def quiet_worker() -> None:
    """A worker stops at once on a signal, with no traceback: the main process cleans up.

    Each worker leads a process group of its own, which ``stop`` ends as one with
    whatever the worker started, so that no process of the build outlives it.
    """
    for each in STOP_SIGNALS:
        signal.signal(each, signal.SIG_DFL)
    os.setpgid(0, 0)


class Busy(Exception):
    """Another ``make live`` runs in the same folder."""


@contextmanager
def one_build_at_a_time(out: Path, what: str, lock_name: str = ".lock", wait: bool = True):
    """Hold ``out/.lock`` while the build runs; a second build says which one runs and waits for it.

    ``make live`` holds ``out/.live.lock`` instead (it writes elsewhere), and a second one does not wait.
    """
    out.mkdir(parents=True, exist_ok=True)
    with open(out / lock_name, "a+", encoding="utf-8") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            running = lock.read().strip() or "another build"
            if not wait:
                raise Busy(running) from None
            print(
                f"Waiting for {running} to finish: one build at a time writes into "
                f"{os.path.relpath(out)}. This one starts when it ends.",
                file=sys.stderr,
                flush=True,
            )
            fcntl.flock(lock, fcntl.LOCK_EX)
        lock.seek(0)
        lock.truncate()
        lock.write(f"`{what}` (process {os.getpid()}, started at {time.strftime('%H:%M:%S')})\n")
        lock.flush()
        yield


def stoppable(out: Path, what: str, work, lock_name: str = ".lock", wait: bool = True) -> int:
    """Run ``work()`` as the one build writing into ``out``; Ctrl+C or a closed terminal stops it cleanly.

    Returns work()'s exit status, or 128 + the signal's number (130 for Ctrl+C) when stopped.
    """
    for each in STOP_SIGNALS:
        if signal.getsignal(each) != signal.SIG_IGN:  # as a shell's background job, that ignores Ctrl+C
            signal.signal(each, stop)
    try:
        with one_build_at_a_time(out, what, lock_name, wait):
            try:
                return work()
            except Stopped:
                if lock_name == ".lock":  # the builds' staging folder (make live has none)
                    shutil.rmtree(out / ".staging", ignore_errors=True)
                raise
    except Stopped as stopped:
        try:
            print(
                f"\nBuild stopped; the last good output in {os.path.relpath(out)} is unchanged.",
                file=sys.stderr,
                flush=True,
            )
        except OSError:  # the terminal is closed
            pass
        return 0 if stop_make_too(stopped.signum) else 128 + stopped.signum


@contextmanager
def not_stopped_midway():
    """Publish in one go: a signal that comes meanwhile is dropped, as the build is done by then."""
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    handlers = {each: signal.signal(each, signal.SIG_IGN) for each in STOP_SIGNALS}
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)  # an ignored signal is dropped
        for each, handler in handlers.items():
            signal.signal(each, handler)


def book_slug() -> str:
    from guidebook.settings import book_settings

    return book_settings()["book_slug"]


def outputs(out: Path, settings: Mapping | None = None) -> dict[str, Path]:
    """Each format's file in ``out``, named from conf.py's settings (guidebook.formats.output_names)."""
    from guidebook.settings import conf_settings

    return output_files(out, settings or conf_settings())


def print_cover(out: Path, settings: Mapping | None = None) -> Path:
    """The paperback's cover, written beside its interior."""
    return outputs(out, settings)["print-cover"]


def sphinx_build(builder: str, outdir: Path, doctrees: Path, overrides: list[str], quiet: bool) -> list[str]:
    """The arguments of the stock ``sphinx-build`` command for one builder."""
    arguments = ["-b", builder, "-c", str(ROOT), "-d", str(doctrees), *STRICT]
    arguments += ["-q"] if quiet else []
    for override in overrides:
        arguments += ["-D", override]
    return [*arguments, str(SOURCE_DIR), str(outdir)]


def start_workers(count: int):
    """``count`` worker processes, forked now from this one; each imports Sphinx and the extensions
    (``import_extensions``) while this process goes on, then runs the build it is given."""
    from concurrent.futures import ProcessPoolExecutor

    before_forking()
    pool = ProcessPoolExecutor(max_workers=count, initializer=start_worker)
    pool.submit(int)  # the first task forks the workers (with fork, all at once)
    return pool


def before_forking() -> None:
    """Get this process ready to fork workers that do not exec: its output flushed, and what it
    holds frozen (``gc.freeze``, as Python's gc documentation advises before ``fork()``).

    The workers' garbage collector then leaves the modules and objects they start with alone,
    and so does this process's when it exits: that took a fifth of a second of every build.
    Timed side by side (``make``, medians of nine), the full build took 3.2 s against 3.6 s at
    the guide's length and 10.6 s against 12.4 s at ten times it.
    """
    sys.stdout.flush(), sys.stderr.flush()
    gc.freeze()


def start_worker() -> None:
    quiet_worker()
    try:
        import_extensions()
    except Exception:  # a broken conf.py or extension: the build itself says where, in Sphinx's words
        pass
    gc.freeze()  # what it imported, for the build it runs (before_forking)


def run_side_by_side(commands: dict[str, list[str]], then=None, pool=None, beside=()) -> list[str]:
    """Run the sphinx-build commands (their arguments) at once; return the names of those that failed.

    Each runs Sphinx's own ``build_main`` (what ``sphinx-build`` runs) in a worker
    process forked from this one, which has imported Sphinx and the extensions
    once (``warm_up``), or which imported them while this process staged the
    last good output (``pool``, from ``start_workers``): a new ``sphinx-build``
    would spend about half a second importing them again. ``then`` runs here
    while the builds run. The builds named in ``beside`` run at a lower priority:
    they take the CPU the others leave, and do not slow them down.
    """
    unless_stopped()
    if not commands:
        return []
    with pool or start_workers(len(commands)) as workers:
        running = {
            name: workers.submit(sphinx_build_main, arguments, BESIDE_NICENESS if name in beside else 0)
            for name, arguments in commands.items()
        }
        if then:
            then()
        failed = [name for name, build in running.items() if build.exception() or build.result() != 0]
    unless_stopped()
    return failed


def sphinx_build_main(arguments: list[str], niceness: int = 0) -> int:
    """In a worker: what ``sphinx-build`` runs (imported there, so that this process need not)."""
    from sphinx.cmd.build import build_main

    os.nice(niceness)  # for good: run_side_by_side has a worker for each build, dropped after it
    return build_main(arguments)


def import_extensions() -> None:
    """Import Sphinx and conf.py's extensions, as every build does first."""
    import sphinx.cmd.build  # noqa: F401

    from guidebook import import_opengraph_quietly
    from guidebook.settings import read_conf

    import_opengraph_quietly()
    for module in read_conf().get("extensions", []):
        importlib.import_module(module)


def warm_up() -> None:
    """Import all a build imports, WeasyPrint among it (half a second), so that the workers forked after start with it.

    Sphinx imports its builders and domains, and each extension what its setup needs,
    when its application starts: one is started here, on an empty folder with the
    builder that writes nothing, and dropped. Its setup imported a third of a second
    more than the extensions' modules alone, in every rebuild of `make live`.
    """
    import io
    import tempfile

    import weasyprint  # noqa: F401
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    import_extensions()
    with tempfile.TemporaryDirectory() as empty, patch_docutils(ROOT), docutils_namespace():
        try:
            Sphinx(str(SOURCE_DIR), str(ROOT), empty, empty, "dummy", status=None, warning=io.StringIO())
        except (Exception, SystemExit):  # a wrong setting or a broken extension: the build says where
            pass


def stage(out: Path, formats: list[str]) -> Path:
    """A fresh staging folder holding a copy of the last good doctrees and website.

    Sphinx reads again only the chapters that changed and writes again only the
    pages that changed; the copies keep their files' times, which it compares.
    """
    staging = out / ".staging"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for part in ["doctrees", *(["html"] if "html" in formats else [])]:
        if (out / part).is_dir():
            shutil.copytree(out / part, staging / part, symlinks=True)
    return staging


def publish(staging: Path, final: Path) -> None:
    """Swap the new output in, then drop the old one."""
    old = final.with_name(final.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    staging.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def build(
    targets: list[str], out: Path = DEFAULT_OUT, overrides: list[str] = (), quiet: bool = True
) -> list[str]:
    """Build the formats asked for; return the ones written. Raises BuildFailed."""
    from guidebook.tools import sources

    os.environ.setdefault(ENV_VAR, str(last_commit_epoch()))  # guidebook/build_date.py
    out = out.resolve()
    unreadable = sources.problems(SOURCE_DIR, ROOT)
    if unreadable:
        print("\n".join(unreadable), file=sys.stderr)
        raise BuildFailed(
            f"The build failed: see the messages above, each names a file. "
            f"The last good output in {os.path.relpath(out)} is unchanged."
        )
    first = start_workers(1)  # the first build's worker: it imports while this process stages
    names = outputs(out)
    wanted = {*targets, *ALL} - {"all"} if "all" in targets else set(targets)
    if "html" in wanted:  # the website offers the ebooks: build any that are missing
        wanted |= {fmt for fmt in EBOOKS if not names[fmt].exists()}
    formats = [fmt for fmt in FORMATS if fmt in wanted]
    writers = [fmt for fmt in formats if fmt != "html"]  # the ebooks and the paperback
    staging = stage(out, formats)
    doctrees = staging / "doctrees"
    overrides = [*overrides, *shared_overrides(staging)]  # the same for every format: see guidebook.formats

    def command(builder: str, *more: str) -> list[str]:
        return sphinx_build(builder, staging / builder, doctrees, [*overrides, *more], quiet)

    failed = []
    if len(writers) >= 2:  # one worker reads the chapters while this process warms up for the writers
        read_failed = run_side_by_side({READER: command(READER)}, then=warm_up, pool=first)
        # the website is written beside them, and offered them once they are written (below)
        beside = {fmt: command(fmt, EBOOKS_LATER) for fmt in formats if fmt == "html"}
        failed = (
            formats
            if read_failed
            else run_side_by_side({**{fmt: command(fmt) for fmt in writers}, **beside}, beside=beside)
        )
    elif writers:
        failed = run_side_by_side({writers[0]: command(writers[0])}, pool=first)
    if "html" in formats and not failed:
        for fmt in EBOOKS:  # the last good ebooks, for the download buttons
            if fmt not in formats:
                ebook = staging / names[fmt].relative_to(out)
                ebook.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(names[fmt], ebook)
        # after a website written beside the ebooks, this build writes no page: it puts the ebooks
        # in and fills in their sizes (guidebook.markup.calls_to_action.offer_ebooks)
        failed = run_side_by_side({"html": command("html")}, pool=None if writers else first)
        # Sphinx's copy of its previous note of the settings, when they changed: not for readers
        (staging / "html" / ".buildinfo.bak").unlink(missing_ok=True)
    if failed:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildFailed(
            f"The {' and '.join(failed)} build failed: see the messages above, each names a file "
            f"and a line. The last good output in {os.path.relpath(out)} is unchanged."
        )
    unless_stopped()
    with not_stopped_midway():
        for part in [*formats, "doctrees"]:
            publish(staging / part, out / part)
        shutil.rmtree(staging, ignore_errors=True)
    return formats


def linkcheck(out: Path, overrides: list[str] = (), quiet: bool = True) -> int:
    """Check every external link (live, unless linkcheck_stand_in names a local server).

    Unlike the formats it writes straight into DIR/linkcheck: a failed check is
    the report, not a build to throw away."""
    from guidebook.linkcheck.report import report

    out = out.resolve()
    folder = out / "linkcheck"
    (folder / "output.json").unlink(missing_ok=True)
    arguments = sphinx_build("linkcheck", folder, out / "linkcheck-doctrees", list(overrides), quiet)
    checked = subprocess.run(
        [sys.executable, "-m", "sphinx", "build", *arguments], cwd=ROOT, stderr=subprocess.PIPE, text=True
    )
    result = report(folder) if (folder / "output.json").exists() else None
    if result is None or not result.network_unreachable:
        # Sphinx's own words on each failure; without a network they would only
        # repeat, link by link, what the verdict says once.
        sys.stderr.write(checked.stderr)
    if result is None:
        return checked.returncode or 1
    print(f"\nReport ({os.path.relpath(folder / 'report.txt')}):\n{result.text}", end="")
    return 0 if checked.returncode == 0 and result.ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="*", default=["all"], choices=[*FORMATS, "all", "linkcheck"])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: _build)")
    parser.add_argument(
        "-D",
        dest="overrides",
        action="append",
        default=[],
        metavar="name=value",
        help="override a setting of conf.py for this build",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="show Sphinx's progress")
    args = parser.parse_args(argv)
    what = f"make {' '.join(args.targets)}"
    if args.targets == ["linkcheck"]:
        return stoppable(
            args.out.resolve(), what, lambda: linkcheck(args.out, args.overrides, not args.verbose)
        )
    return stoppable(args.out.resolve(), what, lambda: system_ready() or build_and_say(args))


def system_ready() -> int:
    """0 if the computer has what a build needs; else 1, having said what it lacks and how to install it.

    Every build checks, in its own process (a second Python for it took a tenth of
    `make html`); make checks before it makes the virtual environment.
    """
    return system_check(["build"])


def build_and_say(args: argparse.Namespace) -> int:
    try:
        built = build(args.targets, args.out, args.overrides, quiet=not args.verbose)
    except BuildFailed as error:
        print(f"\n{error}", file=sys.stderr)
        return 1
    print("Built:")
    for fmt, path in outputs(args.out.resolve()).items():
        if fmt in built:
            print(f"  {fmt:5} {os.path.relpath(path)}")
    if "print" in built:
        print(f"  {'':5} {os.path.relpath(print_cover(args.out.resolve()))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
