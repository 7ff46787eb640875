"""The package's rooms and the one-way flow between them (content → web/pdf → badges → mirror).

Imports are read from the source with `ast` (function-level imports included), so a lazy import
cannot hide a circle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from fichotheque.content import order

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "fichotheque"
MAX_LINES = 400

# Which rooms each room may import from (the stage of the flow it belongs to).
# top-level helpers every room may use
BASE = {"files", "errors", "safeyaml", "progress", "environ"}
ALLOWED = {
    "content": {"content", *BASE},
    "web": {"content", "web", *BASE},
    "pdf": {"content", "web", "pdf", *BASE},
    "badges": {"content", "web", "badges", *BASE},
    "mirror": {"content", "web", "pdf", "mirror", *BASE},
    # the preview server (`mkdocs serve` rendering only the edited fiche's page)
    "preview": {"content", "web", "pdf", "preview", *BASE},
    # the coordinator's desk (`fichotheque bureau`): a local app over the whole flow
    "desk": {"content", "web", "pdf", "badges", "desk", "sitebuild", *BASE},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(path: Path, known: set[str]) -> set[str]:
    """Package modules imported by one file (`from fichotheque.x import y` counts y if a module)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in known)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if not node.module.startswith("fichotheque"):
                continue
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if candidate in known else node.module)
    return {name for name in found if name in known}


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    edges = {name: imports_of(path, known) - {name} for name, path in mods.items()}
    # a package's __init__ is imported with any of its modules: not an edge to follow back
    return {name: {t for t in targets if not name.startswith(t + ".")}
            for name, targets in edges.items()}


def room(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else ""


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """The package's own cycle finder (content/order.py), over sorted edges."""
    return order.find_cycle({node: sorted(targets) for node, targets in edges.items()})


def test_no_import_circle():
    cycle = find_cycle(graph())
    assert cycle is None, " → ".join(cycle)


def test_the_cycle_finder_finds_a_circle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


@pytest.mark.parametrize("source", sorted(ALLOWED))
def test_rooms_import_only_upstream(source):
    wrong = sorted(f"{name} → {target}" for name, targets in graph().items()
                   if room(name) == source for target in targets
                   if room(target) not in ALLOWED[source])
    assert not wrong, wrong


def test_no_module_is_too_long():
    long = {name: n for name, path in modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, long
