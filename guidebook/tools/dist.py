"""Package a release: ``python -m guidebook.tools.dist [--out DIR] [-D name=value]``.

Builds the book (as ``guidebook.tools.build`` does, so ``-D book_edition=1.1`` works
here too), then writes into ``DIR/dist``, each named ``<book_slug>-<book_edition>``:

- ``….zip``: the website, in a folder of that name (the ebooks are inside it);
- ``….pdf`` and ``….epub``: the ebooks;
- ``…-print-interior.pdf`` and ``…-print-cover.pdf``: the paperback, for a printer
  (PDF/X-1a:2001 by default, ``book_print_format``; the website does not offer them);
- ``….sha256``: their SHA-256 sums, in the format ``sha256sum --check`` reads.

The zip is reproducible: its entries are sorted and dated ``SOURCE_DATE_EPOCH``.

``--readthedocs DIR`` instead copies the built website and ebooks into the
folders Read the Docs publishes from (``DIR/html``, ``DIR/pdf``, ``DIR/epub``).
"""

import argparse
import hashlib
import os
import re
import shutil
import signal
import sys
import zipfile
from pathlib import Path

if __name__ == "__main__":  # run by its path (make): Ctrl+C while Sphinx is imported stops quietly too
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    sys.path[0] = str(Path(__file__).resolve().parents[2])

# after sys.path is set, for a run by path
from guidebook.build_date import build_epoch, zip_date_time  # noqa: E402
from guidebook.formats import EBOOKS  # noqa: E402
from guidebook.settings import book_settings as conf_book_settings  # noqa: E402
from guidebook.tools.build import (  # noqa: E402
    DEFAULT_OUT,
    BuildFailed,
    build,
    not_stopped_midway,
    outputs,
    print_cover,
    publish,
    stoppable,
    system_ready,
)

SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def book_settings(overrides: list[str] = ()) -> dict:
    """conf.py's book settings, with any ``-D name=value`` overrides applied."""
    settings = conf_book_settings()
    for override in overrides:
        name, _, value = override.partition("=")
        settings[name] = value
    return settings


def release_name(slug: str, edition: str) -> str:
    name = f"{slug}-{edition}"
    if not SAFE_NAME.fullmatch(name):
        raise ValueError(
            f"the release name {name!r} has characters a file name should not: set book_slug and "
            'book_edition in conf.py to letters, digits, dots and hyphens (for example "1.1").'
        )
    return name


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def zip_folder(folder: Path, target: Path, top: str, epoch: int) -> None:
    """Zip ``folder`` as ``top/…``, the same bytes from the same files."""
    stamp = zip_date_time(epoch)
    # .buildinfo is Sphinx's note for its next build, not for readers
    files = sorted(
        path for path in folder.rglob("*") if path.is_file() and not path.name.startswith(".buildinfo")
    )
    with zipfile.ZipFile(target, "w") as archive:
        for path in files:
            info = zipfile.ZipInfo(f"{top}/{path.relative_to(folder).as_posix()}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes(), compresslevel=9)


def package(out: Path, dist: Path, name: str, epoch: int) -> list[Path]:
    """Write the release files for the book built in ``out`` into ``dist`` (emptied first)."""
    built = outputs(out)
    copies = {
        built["pdf"]: f"{name}.pdf",
        built["epub"]: f"{name}.epub",
        built["print"]: f"{name}-print-interior.pdf",
        print_cover(out): f"{name}-print-cover.pdf",
    }
    missing = [str(path) for path in [built["html"], *copies] if not path.exists()]
    if missing:
        raise FileNotFoundError(f"build the book first (`make all print`): missing {', '.join(missing)}")
    shutil.rmtree(dist, ignore_errors=True)
    dist.mkdir(parents=True)
    files = [dist / f"{name}.zip", *(dist / copy for copy in copies.values())]
    zip_folder(built["html"].parent, files[0], name, epoch)
    for source, copy in copies.items():
        shutil.copyfile(source, dist / copy)
    sums = dist / f"{name}.sha256"
    sums.write_text("".join(f"{sha256(path)}  {path.name}\n" for path in files))
    return [*files, sums]


def copy_for_readthedocs(out: Path, target: Path) -> None:
    """Read the Docs publishes ``html/`` as the site and the one file in ``pdf/`` and ``epub/`` as downloads."""
    built = outputs(out)
    shutil.rmtree(target / "html", ignore_errors=True)
    shutil.copytree(built["html"].parent, target / "html")
    for fmt in EBOOKS:
        (target / fmt).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built[fmt], target / fmt / built[fmt].name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="build folder (default: _build)")
    parser.add_argument(
        "-D",
        dest="overrides",
        action="append",
        default=[],
        metavar="name=value",
        help="override a setting of conf.py, e.g. -D book_edition=1.1",
    )
    parser.add_argument(
        "--readthedocs",
        type=Path,
        metavar="DIR",
        help="copy the outputs into Read the Docs' output folder instead",
    )
    args = parser.parse_args(argv)
    what = "make readthedocs" if args.readthedocs else "make dist"
    return stoppable(args.out.resolve(), what, lambda: system_ready() or release(args))


def release(args: argparse.Namespace) -> int:
    out = args.out.resolve()
    settings = book_settings(args.overrides)
    try:
        name = release_name(settings["book_slug"], str(settings["book_edition"]))
        build(["all"] if args.readthedocs else ["all", "print"], out, args.overrides)
    except (ValueError, BuildFailed) as error:
        print(f"\n{error}", file=sys.stderr)
        return 1
    if args.readthedocs:
        copy_for_readthedocs(out, args.readthedocs)
        print(f"Copied the website and the ebooks into {args.readthedocs}")
        return 0
    epoch = build_epoch()  # SOURCE_DATE_EPOCH, which build() set
    # written beside, then put in place in one go, as the build's outputs are
    files = package(out, out / ".staging" / "dist", name, epoch)
    with not_stopped_midway():
        publish(out / ".staging" / "dist", out / "dist")
        shutil.rmtree(out / ".staging", ignore_errors=True)
    print(f"Release {name}:")
    for path in files:
        print(f"  {os.path.relpath(out / 'dist' / path.name)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
