"""What the build and the tests need from the computer, and the one command that installs it.

    python3 guidebook/tools/system.py check build [test]   # one message naming what is missing
    python3 guidebook/tools/system.py install              # install what is missing (make system-packages)

``make`` runs the check before it builds, and ``make test`` before it tests.
They run before ``.venv`` exists (python3-venv may be what is missing), so
this file uses only Python's standard library and is run by its path.
"""

from __future__ import annotations  # a clear message even from an older python3

import ctypes.util
import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

# What each need is, and how to see that the computer has it.
BUILD = {
    "Python's venv module": ("module", "ensurepip"),
    "Pango": ("library", "pango-1.0"),
    "PangoFT2": ("library", "pangoft2-1.0"),
    "HarfBuzz": ("library", "harfbuzz"),
    "a font for text the book's fonts lack": ("font", ""),
}
# Optional: without it WeasyPrint subsets fonts the slower way and says so (guidebook/pdf/builder.py).
FASTER = {"HarfBuzz-Subset": ("library", "harfbuzz-subset")}
TEST = {
    "Java": ("command", "java"),
    "Chromium": ("browser", ""),
    "Node.js": ("command", "node"),
    "npm": ("command", "npm"),
    "Poppler": ("command", "pdftoppm"),
}

# The package that brings each need, on each system; None: the system has it already.
PACKAGES = {
    "debian": {
        "Python's venv module": "python3-venv",
        "Pango": "libpango-1.0-0",
        "PangoFT2": "libpangoft2-1.0-0",
        "HarfBuzz": "libharfbuzz0b",
        "HarfBuzz-Subset": "libharfbuzz-subset0",
        "a font for text the book's fonts lack": "fonts-dejavu-core",
        "Java": "default-jre-headless",
        "Chromium": "chromium",
        "Node.js": "nodejs",
        "npm": "npm",
        "Poppler": "poppler-utils",
    },
    "fedora": {
        "Python's venv module": "python3",
        "Pango": "pango",
        "PangoFT2": "pango",
        "HarfBuzz": "harfbuzz",
        "HarfBuzz-Subset": "harfbuzz",
        "a font for text the book's fonts lack": "dejavu-sans-fonts",
        "Java": "java-21-openjdk-headless",
        "Chromium": "chromium",
        "Node.js": "nodejs",
        "npm": "npm",
        "Poppler": "poppler-utils",
    },
    "macos": {  # Homebrew; temurin and google-chrome are casks, which `brew install` finds by name
        "Python's venv module": "python",
        "Pango": "pango",
        "PangoFT2": "pango",
        "HarfBuzz": "harfbuzz",
        "HarfBuzz-Subset": "harfbuzz",
        "a font for text the book's fonts lack": None,
        "Java": "temurin",
        "Chromium": "google-chrome",
        "Node.js": "node",
        "npm": "node",
        "Poppler": "poppler",
    },
}
# Ubuntu (and Ubuntu in WSL): Debian's packages, but its Chromium is chromium-browser.
PACKAGES["ubuntu"] = {**PACKAGES["debian"], "Chromium": "chromium-browser"}
NEEDS = {"build": BUILD, "test": TEST}
FONT_DIRS = [
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
    "/System/Library/Fonts",
    "/Library/Fonts",
]
# The browser the tests drive: the CHROMIUM variable names one, else the first of these found.
BROWSER_COMMANDS = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]
BROWSER_APPS = [
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
]


def browser() -> str | None:
    """The path of Chromium or Google Chrome (Linux or macOS), or of the browser CHROMIUM names."""
    named = os.environ.get("CHROMIUM")
    if named:
        return shutil.which(named)
    found = [shutil.which(command) for command in BROWSER_COMMANDS] + [
        app for app in BROWSER_APPS if Path(app).exists()
    ]
    return next(filter(None, found), None)


