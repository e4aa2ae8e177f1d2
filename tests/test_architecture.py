"""The house's layering, read from the imports of every module (nothing is run).

From the top: the UI (app.py, pages/), then scoring/ (the features and the composition root),
knowledge/ (reading the index, answering), ingest/ (documents to clauses to index), access/ and
audit/ (who may change what, and the trail of what was changed), and at the bottom settings,
errors, cli, escaping and storage. A module imports its own package and the layers below it only.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from settings import PROJECT_ROOT

LAYERS = (("app", "pages"), ("scoring",), ("knowledge",), ("ingest",), ("access", "audit"),
          ("settings", "errors", "cli", "escaping", "storage"))
RANK = {package: rank for rank, packages in enumerate(LAYERS) for package in packages}
DOMAIN = ("scoring", "knowledge", "ingest")
SCORING_SHARED = ("scoring.standard", "scoring.records", "scoring.exports")
SCORING_FEATURES = ("scoring.scope", "scoring.elements", "scoring.sla", "scoring.register")
COMPOSITION_ROOT = "scoring.services"


def project_modules() -> dict[str, Path]:
    paths = [PROJECT_ROOT / f"{name}.py" for name in RANK if (PROJECT_ROOT / f"{name}.py").exists()]
    paths += [path for name in RANK for path in (PROJECT_ROOT / name).rglob("*.py")]
    return {".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts).removesuffix(".__init__"):
            path for path in paths}


MODULES = project_modules()


def imports(module: str) -> set[str]:
    """Every name the module imports (at any depth: lazy imports count), absolute."""
    names = set()
    for node in ast.walk(ast.parse(MODULES[module].read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{module}: relative import"
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def project_imports(module: str) -> set[str]:
    """The project's modules this module imports."""
    found = set()
    for name in imports(module):
        while name and name not in MODULES:
            name = name.rpartition(".")[0]
        if name and name != module:
            found.add(name)
    return found


def top(module: str) -> str:
    return module.split(".")[0]


def test_the_layers_name_every_top_level_package():
    tops = {path.relative_to(PROJECT_ROOT).parts[0].removesuffix(".py")
            for path in PROJECT_ROOT.glob("*") if path.suffix == ".py" or
            (path.is_dir() and (path / "__init__.py").exists())}
    assert tops - {"tests", "bench"} <= set(RANK), "a new top-level package needs its layer"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_module_imports_only_its_own_layer_and_those_below(module):
    higher = {name for name in project_imports(module) if RANK[top(name)] < RANK[top(module)]}
    assert not higher, f"{module} imports a higher layer: {sorted(higher)}"


@pytest.mark.parametrize("module", sorted(name for name in MODULES if top(name) in DOMAIN))
def test_domain_code_never_imports_streamlit(module):
    assert not {name for name in imports(module) if top(name) == "streamlit"}


@pytest.mark.parametrize("module", sorted(name for name in MODULES if name.startswith("scoring")))
def test_scoring_shares_little_and_only_entry_points_use_the_composition_root(module):
    used = project_imports(module)
    if module.startswith(SCORING_SHARED):
        assert not {name for name in used if name.startswith(SCORING_FEATURES)}, module
    if COMPOSITION_ROOT in used:
        assert module.endswith("__main__"), f"{module} builds on the composition root"


def test_there_are_no_import_cycles():
    graph = {module: project_imports(module) for module in MODULES}
    assert not cycles(graph), f"import cycles: {cycles(graph)}"
    packages: dict[str, set[str]] = {}
    for module, names in graph.items():
        packages.setdefault(top(module), set()).update(top(name) for name in names)
    assert not [(a, b) for a in packages for b in packages[a]
                if a < b and a in packages.get(b, set())], "top-level packages import each other"


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_the_cycle_check_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c"]]
