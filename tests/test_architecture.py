"""The package's layers import only downward: foundation <- build <- query <- views <- web <- cli.

Each subpackage's ``__init__`` says what it may import; this test reads every module's import
statements (including imports inside functions) and fails with the offending line, so a new
upward import is caught when it is written, not when a cycle bites.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "mgkg"

#: Layer of each top-level part of ``mgkg``; a module may import its own layer or lower ones.
LAYERS: dict[str, int] = {
    "errors": 0,
    "prefixes": 0,
    "layout": 0,
    "vocab": 0,
    "build": 1,
    "query": 2,
    "views": 3,
    "web": 4,
    "api": 5,
    "cli": 5,
    "__main__": 6,
}


def _part(module: str) -> str:
    return module.split(".")[1] if module.startswith("mgkg.") else module


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "mgkg":
                found += [(node.lineno, f"mgkg.{alias.name}") for alias in node.names]
            elif node.module.startswith("mgkg."):
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}:{node.lineno}: use absolute imports (from mgkg.x import ...)")
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.startswith("mgkg.")]
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_part_has_a_layer():
    parts = {p.relative_to(PACKAGE).parts[0].removesuffix(".py") for p in MODULES} - {"__init__"}
    assert parts <= set(LAYERS), f"give these a layer in LAYERS: {sorted(parts - set(LAYERS))}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down(path: Path):
    own = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
    if own == "__init__":
        return
    upward = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: imports {module} (layer {LAYERS[_part(module)]}) "
        f"from layer {LAYERS[own]} ({own})"
        for line, module in _imports(path)
        if LAYERS[_part(module)] > LAYERS[own]
    ]
    assert not upward, "upward imports (move the shared code down a layer):\n" + "\n".join(upward)


def test_no_module_imports_another_modules_private_names():
    private = []
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("mgkg"):
                private += [
                    f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: {node.module}.{a.name}"
                    for a in node.names
                    if a.name.startswith("_")
                ]
    assert not private, "make these public (or move them where they are used):\n" + "\n".join(private)
