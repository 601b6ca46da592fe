"""Publishing: the workflows, Read the Docs, the release files and what the site holds."""

import base64
import hashlib
import re
import zipfile

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import BOOK, EPOCH, OVERRIDES, ROOT, SLUG
from guidebook.tools import dist, system

WORKFLOWS = ROOT / ".github" / "workflows"
# The only actions the workflows may use: GitHub's own (actions/…), each at a major version.
GITHUB_ACTION = re.compile(r"actions/[a-z-]+@v\d+")


def makefile_targets() -> set[str]:
    return set(re.findall(r"^([a-z][a-z-]*):", (ROOT / "Makefile").read_text(), re.MULTILINE))


def ci_packages() -> set[str]:
    """The Debian and Ubuntu packages `make system-packages` installs."""
    return set(system.PACKAGES["debian"].values())


def load_workflow(name: str) -> dict:
    workflow = yaml.safe_load((WORKFLOWS / name).read_text())
    # YAML 1.1 reads the key `on` as True
    workflow["on"] = workflow.pop(True, workflow.get("on"))
    return workflow


def make_targets_called(commands: list[str]) -> list[str]:
    """The Makefile target each command calls; fails on anything but `make <target>`."""
    targets = []
    for command in commands:
        match = re.fullmatch(r"make ([a-z][a-z-]*)", command.strip())
        assert match, f"{command!r} is not a bare `make <target>`: put the commands in the Makefile"
        assert match.group(1) in makefile_targets(), f"the Makefile has no target {match.group(1)!r}"
        targets.append(match.group(1))
    return targets


def job_targets(job: dict) -> list[str]:
    for step in job["steps"]:
        assert set(step) <= {"name", "id", "if", "run", "uses", "with"}, f"unexpected keys in step {step}"
        assert ("run" in step) != ("uses" in step), f"a step either runs make or uses an action: {step}"
        if "uses" in step:
            assert GITHUB_ACTION.fullmatch(step["uses"]), f"unexpected action {step['uses']}"
    return make_targets_called([step["run"] for step in job["steps"] if "run" in step])


# ── GitHub workflows ─────────────────────────────────────────────────────────


