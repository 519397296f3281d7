"""The package's layers: imports point one way, and no modules import each other in a loop.

Read from the source (every ``import`` a module runs, at its top or inside a function;
imports only for type checkers, under ``if TYPE_CHECKING:``, are not run and do not
count). The layers, from the bottom (docs/architecture.md draws them):

* utilities: ``povsim.errors`` and ``povsim.util``: they import nothing else of povsim;
* the simulation: the model and its parts; it never imports the study layer, the app,
  the command line or the docs generator;
* the study layer, ``povsim.study``: batches of runs, their results and reports; it
  never imports the app, the command line or the docs generator;
* the app, ``povsim.app``: it never imports the command line;
* the command line, ``povsim.cli``: nothing of povsim imports it but ``__main__``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "povsim"

UTILITIES = ("povsim.errors", "povsim.util")
STUDY = ("povsim.study",)
APP = ("povsim.app",)
CLI = ("povsim.cli",)
TOOLS = ("povsim.docs", "povsim.__main__")
FACE = ("povsim",)  # the package's __init__: it hands the public names on


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted((SRC / PACKAGE).rglob("*.py"))}


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _run_imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement that runs (not those under ``if TYPE_CHECKING:``)."""
    found = []

    def walk(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking_only(child):
                for other in child.orelse:
                    walk(other)
                continue
            if isinstance(child, ast.Import | ast.ImportFrom):
                found.append(child)
            walk(child)

    walk(tree)
    return found


def imports_of(name: str) -> set[str]:
    """The povsim modules a module imports when it runs."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()
    for node in _run_imports(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
            continue
        base = node.module or ""
        if node.level:
            anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
            base = ".".join([*anchor, base] if base else anchor)
        for alias in node.names:
            sub = f"{base}.{alias.name}"
            targets.add(sub if sub in MODULES else base)
    return {t for t in targets if t in MODULES and t != name}


GRAPH = {name: imports_of(name) for name in MODULES}


def within(name: str, layers: tuple[str, ...]) -> bool:
    return any(name == layer or name.startswith(layer + ".") for layer in layers)


def layer_of(name: str) -> str:
    for layer, members in (("utilities", UTILITIES), ("study", STUDY), ("app", APP),
                           ("cli", CLI), ("tools", TOOLS)):
        if within(name, members):
            return layer
    return "face" if name in FACE else "simulation"


ALLOWED = {
    "utilities": {"utilities"},
    "simulation": {"utilities", "simulation"},
    "study": {"utilities", "simulation", "study"},
    "app": {"utilities", "simulation", "study", "app"},
    "face": {"utilities", "simulation", "study"},
    "tools": {"utilities", "simulation", "study", "cli"},
    "cli": {"utilities", "simulation", "study", "app", "cli"},
}
"""What each layer may import."""


def test_the_source_tree_is_read():
    assert {"povsim.model", "povsim.study.batch", "povsim.cli", "povsim.util.atomic"} \
        <= set(MODULES)
    assert "povsim.study.batch" in GRAPH["povsim.study.sweeps.engine"]


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_imports_point_down_the_layers(layer):
    wrong = sorted(f"{name} imports {target} ({layer_of(target)})"
                   for name, targets in GRAPH.items() if layer_of(name) == layer
                   for target in targets if layer_of(target) not in ALLOWED[layer])
    assert not wrong, "\n".join(wrong)


def test_only_the_entry_point_imports_the_command_line():
    importers = sorted(name for name, targets in GRAPH.items()
                       if not within(name, CLI) and any(within(t, CLI) for t in targets))
    assert importers == ["povsim.__main__"]


def test_no_module_imports_the_package_face():
    """``from povsim import X`` inside povsim would tie every module to the whole package."""
    assert sorted(name for name, targets in GRAPH.items() if PACKAGE in targets) == []


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_modules_import_each_other_in_a_loop():
    assert cycles(GRAPH) == []


def test_a_loop_would_be_found():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
