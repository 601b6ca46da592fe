"""Live preview: sphinx-autobuild, with each rebuild forked from a warm process (``make live``).

    python -m guidebook.live SOURCEDIR OUTDIR [sphinx-build and sphinx-autobuild options]

sphinx-autobuild serves the site, watches the sources and reloads the browser;
by itself it starts a new ``python -m sphinx build`` for every save, which
spends half the rebuild importing Sphinx, MyST, the theme and the guide's
extensions again. Here those are imported once, and each rebuild runs in a
fork of this process, so a save shows in the browser in well under a second.
A fork also keeps each build's state out of the server. Where there is no
fork (Windows), the rebuild is sphinx-autobuild's own.

Chapters, conf.py, templates and CSS are read afresh by every rebuild; a change
to the guide's Python code (guidebook/*.py) needs a restart of `make live`.
"""

from __future__ import annotations

import importlib
import os
import socket
import sys

import sphinx_autobuild.__main__ as autobuild
from sphinx_autobuild.build import Builder
from sphinx_autobuild.utils import show_message

from guidebook.build import collect_garbage_less_often


class WarmBuilder(Builder):
    def __call__(self, *, changed_paths):
        if not hasattr(os, "fork"):
            return super().__call__(changed_paths=changed_paths)
        if changed_paths:
            names = ", ".join(os.path.relpath(path) for path in changed_paths[:5])
            show_message(f"Detected changes ({names})")
            show_message("Rebuilding...")
        pid = os.fork()
        if pid == 0:  # the child builds, then leaves without running the server's exit handlers
            status = 1
            try:
                from sphinx.cmd.build import build_main

                status = build_main(list(self.sphinx_args))
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(status)
        os.waitpid(pid, 0)
        show_message(f"Serving on {self.uri}")


def warm_up() -> None:
    """Import what every build needs, so that the forks start with it."""
    from guidebook.settings import read_conf

    for module in ["sphinx.cmd.build", "sphinx.builders.html", "furo", *read_conf().get("extensions", [])]:
        importlib.import_module(module)


def port_in_use(argv: list[str]) -> int | None:
    """The port asked for, if another program already listens there."""
    host, port = "127.0.0.1", 8000  # sphinx-autobuild's defaults
    for option, value in zip(argv, argv[1:]):
        host = value if option == "--host" else host
        port = int(value) if option == "--port" and value.isdigit() else port
    with socket.socket() as probe:
        # as the server does, so that a port left in TIME_WAIT by the last preview counts as free
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return port
    return None


def main(argv: list[str] | None = None) -> int:
    argv = argv if argv is not None else sys.argv[1:]
    busy = port_in_use(argv)
    if busy:
        print(f"Port {busy} is already in use: is `make live` running in another window? "
              f"Stop that one (Ctrl+C), or use another port: make live LIVE_PORT={busy + 1}", file=sys.stderr)
        return 1
    collect_garbage_less_often()
    warm_up()
    autobuild.Builder = WarmBuilder
    autobuild.main(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
