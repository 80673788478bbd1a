"""Layers import downwards only: no import circle among checker's modules, not even one dodged by importing
inside a function, and only the top layer (engine, site run, CLI, pytest plugin) imports the check families.

The graph is read from the source with :mod:`ast`, so a circle is caught even where Python would not fail
(an import inside a function runs after both modules have loaded). Imports under ``if TYPE_CHECKING:`` are
not counted for circles (they never run) but are counted for the layer rule.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

CHECKER = Path(__file__).resolve().parent.parent / "checker"

CHECKS = "checker.checks"
TOP_LAYER = frozenset({
    "checker.__main__", "checker.cli", "checker.cli_links", "checker.engine", "checker.site_run",
    "checker.pytest_plugin", "checker.pytest_items",
    # The demo benchmark harness: runs the engine and compares its findings with the ground truth.
    "checker.demo.fault_run", "checker.demo.truth",
})
"""The modules above the check families, which may import ``checker.checks`` (besides the families)."""


@dataclass(frozen=True)
class Import:
    """One import of a package module by another, where it is written and how it runs."""

    importer: str
    imported: str
    line: int
    in_function: bool
    type_only: bool

    def where(self, root: Path) -> str:
        """``checker/schemes.py:46 (inside a function)``."""
        path = module_files(root)[self.importer].relative_to(root.parent)
        return f"{path}:{self.line}" + (" (inside a function)" if self.in_function else "")


def module_files(root: Path) -> dict[str, Path]:
    """Every module of the package at ``root`` by dotted name (a package by its ``__init__.py``)."""
    modules = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


class _Collector(ast.NodeVisitor):
    """The imports of one module, each marked as run inside a function and/or only while type checking."""

    def __init__(self, module: str, is_package: bool) -> None:
        self.module = module
        self.package = module if is_package else module.rpartition(".")[0]
        self.found: list[tuple[str, int, bool, bool]] = []
        self._functions = 0
        self._type_only = 0

    def _add(self, name: str, line: int) -> None:
        self.found.append((name, line, self._functions > 0, self._type_only > 0))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(alias.name, node.lineno)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = node.module or ""
        if node.level:
            parts = self.package.split(".")[: len(self.package.split(".")) - (node.level - 1)]
            base = ".".join([*parts, base] if base else parts)
        for alias in node.names:
            self._add(f"{base}.{alias.name}", node.lineno)  # a submodule, or a name resolved to ``base`` below
            self._add(base, node.lineno)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        self._functions += 1
        self.generic_visit(node)
        self._functions -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function

    def visit_If(self, node: ast.If) -> None:
        if _is_type_checking(node.test):
            self._type_only += 1
            for child in node.body:
                self.visit(child)
            self._type_only -= 1
            for child in node.orelse:
                self.visit(child)
        else:
            self.generic_visit(node)


def import_graph(root: Path) -> list[Import]:
    """Every import of one of the package's modules by another, including the packages an import loads on
    the way (``import a.b.c`` runs ``a/__init__.py`` and ``a/b/__init__.py`` first)."""
    modules = module_files(root)
    imports: dict[tuple[str, str, int], Import] = {}
    for module, path in modules.items():
        collector = _Collector(module, path.name == "__init__.py")
        collector.visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
        for name, line, in_function, type_only in collector.found:
            if name not in modules:
                continue  # a name inside a module (``from a.b import f``), or outside the package
            parts = name.split(".")
            for cut in range(1, len(parts) + 1):
                target = ".".join(parts[:cut])
                if target == module or module.startswith(target + "."):
                    continue  # a module's own packages are loaded before it
                key = (module, target, line)
                if key not in imports or (imports[key].in_function and not in_function):
                    imports[key] = Import(module, target, line, in_function, type_only)
    return sorted(imports.values(), key=lambda i: (i.importer, i.line, i.imported))


def find_cycle(imports: list[Import]) -> list[Import]:
    """One import circle (the imports that close it, in order), or ``[]`` when there is none."""
    edges: dict[str, list[Import]] = {}
    for edge in imports:
        edges.setdefault(edge.importer, []).append(edge)
    done: set[str] = set()

    def walk(module: str, path: list[Import], on_path: dict[str, int]) -> list[Import]:
        for edge in edges.get(module, []):
            if edge.imported in on_path:
                return [*path[on_path[edge.imported]:], edge]
            if edge.imported in done:
                continue
            on_path[edge.imported] = len(path) + 1
            found = walk(edge.imported, [*path, edge], on_path)
            if found:
                return found
            del on_path[edge.imported]
            done.add(edge.imported)
        return []

    for start in sorted(edges):
        if start not in done:
            cycle = walk(start, [], {start: 0})
            if cycle:
                return cycle
            done.add(start)
    return []


def describe(cycle: list[Import], root: Path) -> str:
    """``a → b → a`` followed by where each import is written."""
    chain = " → ".join([cycle[0].importer, *(edge.imported for edge in cycle)])
    return chain + "\n" + "\n".join(f"  {edge.importer} imports {edge.imported} at {edge.where(root)}"
                                     for edge in cycle)


def upward_check_imports(imports: list[Import]) -> list[Import]:
    """Imports of the check families by modules below them."""
    return [edge for edge in imports if (edge.imported == CHECKS or edge.imported.startswith(CHECKS + "."))
            and not (edge.importer == CHECKS or edge.importer.startswith(CHECKS + "."))
            and edge.importer not in TOP_LAYER]


@pytest.fixture(scope="module")
def graph() -> list[Import]:
    """The import graph of the checker package as it is in the working tree."""
    return import_graph(CHECKER)


def test_the_graph_covers_the_package(graph: list[Import]) -> None:
    modules = module_files(CHECKER)
    assert {"checker.scenario", "checker.schemes", "checker.engine", "checker.checks.availability"} <= set(modules)
    assert any(edge.importer == "checker.engine" and edge.imported.startswith(CHECKS) for edge in graph)


def test_no_import_circle_among_module_level_imports(graph: list[Import]) -> None:
    cycle = find_cycle([edge for edge in graph if not edge.in_function and not edge.type_only])
    assert not cycle, "模块间存在循环导入：\n" + describe(cycle, CHECKER)


def test_no_import_circle_dodged_by_importing_inside_a_function(graph: list[Import]) -> None:
    cycle = find_cycle([edge for edge in graph if not edge.type_only])
    assert not cycle, "函数内导入绕开了循环导入（应把共用部分移到下层模块）：\n" + describe(cycle, CHECKER)


def test_only_the_top_layer_imports_the_check_families(graph: list[Import]) -> None:
    upward = upward_check_imports(graph)
    assert not upward, "下层模块导入了 checker.checks：\n" + "\n".join(
        f"  {edge.importer} imports {edge.imported} at {edge.where(CHECKER)}" for edge in upward)


def _package(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / "pkg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "pkg"


def test_a_circle_dodged_inside_a_function_is_found(tmp_path: Path) -> None:
    # The shape scenario ↔ schemes had: one side imports at the top, the other inside its functions.
    root = _package(tmp_path, {
        "__init__.py": "",
        "scenario.py": "from pkg.schemes import apply_scheme\n",
        "schemes.py": "def apply_scheme():\n    from pkg.scenario import ScenarioError\n",
    })
    imports = import_graph(root)
    assert not find_cycle([edge for edge in imports if not edge.in_function])
    cycle = find_cycle(imports)
    assert [(edge.importer, edge.imported) for edge in cycle] in (
        [("pkg.scenario", "pkg.schemes"), ("pkg.schemes", "pkg.scenario")],
        [("pkg.schemes", "pkg.scenario"), ("pkg.scenario", "pkg.schemes")],
    )
    assert "pkg/schemes.py:2 (inside a function)" in describe(cycle, root)


def test_relative_imports_and_packages_loaded_on_the_way_close_a_circle(tmp_path: Path) -> None:
    root = _package(tmp_path, {
        "__init__.py": "",
        "low.py": "from .checks import findings\n",
        "checks/__init__.py": "from pkg.checks import family\n",
        "checks/findings.py": "",
        "checks/family.py": "import pkg.low\n",
    })
    cycle = find_cycle(import_graph(root))
    assert {edge.importer for edge in cycle} == {"pkg.low", "pkg.checks", "pkg.checks.family"}


def test_type_checking_imports_make_no_circle_but_count_for_the_layers(tmp_path: Path) -> None:
    root = _package(tmp_path, {
        "__init__.py": "",
        "a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.b import B\n",
        "b.py": "import pkg.a\n",
    })
    imports = import_graph(root)
    assert find_cycle(imports)
    assert not find_cycle([edge for edge in imports if not edge.type_only])


def test_a_lower_module_importing_a_check_family_is_reported() -> None:
    edges = [Import("checker.probe_run", "checker.checks.availability", 13, False, False),
             Import("checker.links.judge", "checker.checks", 14, True, False),
             Import("checker.engine", "checker.checks.registry", 25, False, False),
             Import("checker.checks.search", "checker.checks.findings", 9, False, False)]
    assert [edge.importer for edge in upward_check_imports(edges)] == ["checker.probe_run", "checker.links.judge"]