def in_wsl(proc_version: Path = Path("/proc/version")) -> bool:
    """Linux in Windows (WSL): its kernel says "microsoft"."""
    try:
        return "microsoft" in proc_version.read_text().lower()
    except OSError:
        return False


def this_system(os_release: Path = Path("/etc/os-release")) -> str | None:
    """ "debian", "ubuntu" (with their kin), "fedora", "macos", or None."""
    if sys.platform == "darwin":
        return "macos"
    try:
        release = dict(line.split("=", 1) for line in os_release.read_text().splitlines() if "=" in line)
    except OSError:
        return None
    names = set(f"{release.get('ID', '')} {release.get('ID_LIKE', '')}".replace('"', "").split())
    if "ubuntu" in names:
        return "ubuntu"
    if "debian" in names:
        return "debian"
    return "fedora" if "fedora" in names else None


def linked_libraries() -> str | None:
    """The dynamic linker's list of libraries (``ldconfig -p``), which WeasyPrint's lookup reads on Linux."""
    ldconfig = shutil.which("ldconfig", path=f"{os.environ.get('PATH', '')}:/sbin:/usr/sbin")
    if sys.platform == "darwin" or not ldconfig:
        return None
    return subprocess.run([ldconfig, "-p"], capture_output=True, text=True).stdout


def has(kind: str, what: str, libraries: str | None) -> bool:
    if kind == "module":
        return importlib.util.find_spec(what) is not None  # no second python: it took 0.15 s of each make
    if kind == "library":
        if libraries is None:
            return ctypes.util.find_library(what) is not None
        return f"lib{what}.so" in libraries
    if kind == "font":
        return any(
            path.suffix.lower() in {".ttf", ".otf", ".ttc"}
            for folder in FONT_DIRS
            for path in Path(folder).expanduser().rglob("*")
        )
    if kind == "browser":
        return browser() is not None
    commands = what.split()
    found = next(filter(None, map(shutil.which, commands)), None)
    if found and sys.platform == "darwin" and commands == ["java"]:  # a java that says no Java is installed
        return subprocess.run([found, "-version"], capture_output=True).returncode == 0
    return found is not None


def missing(*groups: str) -> list[str]:
    libraries = linked_libraries()
    needs = {name: how for group in groups for name, how in NEEDS[group].items()}
    return [name for name, how in needs.items() if not has(*how, libraries)]


def missing_faster() -> list[str]:
    libraries = linked_libraries()
    return [name for name, how in FASTER.items() if not has(*how, libraries)]


def packages(names: list[str], system: str | None) -> list[str]:
    found = [PACKAGES[system][name] for name in names] if system else []
    return list(dict.fromkeys(package for package in found if package))


def install_command(package_names: list[str], system: str | None = None) -> str:
    """The command a person types to install the packages on this system."""
    system = system or this_system()
    sudo = "sudo " if os.geteuid() != 0 else ""
    words = " ".join(package_names)
    return {
        "debian": f"{sudo}apt-get install {words}",
        "ubuntu": f"{sudo}apt-get install {words}",
        "fedora": f"{sudo}dnf install {words}",
        "macos": f"brew install {words}",
    }[system]


def how_to_get(name: str) -> str:
    """For a message: the package that brings a need here, and the command that installs it."""
    system = this_system()
    found = packages([name], system)
    if not found:
        return "install it with your system's package manager"
    return f"install the package {found[0]} ({install_command(found, system)})"


