"""The house's rules, held against the code (docs/architecture.md): imports go down the layers only,
no import circle between modules, no module past ~900 lines, and no comparison of a database's
name outside schemaguard/dialects/ (the linter keeps its own --dialect handling)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "schemaguard"

# Bottom to top. A module may import its own layer and the ones below it, never one above.
LAYERS = ["errors", "schema", "dialects", "live", "sources", "drift", "rules", "lint", "checking", "plan",
          "apply", "report", "cli"]
# Entry points sit above everything: the public API's lazy table and `python -m`.
TOP = {"schemaguard", "schemaguard.__main__", "schemaguard.lint.__main__"}


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _imports(name: str, path: Path) -> set[str]:
    """Every schemaguard module a module imports, at its top or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("schemaguard"):
                found.add(target)
                found.update(f"{target}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("schemaguard"))
    modules = _modules()
    return {t for t in found if t in modules}


def _layer(module: str) -> int:
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else len(LAYERS)


def test_imports_go_down_the_layers_only() -> None:
    upward = []
    for name, path in _modules().items():
        if name in TOP:
            continue
        for target in _imports(name, path):
            if target == "schemaguard":
                continue  # the package's own __init__: __version__ (the API in it is lazy)
            if _layer(target) > _layer(name):
                upward.append(f"{name} -> {target}")
    assert upward == []


def test_no_import_circle_between_modules() -> None:
    modules = _modules()
    graph = {name: {t for t in _imports(name, path) if t != name} for name, path in modules.items()
             if name not in TOP}
    # A package's __init__ re-exporting its own modules is not a circle with them.
    for name in graph:
        graph[name] = {t for t in graph[name] if not name.startswith(t + ".")}
    circles = []
    for start in graph:
        stack, seen = [(start, [start])], set()
        while stack:
            node, trail = stack.pop()
            for nxt in graph.get(node, ()):
                if nxt == start:
                    circles.append(" -> ".join([*trail, start]))
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, [*trail, nxt]))
    assert circles == []


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_past_900_lines(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 900


_NAME_TEST = re.compile(
    r"""(==|!=|\bin)\s*\(?\s*["'](postgresql|postgres|sqlite|mysql|mariadb)["']"""
    r"""|["'](postgresql|postgres|sqlite|mysql|mariadb)["']\s*(==|!=)"""
    r"""|get_backend_name\(\)\s*(==|!=)|drivername\s*(==|!=)"""
)


def test_database_names_are_compared_only_in_the_dialects() -> None:
    found = []
    for name, path in _modules().items():
        if name.startswith(("schemaguard.dialects", "schemaguard.lint")) or name == "schemaguard.cli.lint":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if _NAME_TEST.search(line.split("#", 1)[0]):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{number}: {line.strip()}")
    assert found == []


def test_the_checks_above_would_see_a_violation(tmp_path: Path) -> None:
    """The import reader and the name test find what they are for (a check that cannot fail is none)."""
    bad = tmp_path / "x.py"
    bad.write_text("from ..cli.app import main\nif dialect.name == 'sqlite':\n    pass\n")
    assert "schemaguard.cli.app" in _imports("schemaguard.schema.x", bad)
    assert _layer("schemaguard.cli.app") > _layer("schemaguard.schema.x")
    assert _NAME_TEST.search("if dialect.name == 'sqlite':")
    assert _NAME_TEST.search('elif name in ("mysql", "mariadb"):')
    assert not _NAME_TEST.search("dialect_named('sqlite')")
