"""The import graph of the project's packages: no circles, and dependencies that point one way (STYLE.md, 2).

The graph is read from the source with ``ast``, so a circle is found even where it
works at run time only because one side imports inside a function. Every import
counts: module level, inside functions, relative ones resolved against their package.
"""

from __future__ import annotations

import ast
import tomllib
from collections import deque
from functools import cache
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "modyo_admin"  # settings and URL wiring: no app may import it


def project_packages() -> list[str]:
    """Return the top-level packages that pyproject.toml ships."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    include = config["tool"]["setuptools"]["packages"]["find"]["include"]
    return sorted({pattern.rstrip("*").split(".")[0] for pattern in include})


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def ancestors(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:n]) for n in range(1, len(parts))]


def imports_of(module: str, path: Path, modules: set[str]) -> set[str]:
    """Return the project modules that ``module`` imports.

    Importing ``a.b.c`` also runs the ``__init__`` of ``a`` and ``a.b``; those count too,
    except the packages that contain the importer (they are already being imported).
    """
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    named: set[str] = set()  # the modules an import statement names
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            named.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                source = f"{base}.{node.module}" if node.module else base
            else:
                source = node.module or ""
            for alias in node.names:
                # ``from package import name``: a submodule if there is one, else a name from the package.
                named.add(f"{source}.{alias.name}" if f"{source}.{alias.name}" in modules else source)
    own = set(ancestors(module))
    found = {name for name in named if name in modules}
    found |= {parent for name in found for parent in ancestors(name) if parent in modules and parent not in own}
    found.discard(module)
    return found


@cache
def import_graph() -> dict[str, frozenset[str]]:
    paths = {
        module_name(path): path
        for package in project_packages()
        for path in (ROOT / package).rglob("*.py")
        if "__pycache__" not in path.parts
    }
    modules = set(paths)
    return {module: frozenset(imports_of(module, path, modules)) for module, path in paths.items()}


def strongly_connected(graph: dict[str, frozenset[str]]) -> list[list[str]]:
    """Return the strongly connected components of ``graph`` (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def shortest_cycle(graph: dict[str, frozenset[str]], component: list[str]) -> list[str]:
    """Return the shortest circle through the first module of ``component``, as a path back to it."""
    start, members = component[0], set(component)
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for target in sorted(graph[node] & members):
            if target == start:
                path = [node]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return [start, *reversed(path[:-1]), start]
            if target not in came_from:
                came_from[target] = node
                queue.append(target)
    raise AssertionError(f"no circle through {start}")  # a component of size > 1 always has one


def test_no_module_imports_another_that_imports_it_back():
    graph = import_graph()
    circles = [
        f"{' -> '.join(shortest_cycle(graph, component))}  (all of these reach each other: {', '.join(component)})"
        for component in strongly_connected(graph)
        if len(component) > 1
    ]
    assert circles == [], "Import circles:\n" + "\n".join(circles)


def installed_project_apps() -> set[str]:
    return {config.name.split(".")[0] for config in apps.get_app_configs()} & set(project_packages())


def one_way_rules() -> list[tuple[str, set[str]]]:
    """Return (package, packages it must not import), from STYLE.md's one-way rule."""
    installed = installed_project_apps()
    shared = set(project_packages()) - installed - {PROJECT}  # libraries the apps build on, e.g. singletons
    rules = [
        # The checkup's registry sits below every app: each app registers its checks there.
        ("checkup", installed - {"checkup"} | {PROJECT}),
        ("activity", installed - {"activity", "checkup"} | {PROJECT}),
        ("accounts", {"security", "content", PROJECT}),
        ("security", {"content", PROJECT}),
    ]
    return rules + [(package, installed | {PROJECT}) for package in sorted(shared)]


@pytest.mark.parametrize(("package", "forbidden"), [pytest.param(*rule, id=rule[0]) for rule in one_way_rules()])
def test_dependencies_point_one_way(package, forbidden):
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in import_graph().items()
        if module.split(".")[0] == package
        for target in targets
        if target.split(".")[0] in forbidden
    )
    assert wrong == [], f"{package} may not import {sorted(forbidden)}"
