"""Setting up: the system check before building, the notice for a slower way, the editors and macOS."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from guidebook.tools import system
from test_publish import job_targets, load_workflow, make_targets_called

MAKE = shutil.which("make")
# Hides the HarfBuzz-Subset library from WeasyPrint, which opens its libraries with cffi's dlopen.
HIDE_HARFBUZZ_SUBSET = """
import cffi

load = cffi.FFI.dlopen


def dlopen(self, name, *args, **kwargs):
    if "harfbuzz-subset" in str(name):
        raise OSError(f"{name} is hidden by the test")
    return load(self, name, *args, **kwargs)


cffi.FFI.dlopen = dlopen
"""


def expected_command(*needs: str) -> str:
    command = system.install_command(system.packages(list(needs), system.this_system()))
    if Path("/etc/debian_version").exists():
        assert "apt-get install" in command
    return command


# ── A slower way is a notice, not an error ──────────────────────────────────


def test_pdf_builds_without_harfbuzz_subset_and_names_the_package_once(tmp_path):
    """On the small book of tests/roots/test-markup: the notice needs a PDF, not the whole book."""
    (tmp_path / "sitecustomize.py").write_text(HIDE_HARFBUZZ_SUBSET)
    paths = [str(tmp_path), str(ROOT), str(ROOT / "tests"), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "build",
            "-b",
            "pdf",
            "-W",
            "-q",
            "-d",
            str(tmp_path / "doctrees"),
            str(ROOT / "tests" / "roots" / "test-markup"),
            str(tmp_path / "out"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, log
    assert (tmp_path / "out" / "small-book.pdf").exists()
    notices = re.findall(r"^Notice: WeasyPrint made the PDF without HarfBuzz-Subset.*$", log, re.MULTILINE)
    assert len(notices) == 1, log
    assert "run `make system-packages`, which installs it" in notices[0]  # it knows the package


# ── make checks the system first ─────────────────────────────────────────────


def test_make_stops_before_building_when_a_library_is_missing(tmp_path):
    """A fake ldconfig that lists no library: the dynamic linker's list is where the check looks."""
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "ldconfig").write_text("#!/bin/sh\nexit 0\n")
    (fake / "ldconfig").chmod(0o755)
    out = tmp_path / "out"
    result = subprocess.run(
        [MAKE, "all", f"OUT={out}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": f"{fake}{os.pathsep}{os.environ['PATH']}"},
    )
    assert result.returncode != 0
    assert "The build needs Pango, PangoFT2 and HarfBuzz" in result.stderr
    assert expected_command("Pango", "PangoFT2", "HarfBuzz") in result.stderr
    # stopped before building: the output folder holds at most the lock a build takes first
    assert not out.exists() or [path.name for path in out.iterdir()] == [".lock"], "the build started"


def test_make_test_stops_before_testing_when_a_tool_is_missing(tmp_path):
    """A PATH with no tools on it: the tests' Java, Chromium, Node.js, npm and Poppler are missing."""
    result = subprocess.run(
        [MAKE, "test", f"PYTHON={sys.executable}", "PYTEST_ARGS=--collect-only"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": str(tmp_path)},
    )
    assert result.returncode != 0
    assert "The tests need Java, Chromium, Node.js, npm and Poppler" in result.stderr
    assert expected_command("Java", "Chromium", "Node.js", "npm", "Poppler") in result.stderr
    assert "collected" not in result.stdout, "the tests started"


@pytest.mark.parametrize(
    "release, expected",
    [
        ('ID=debian\nVERSION_ID="12"', "debian"),
        ("ID=ubuntu\nID_LIKE=debian", "ubuntu"),
        ('ID=linuxmint\nID_LIKE="ubuntu debian"', "ubuntu"),
        ("ID=fedora", "fedora"),
        ('ID="arch"', None),
    ],
)
def test_the_system_is_read_from_os_release(tmp_path, release, expected):
    (tmp_path / "os-release").write_text(release + "\n")
    assert system.this_system(tmp_path / "os-release") == expected


def test_every_system_has_a_package_or_its_own_for_every_need():
    needs = {*system.BUILD, *system.FASTER, *system.TEST}
    for name, packages in system.PACKAGES.items():
        assert set(packages) == needs, name


# ── Editing in the browser ───────────────────────────────────────────────────


def test_devcontainer_builds_with_make_and_forwards_the_live_preview():
    config = json.loads((ROOT / ".devcontainer" / "devcontainer.json").read_text())
    assert re.search(r"bookworm|trixie|debian", config["image"]), "a Debian-based image"
    commands = [config[key] for key in ("onCreateCommand", "postCreateCommand")]
    assert make_targets_called(commands) == ["system-packages", "all"]
    live_port = int(
        re.search(r"^LIVE_PORT \?= (\d+)$", (ROOT / "Makefile").read_text(), re.MULTILINE).group(1)
    )
    assert config["forwardPorts"] == [live_port]
    assert "make live" in config["portsAttributes"][str(live_port)]["label"]


# ── macOS ────────────────────────────────────────────────────────────────────


def test_a_workflow_builds_on_macos_with_homebrew():
    jobs = [job for job in load_workflow("macos.yml")["jobs"].values() if job["runs-on"] == "macos-latest"]
    assert [job_targets(job) for job in jobs] == [["system-packages", "all", "test"]]
    assert "container" not in jobs[0]


def test_the_browser_is_found_in_one_place_where_linux_and_macos_put_it(tmp_path, monkeypatch):
    app = tmp_path / "Google Chrome.app/Contents/MacOS/Google Chrome"
    app.parent.mkdir(parents=True)
    app.write_text("#!/bin/sh\n")
    app.chmod(0o755)
    monkeypatch.delenv("CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(system, "BROWSER_APPS", [str(tmp_path / "Chromium.app/Contents/MacOS/Chromium")])
    assert system.browser() is None
    monkeypatch.setattr(system, "BROWSER_APPS", [str(app)])
    assert system.browser() == str(app)
    monkeypatch.setenv("CHROMIUM", str(app))  # a variable names it
    assert system.browser() == str(app)
    monkeypatch.setenv("CHROMIUM", str(tmp_path / "no-such-browser"))
    assert system.browser() is None


def test_no_test_or_benchmark_names_the_browser_path_itself():
    linux_path = "/usr/bin/" + "chromium"  # written so, as this file would match it
    sources = [*ROOT.glob("tests/*.py"), *ROOT.glob("benchmarks/*.py"), *ROOT.glob("guidebook/**/*.py")]
    assert [path.name for path in sources if linux_path in path.read_text(encoding="utf-8")] == []


def test_wsl_is_recognised_and_gets_the_ubuntu_command(tmp_path, monkeypatch, capsys):
    version = tmp_path / "version"
    version.write_text(
        "Linux version 5.15.167.4-microsoft-standard-WSL2 (root@f9c826d3017f) (gcc (GCC) 11.2.0)\n"
    )
    assert system.in_wsl(version)
    version.write_text("Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org)\n")
    assert not system.in_wsl(version)
    monkeypatch.setattr(system, "in_wsl", lambda: True)
    monkeypatch.setattr(system, "missing", lambda *groups: ["Chromium"])
    monkeypatch.setattr(system, "this_system", lambda: "ubuntu")
    assert system.check(["test"]) == 1
    message = capsys.readouterr().err
    assert "(Linux in Windows, WSL)" in message and "apt-get install chromium-browser" in message
    monkeypatch.setattr(system, "this_system", lambda: None)  # another Linux in WSL
    system.check(["test"])
    assert "wsl --install -d Ubuntu" in capsys.readouterr().err