def check(groups: list[str]) -> int:
    absent = missing(*groups)
    if not absent:
        return 0
    system = this_system()
    who = "The build needs" if set(absent) & set(BUILD) else "The tests need"
    names = ", ".join(absent[:-1]) + " and " + absent[-1] if len(absent) > 1 else absent[0]
    them = "them" if len(absent) > 1 else "it"
    here = " (Linux in Windows, WSL)" if in_wsl() else ""
    lines = [f"{who} {names}, which this computer{here} does not have yet."]
    if packages(absent, system):
        lines += [
            f"Install {them} with this command, or with `make system-packages`, which installs "
            "everything the build and the tests need:",
            f"    {install_command(packages(absent, system), system)}",
        ]
    elif in_wsl():
        lines += [
            "The guide knows Ubuntu's packages: install Ubuntu in WSL (in Windows' PowerShell: "
            "wsl --install -d Ubuntu), then run make in Ubuntu (EDITING.md, On Windows)."
        ]
    else:
        lines += [
            f"Install {them} with your system's package manager (the guide knows the packages "
            "of Debian, Ubuntu, Fedora and macOS's Homebrew)."
        ]
    print("\n".join(lines), file=sys.stderr)
    return 1


def install() -> int:
    """Install the packages for whatever the build and the tests lack, then check again."""
    system = this_system()
    needed = packages(missing("build", "test") + missing_faster(), system)
    if system is None:
        return check(["build", "test"])
    if needed:
        print(f"Installing system packages: {' '.join(needed)}")
        sudo = [] if system == "macos" or os.geteuid() == 0 else ["sudo"]
        if system in ("debian", "ubuntu"):
            env = ["env", "DEBIAN_FRONTEND=noninteractive"]
            subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True)
            subprocess.run(
                [*sudo, *env, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *needed],
                check=True,
            )
        elif system == "fedora":
            subprocess.run([*sudo, "dnf", "install", "-y", *needed], check=True)
        else:
            subprocess.run(["brew", "install", *needed], check=True)
    return check(["build", "test"])


def stop_make_too(signum: int) -> bool:
    """Run by make (GUIDE_MAKE_PID): see that make stops on the signal too, and say so.

    This recipe then ends with status 0, so make adds no line of its own. A Ctrl+C or a
    closed terminal reaches make as well. make stops with "wait: No child processes" when
    it has the signal twice, or when this process ends before make's handler runs (make
    then reaps it outside the handler, which waits for it again). So the signal is passed
    on only when make has not had it (a SIGTERM to this process alone), and this process
    ends once make is in its handler, waiting for it.
    """
    if os.environ.get("GUIDE_MAKE_PID") != str(os.getppid()):
        return False
    make = os.getppid()
    if not has_signal(make, signum):
        os.kill(make, signum)
    deadline = time.monotonic() + 5  # make takes it at once; the bound is for a make that never does
    while signal_state(make, signum) == "waiting" and time.monotonic() < deadline:
        time.sleep(0.005)
    return True


def signal_state(pid: int, signum: int) -> str | None:
    """Where the process is with the signal: "waiting" to take it, "blocked" while its handler
    runs, or None when it has not had it (read from Linux's /proc; where there is none, None)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return None
    bit = 1 << (signum - 1)
    fields = (line.partition(":") for line in status.splitlines())
    masks = {name: int(value, 16) for name, _, value in fields if name in ("SigPnd", "ShdPnd", "SigBlk")}
    if (masks["SigPnd"] | masks["ShdPnd"]) & bit:
        return "waiting"
    return "blocked" if masks["SigBlk"] & bit else None


def has_signal(pid: int, signum: int) -> bool:
    """Whether the process has the signal waiting, or blocked while its handler runs (Linux; elsewhere False:
    the signal is passed on)."""
    return signal_state(pid, signum) is not None


def stop_quietly(signum: int, frame) -> None:
    """Ctrl+C or a closed terminal during the check: one line, and make stops too (as guidebook/tools/build.py)."""
    print("\nBuild stopped; the last good output is unchanged.", file=sys.stderr)
    sys.exit(0 if stop_make_too(signum) else 128 + signum)


def main(argv: list[str]) -> int:
    for each in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(each) != signal.SIG_IGN:
            signal.signal(each, stop_quietly)
    if argv[:1] == ["install"]:
        return install()
    if argv[:1] == ["check"] and set(argv[1:]) <= set(NEEDS) and argv[1:]:
        return check(argv[1:])
    print(__doc__.strip(), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