def test_pages_workflow_tests_builds_and_deploys_the_site_on_push_to_main():
    workflow = load_workflow("pages.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert job_targets(build) == ["system-packages", "test", "all"]
    upload = [
        step for step in build["steps"] if step.get("uses", "").startswith("actions/upload-pages-artifact")
    ]
    assert [step["with"]["path"] for step in upload] == ["_build/html"]
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert [step["uses"] for step in deploy["steps"]] == ["actions/deploy-pages@v4"]
    assert workflow["permissions"] == {"contents": "read"}


def test_ci_workflow_tests_and_builds_pull_requests_and_keeps_the_outputs():
    workflow = load_workflow("ci.yml")
    assert set(workflow["on"]) == {"pull_request"}
    assert [job_targets(job) for job in workflow["jobs"].values()] == [["system-packages", "test", "all"]]
    steps = workflow["jobs"]["test"]["steps"]
    upload = [step for step in steps if step.get("uses", "").startswith("actions/upload-artifact")]
    assert len(upload) == 1 and steps[-1] == upload[0], "the outputs are uploaded after `make all`"
    assert set(upload[0]["with"]["path"].split()) == {"_build/html", "_build/pdf/*.pdf", "_build/epub/*.epub"}


@pytest.mark.parametrize("name", sorted(p.name for p in WORKFLOWS.glob("*.yml")))
def test_every_workflow_calls_only_makefile_targets(name):
    workflow = load_workflow(name)
    for job in workflow["jobs"].values():
        if "steps" in job:
            job_targets(job)
    assert "apt-get" not in (WORKFLOWS / name).read_text()


def test_the_workflows_call_only_makefile_targets_check_can_fail():
    with pytest.raises(AssertionError, match="not a bare"):
        job_targets({"steps": [{"run": "pip install -r requirements.txt && pytest"}]})
    with pytest.raises(AssertionError, match="no target"):
        job_targets({"steps": [{"run": "make deploy-everything"}]})
    with pytest.raises(AssertionError, match="unexpected action"):
        job_targets({"steps": [{"uses": "someone/deploy@main"}]})


def test_workflows_install_system_packages_with_the_ci_script():
    """One list of system packages per system (system.py), installed by .ci/run through `make system-packages`."""
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^system-packages:.*\n\t@?bash \.ci/run --install-only$", makefile, re.MULTILINE)
    for name in ("pages.yml", "ci.yml"):
        assert "system-packages" in job_targets(next(iter(load_workflow(name)["jobs"].values())))


def test_readme_apt_get_line_lists_the_ci_packages():
    line = re.search(r"apt-get install (.+)", (ROOT / "README.md").read_text()).group(1)
    assert set(line.split()) == ci_packages(), (
        "the README's apt-get line and system.py's Debian packages must agree"
    )


# ── Read the Docs ────────────────────────────────────────────────────────────
# The platform's JSON schema cannot be downloaded here, so this is a strict
# structural check written from its configuration reference (version 2): only
# the keys it knows, with their types and allowed values, and the rule that
# `build.commands` replaces `build.jobs` and the Sphinx/Python/formats settings.

RTD_OS = {"ubuntu-20.04", "ubuntu-22.04", "ubuntu-24.04", "ubuntu-lts-latest"}
RTD_PYTHON = {"3", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "latest"}
RTD_TOP_KEYS = {"version", "build", "formats", "python", "sphinx", "mkdocs", "conda", "submodules", "search"}
RTD_BUILD_KEYS = {"os", "tools", "apt_packages", "jobs", "commands"}
RTD_TOOLS = {"python", "nodejs", "ruby", "rust", "golang"}
RTD_APT_NAME = re.compile(r"[a-z0-9][a-z0-9.+-]*")


def check_readthedocs_config(config: dict) -> None:
    assert isinstance(config, dict), "the file must be a mapping"
    assert set(config) <= RTD_TOP_KEYS, f"unknown keys: {set(config) - RTD_TOP_KEYS}"
    assert config.get("version") == 2, "version: 2 is required"
    build = config.get("build")
    assert isinstance(build, dict), "build: is required"
    assert set(build) <= RTD_BUILD_KEYS, f"unknown build keys: {set(build) - RTD_BUILD_KEYS}"
    assert build.get("os") in RTD_OS, f"build.os must be one of {sorted(RTD_OS)}"
    tools = build.get("tools")
    assert isinstance(tools, dict) and tools, "build.tools needs at least one tool"
    assert set(tools) <= RTD_TOOLS, f"unknown tools: {set(tools) - RTD_TOOLS}"
    assert "python" not in tools or tools["python"] in RTD_PYTHON, (
        'build.tools.python must be a string like "3.11"'
    )
    apt = build.get("apt_packages", [])
    assert isinstance(apt, list) and all(isinstance(p, str) and RTD_APT_NAME.fullmatch(p) for p in apt)
    commands = build.get("commands")
    if commands is not None:
        assert isinstance(commands, list) and commands and all(isinstance(c, str) for c in commands)
        clash = {"jobs"} & set(build) | {"python", "sphinx", "mkdocs", "formats", "conda"} & set(config)
        assert not clash, f"build.commands cannot be used with {clash}"


def test_readthedocs_config_is_valid_and_calls_only_make():
    config = yaml.safe_load((ROOT / ".readthedocs.yaml").read_text())
    check_readthedocs_config(config)
    assert make_targets_called(config["build"]["commands"]) == ["readthedocs"]
    assert config["build"]["tools"]["python"] == "3.11"


def test_readthedocs_apt_packages_come_from_the_ci_list():
    apt = yaml.safe_load((ROOT / ".readthedocs.yaml").read_text())["build"]["apt_packages"]
    assert {"libpango-1.0-0", "libpangoft2-1.0-0"} <= set(apt)
    assert set(apt) <= ci_packages(), f"not in system.py's Debian packages: {set(apt) - ci_packages()}"


@pytest.mark.parametrize(
    "config, problem",
    [
        ({"version": 2}, "build: is required"),
        ({"version": 1, "build": {"os": "ubuntu-24.04", "tools": {"python": "3.11"}}}, "version"),
        ({"version": 2, "build": {"os": "ubuntu-99.04", "tools": {"python": "3.11"}}}, "build.os"),
        ({"version": 2, "build": {"os": "ubuntu-24.04", "tools": {"python": 3.11}}}, "build.tools.python"),
        (
            {"version": 2, "build": {"os": "ubuntu-24.04", "tools": {"python": "3.11"}, "command": ["make"]}},
            "unknown",
        ),
        (
            {
                "version": 2,
                "formats": "all",
                "build": {
                    "os": "ubuntu-24.04",
                    "tools": {"python": "3.11"},
                    "commands": ["make readthedocs"],
                },
            },
            "cannot be used",
        ),
    ],
)
def test_the_readthedocs_check_is_strict(config, problem):
    with pytest.raises(AssertionError, match=re.escape(problem)):
        check_readthedocs_config(config)


def test_readthedocs_gets_the_site_and_one_file_per_download(book, tmp_path):
    dist.copy_for_readthedocs(book.out, tmp_path)
    assert (tmp_path / "html" / "index.html").is_file()
    assert (tmp_path / "html" / "downloads" / f"{SLUG}.pdf").is_file()
    assert [p.name for p in (tmp_path / "pdf").iterdir()] == [f"{SLUG}.pdf"]
    assert [p.name for p in (tmp_path / "epub").iterdir()] == [f"{SLUG}.epub"]


# ── Release files (make dist) ────────────────────────────────────────────────


def release_files(name: str) -> list[str]:
    """The files of a release, each with its SHA-256 sum: the ebooks, the website and the paperback."""
    return [
        f"{name}.zip",
        f"{name}.pdf",
        f"{name}.epub",
        f"{name}-print-interior.pdf",
        f"{name}-print-cover.pdf",
    ]


def test_dist_writes_the_named_release_with_checksums(book, tmp_path):
    name = dist.release_name(SLUG, BOOK["book_edition"])
    assert name == f"{SLUG}-{BOOK['book_edition']}"
    files = dist.package(book.out, tmp_path / "dist", name, epoch=EPOCH)
    assert sorted(p.name for p in (tmp_path / "dist").iterdir()) == sorted(
        [*release_files(name), f"{name}.sha256"]
    )
    sums = dict(line.split("  ")[::-1] for line in files[-1].read_text().splitlines())
    assert sorted(sums) == sorted(release_files(name))
    for filename, digest in sums.items():
        assert re.fullmatch(r"[0-9a-f]{64}", digest)
        assert hashlib.sha256((tmp_path / "dist" / filename).read_bytes()).hexdigest() == digest
    assert (tmp_path / "dist" / f"{name}.pdf").read_bytes() == book.pdf.read_bytes()
    assert (tmp_path / "dist" / f"{name}.epub").read_bytes() == book.epub.read_bytes()
    assert (tmp_path / "dist" / f"{name}-print-cover.pdf").read_bytes() == book.print_cover.read_bytes()
    with zipfile.ZipFile(tmp_path / "dist" / f"{name}.zip") as site:
        names = site.namelist()
        assert f"{name}/index.html" in names and f"{name}/downloads/{SLUG}.epub" in names
        assert all(n.startswith(f"{name}/") for n in names)
        assert {info.date_time for info in site.infolist()} == {(2026, 1, 1, 0, 0, 0)}


def test_dist_zip_is_reproducible(book, tmp_path):
    first = dist.package(book.out, tmp_path / "one", "x-1", epoch=EPOCH)[0]
    second = dist.package(book.out, tmp_path / "two", "x-1", epoch=EPOCH)[0]
    assert first.read_bytes() == second.read_bytes()


def test_the_edition_names_the_release_and_can_be_overridden():
    assert dist.book_settings(["book_edition=2.0"])["book_edition"] == "2.0"
    assert dist.book_settings()["book_edition"] == BOOK["book_edition"]
    with pytest.raises(ValueError, match="book_edition"):
        dist.release_name(SLUG, "1.0 final/draft")


def test_dist_command_builds_and_names_the_release_by_the_edition(overridden):
    """`make dist` with -D book_edition=9.9 (the session's build with overridden settings)."""
    edition = OVERRIDES["book_edition"]
    release = f"{SLUG}-{edition}"
    assert sorted(p.name for p in (overridden.out / "dist").iterdir()) == sorted(
        [*release_files(release), f"{release}.sha256"]
    )
    assert f"Release {release}:" in overridden.log


# ── What the published site holds ────────────────────────────────────────────

STRAY_NAMES = {".buildinfo.bak", "_sources", ".doctrees", "doctrees", "environment.pickle"}
SOURCE_SUFFIXES = {".md", ".rst", ".py", ".pickle", ".doctree", ".ipynb"}


def test_site_has_no_build_or_source_files(book):
    paths = [path for path in book.html.rglob("*") if path.is_file()]  # Sphinx leaves _sources/ empty
    stray = [
        p for p in paths if p.name in STRAY_NAMES or p.suffix in SOURCE_SUFFIXES or p.name.endswith(".md.txt")
    ]
    assert not stray, f"build or source files in the published site: {stray}"
    # .buildinfo is Sphinx's record of the settings the pages were made with
    hidden = [p for p in paths if p.name.startswith(".") and p.name != ".buildinfo"]
    assert not hidden, f"hidden files in the published site: {hidden}"
    # search needs its index; objects.inv lets a later book link to this one's sections
    assert (book.html / "searchindex.js").is_file()
    assert (book.html / "objects.inv").is_file()


# ── Content-Security-Policy ──────────────────────────────────────────────────


def csp_directives(policy: str) -> dict[str, list[str]]:
    parts = [part.split() for part in policy.split(";") if part.strip()]
    return {part[0]: part[1:] for part in parts}


def test_every_page_carries_a_strict_content_security_policy(book):
    pages = sorted(book.html.rglob("*.html"))
    assert len(pages) > 5
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
        metas = soup.find_all("meta", attrs={"http-equiv": re.compile("^content-security-policy$", re.I)})
        assert len(metas) == 1, f"{page.name}: {len(metas)} Content-Security-Policy meta tags"
        meta = metas[0]
        assert meta.parent.name == "head", f"{page.name}: the CSP must be in <head>"
        # a meta CSP only covers what comes after it
        earlier = [tag.name for tag in meta.find_all_previous(["script", "link", "style"])]
        assert not earlier, f"{page.name}: {earlier} come before the Content-Security-Policy"
        policy = csp_directives(meta["content"])
        assert policy["default-src"] in (["'none'"], ["'self'"]), page.name
        for directive, sources in policy.items():
            for source in sources:
                assert source in ("'self'", "'none'", "data:") or source.startswith("'sha256-"), (
                    f"{page.name}: {directive} allows {source}: only the site's own files may load"
                )
        assert "data:" not in policy.get("script-src", []), page.name
        allowed_hashes = {
            s[len("'sha256-") : -1] for s in policy.get("script-src", []) if s.startswith("'sha256-")
        }
        for script in soup.find_all("script", src=False):
            if script.get("type", "text/javascript") not in ("text/javascript", "module"):
                continue  # data, such as JSON-LD, is not run
            digest = base64.b64encode(hashlib.sha256(script.string.encode()).digest()).decode()
            assert digest in allowed_hashes, f"{page.name}: an inline script is not allowed by its hash"
