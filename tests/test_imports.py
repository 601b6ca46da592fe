"""Imports follow the data: the extension never imports the command-line tools, nor one output another."""

import ast

from conftest import ROOT

PACKAGE = ROOT / "guidebook"


def imports(path) -> set[str]:
    """Every module a file imports, at its top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def extension_modules():
    return [path for path in sorted(PACKAGE.rglob("*.py")) if "tools" not in path.relative_to(PACKAGE).parts]


def test_no_module_of_the_extension_imports_the_tools():
    wrong = {
        path.relative_to(ROOT).as_posix(): sorted(m for m in imports(path) if m.startswith("guidebook.tools"))
        for path in extension_modules()
    }
    assert {path: found for path, found in wrong.items() if found} == {}


def test_the_epub_does_not_import_the_pdf():
    for path in (PACKAGE / "epub").rglob("*.py"):
        assert not any(m.startswith("guidebook.pdf") for m in imports(path)), path.name


def test_the_extension_ships_no_code_only_the_tests_use():
    used = set().union(*(imports(path) for path in ROOT.glob("guidebook/**/*.py")), imports(ROOT / "conf.py"))
    used |= {
        f"guidebook.{name}" for name in ("settings", "build_date")
    }  # loaded by name (guidebook/__init__.py)
    for path in extension_modules():
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        if module.count(".") >= 2:
            parent = module.rsplit(".", 1)[0]
            setup = (ROOT / parent.replace(".", "/") / "__init__.py").read_text(encoding="utf-8")
            assert module in used or f'"{module}"' in setup, f"{module}: only the tests use it"
