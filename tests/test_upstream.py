"""Files copied from an upstream package are checked against the installed original.

Each ``upstream.txt`` under guidebook/ lists the copies in its folder: our
file, the original (a path inside an installed package) and the original's
SHA-256 when it was copied, or "same" for a copy kept byte for byte. A version
bump that changes an original fails here, naming both files.
"""

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
