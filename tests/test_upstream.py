"""The guide uses upstream packages through their public API only, and checks what it copies.

No name starting with "_" is taken from another package, and no upstream
class or function is replaced.

Files copied from an upstream package are checked against the installed original.

Each ``upstream.txt`` under guidebook/ lists the copies in its folder: our
file, the original (a path inside an installed package) and the original's
SHA-256 when it was copied, or "same" for a copy kept byte for byte. A version
bump that changes an original fails here, naming both files.
"""

import ast
import hashlib
import importlib.util
from pathlib import Path

from conftest import ROOT

MANIFESTS = sorted((ROOT / "guidebook").rglob("upstream.txt"))


def installed(path: str) -> Path:
    package, _, rest = path.partition("/")
    return Path(importlib.util.find_spec(package).submodule_search_locations[0], rest)


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def copy_problems(manifest: Path) -> list[str]:
    problems = []
    for line in manifest.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        ours, original, expected = line.split()
        ours, original = manifest.parent / ours, installed(original)
        if not original.is_file():
            problems.append(f"{original} is gone upstream: {shown(ours)} was copied from it")
            continue
        if expected == "same":
            changed = ours.read_bytes() != original.read_bytes()
        else:
            changed = hashlib.sha256(original.read_bytes()).hexdigest() != expected
        if changed:
            problems.append(
                f"{original} changed upstream: compare it with {shown(ours)}, carry over "
                f"what changed, then update {shown(manifest)}"
            )
    return problems


def test_every_copy_of_an_upstream_file_matches_the_installed_original():
    assert MANIFESTS, "the EPUB package templates are copies of Sphinx's: their manifest is missing"
    problems = [problem for manifest in MANIFESTS for problem in copy_problems(manifest)]
    assert not problems, "\n".join(problems)


def test_a_changed_original_is_named_with_its_copy(tmp_path):
    manifest = next(m for m in MANIFESTS if "epub" in m.parts)
    copy = tmp_path / manifest.relative_to(ROOT)
    copy.parent.mkdir(parents=True)
    for file in manifest.parent.iterdir():
        copy.parent.joinpath(file.name).write_bytes(file.read_bytes())
    lines = copy.read_text(encoding="utf-8").replace(" same", " " + "0" * 64, 1)
    copy.write_text(lines, encoding="utf-8")
    problems = copy_problems(copy)
    assert len(problems) == 1 and "sphinx/templates/epub3/container.xml changed upstream" in problems[0]


UPSTREAM = ("sphinx", "docutils", "furo", "sphinx_design", "sphinx_autobuild", "weasyprint", "myst_parser")


def private_uses(path: Path) -> list[str]:
    """Private names an extension module reaches for: imported, or an attribute of anything not its own."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in UPSTREAM:
            parts = [*node.module.split("."), *(alias.name for alias in node.names)]
            found += [f"line {node.lineno}: {name}" for name in parts if name.startswith("_")]
        elif isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.endswith("__"):
            if not (isinstance(node.value, ast.Name) and node.value.id in {"self", "cls"}):
                found.append(f"line {node.lineno}: .{node.attr}")
        elif isinstance(node, ast.Attribute) and node.attr == "__dict__":
            found.append(f"line {node.lineno}: .__dict__")
        elif isinstance(node, ast.Assign):  # module.Name = ours: replacing an upstream object
            for target in node.targets:
                if (
                    isinstance(target, ast.Attribute)
                    and isinstance(target.value, ast.Name)
                    and target.value.id
                    in {"sphinx", "docutils", "furo", "autobuild", "weasyprint", "directives", "roles"}
                ):
                    found.append(f"line {node.lineno}: replaces {target.value.id}.{target.attr}")
    return found


def test_the_extension_uses_no_private_upstream_name():
    modules = sorted((ROOT / "guidebook").rglob("*.py"))
    assert len(modules) > 20
    found = {shown(path): uses for path in modules if (uses := private_uses(path))}
    assert not found, found


def test_the_private_name_check_sees_what_it_must(tmp_path):
    module = tmp_path / "ext.py"
    module.write_text(
        "from sphinx.util import _private\n"
        "from docutils.parsers.rst import directives\n"
        "names = directives._directives\n"
        "state = app.builder.__dict__\n"
        "directives.directive = None\n"
        "self._mine = 1\n",
        encoding="utf-8",
    )
    assert sorted(use.split(":")[0] for use in private_uses(module)) == [
        "line 1",
        "line 3",
        "line 4",
        "line 5",
    ]
