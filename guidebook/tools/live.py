"""Live preview of the website (``make live``): ``python -m guidebook.tools.live [--port N] [--out DIR]``.

It is sphinx-autobuild, put together from its public parts (its file watcher
``RebuildServer``, its reload-script middleware and its ignore filter) as its
own ``__main__`` does. The one difference is the rebuild: sphinx-autobuild
starts ``python -m sphinx build`` for every save, which spends half the time
importing Sphinx, MyST, furo and the guide's extension again. Here they are
imported once, before the server starts; sphinx-autobuild runs each rebuild in
a new worker process forked from this one, and there the worker calls
Sphinx's own ``build_main``, already warm.

Only the website is built, into ``DIR/live`` (``_build/live``): the ebooks are
not rebuilt live, and the last good ``_build/html`` stays as it is. Chapters,
conf.py, templates and CSS are read afresh by every rebuild; a change to the
guide's Python code needs a restart.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import sys
from pathlib import Path

if __name__ == "__main__":  # run by its path (make): Ctrl+C while Sphinx is imported stops quietly too
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    sys.path[0] = str(Path(__file__).resolve().parents[2])

# warm_up: the same imports as make's warm build workers
from guidebook.tools import sources
from guidebook.tools.build import Busy, before_forking, stoppable, system_ready, warm_up

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PORT = 8000


class WarmRebuild:
    """sphinx-autobuild's change callback: one ``build_main`` in the (warm) worker process."""

    def __init__(self, sphinx_args: list[str], uri: str) -> None:
        self.sphinx_args = sphinx_args
        self.uri = uri

    def __call__(self, *, changed_paths=()) -> None:
        from sphinx.cmd.build import build_main
        from sphinx_autobuild.utils import show_message

        if changed_paths:
            names = ", ".join(os.path.relpath(path) for path in list(changed_paths)[:5])
            show_message(f"Detected changes ({names})")
            show_message("Rebuilding...")
        unreadable = sources.problems(ROOT / "docs", ROOT)
        if unreadable:
            print("\n".join(unreadable), file=sys.stderr)
        if unreadable or build_main(list(self.sphinx_args)) != 0:
            print(
                "The preview still shows the last page that built: fix the line named above and save again."
            )
        show_message(f"Serving on {self.uri}")


def sphinx_args(out: Path) -> list[str]:
    return [
        str(ROOT / "docs"),
        str(out / "live"),
        "-c",
        str(ROOT),
        "-d",
        str(out / ".live-doctrees"),
        "-n",
        "--keep-going",
        "-q",
        "-D",
        f"guide_ebook_dir={out}",
        "-D",
        "guide_offline=0",  # no service worker: each save shows at once (website/offline.py)
    ]


def port_in_use(host: str, port: int) -> bool:
    with socket.socket() as probe:
        # as the server does, so that a port left in TIME_WAIT by the last preview counts as free
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def serve(out: Path, host: str, port: int) -> None:
    from concurrent.futures import ProcessPoolExecutor

    import uvicorn
    from sphinx_autobuild.filter import IgnoreFilter
    from sphinx_autobuild.middleware import JavascriptInjectorMiddleware
    from sphinx_autobuild.server import RebuildServer
    from sphinx_autobuild.utils import show_message
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.routing import Mount, WebSocketRoute
    from starlette.staticfiles import StaticFiles

    url_host = f"{host}:{port}"
    rebuild = WarmRebuild(sphinx_args(out), f"http://{url_host}")
    site = out / "live"
    site.mkdir(parents=True, exist_ok=True)
    watched = [ROOT / "docs", ROOT / "conf.py", ROOT / "guidebook"]
    ignore = IgnoreFilter([str(out), "__pycache__"], [r".*\.pyc$"])
    watcher = RebuildServer(watched, ignore, change_callback=rebuild)
    app = Starlette(
        routes=[
            WebSocketRoute("/websocket-reload", watcher, name="reload"),
            Mount("/", app=StaticFiles(directory=site, html=True), name="static"),
        ],
        middleware=[Middleware(JavascriptInjectorMiddleware, ws_url=url_host)],
        lifespan=watcher.lifespan,
    )
    show_message("Starting initial build")
    with ProcessPoolExecutor(
        max_workers=1
    ) as pool:  # as the rebuilds: nothing of a build stays in the server
        pool.submit(rebuild).result()
    show_message("Waiting to detect changes...")
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning"))
    hung_up = []

    def hang_up(signum, frame) -> None:  # a closed terminal: the server shuts down as on Ctrl+C
        hung_up.append(signum)
        server.handle_exit(signum, frame)

    stop = signal.signal(signal.SIGHUP, hang_up)
    server.run()  # on Ctrl+C, it shuts down, then raises the signal again for the handler of the build driver
    signal.signal(signal.SIGHUP, stop)
    if hung_up:
        signal.raise_signal(signal.SIGHUP)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--out", type=Path, default=ROOT / "_build", help="output folder (default: _build)")
    args = parser.parse_args(argv)
    if port_in_use(args.host, args.port):
        print(
            f"Port {args.port} is already in use: is `make live` running in another window? "
            f"Stop that one (Ctrl+C), or use another port: make live LIVE_PORT={args.port + 1}",
            file=sys.stderr,
        )
        return 1
    out = args.out.resolve()

    def preview() -> int:
        if system_ready():
            return 1
        warm_up()
        before_forking()  # each rebuild runs in a worker forked from this process
        serve(out, args.host, args.port)
        return 0

    try:  # Ctrl+C stops it as it stops a build: one line, and nothing left running
        return stoppable(out, "make live", preview, lock_name=".live.lock", wait=False)
    except Busy as running:
        print(
            f"{running} is already previewing this folder: open its address, or stop it (Ctrl+C in its "
            "window) before starting another.",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
