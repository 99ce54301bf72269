"""The package reads top to bottom: each stage imports only the stages below it, and no modules
import each other in a circle. Read from the source with ast, lazy imports inside functions included."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

from conftest import REPO

# Lowest first; a module may import its own layer and those before it.
LAYERS = ("errors", "cache", "content", "render", "builds", "clients", "desk", "cli")


def modules(package: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package."""
    found = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The package's own modules that a module imports."""
    is_package = path.name == "__init__.py"
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                base = base[:len(base) - node.level + (1 if is_package else 0)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            submodules = {f"{target}.{alias.name}" for alias in node.names} & known.keys()
            found |= submodules if len(submodules) == len(node.names) else submodules | {target}
    return {target for target in found if target in known and target != name}


def layer(name: str) -> int:
    parts = name.split(".")
    return -1 if len(parts) == 1 else LAYERS.index(parts[1])


def layering_problems(package: Path) -> list[str]:
    """Every upward import and every circle of imports in the package."""
    known = modules(package)
    graph = {name: imports(name, path, known) for name, path in known.items()}
    problems = [f"{known[name].relative_to(package.parent)} imports {target}, a later stage"
                for name, targets in graph.items() for target in sorted(targets) if layer(target) > layer(name)]
    problems += [f"circle of imports: {' -> '.join(circle)}" for circle in circles(graph)]
    return problems


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One circle through each module that can reach itself (depth-first search)."""
    found, done = [], set()

    def visit(node: str, path: list[str]) -> None:
        if node in path:
            found.append(path[path.index(node):] + [node])
            return
        if node in done:
            return
        for target in sorted(graph[node]):
            visit(target, path + [node])
        done.add(node)

    for start in sorted(graph):
        visit(start, [])
    return found


def test_every_stage_imports_only_the_stages_below_it():
    assert layering_problems(REPO / "spapress") == []


def test_every_folder_of_the_package_is_a_known_stage():
    folders = {p.name for p in (REPO / "spapress").iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders <= set(LAYERS), folders - set(LAYERS)


def test_an_upward_import_is_found(tmp_path):
    copy = tmp_path / "spapress"
    shutil.copytree(REPO / "spapress", copy, ignore=shutil.ignore_patterns("__pycache__"))
    flowables = copy / "render" / "flowables.py"
    flowables.write_text(flowables.read_text(encoding="utf-8") + "\n\ndef later():\n    from ..clients import outbox\n",
                         encoding="utf-8")
    assert layering_problems(copy) == ["spapress/render/flowables.py imports spapress.clients.outbox, a later stage"]


def test_a_circle_is_found(tmp_path):
    copy = tmp_path / "spapress"
    shutil.copytree(REPO / "spapress", copy, ignore=shutil.ignore_patterns("__pycache__"))
    fonts = copy / "render" / "fonts.py"
    fonts.write_text(fonts.read_text(encoding="utf-8") + "\nfrom .pages import PAPER\n", encoding="utf-8")
    problems = layering_problems(copy)
    assert problems and all(p.startswith("circle of imports: ") for p in problems), problems
    assert any("spapress.render.fonts" in p and "spapress.render.pages" in p for p in problems)
