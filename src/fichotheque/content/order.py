"""Pedagogical order: a module's `fiches:` list and each fiche's `prerequisites:`.

Module pages, booklets, the catalogue's default sort and the "next fiche" link follow the
module's order; prerequisites name fiches (of any module) to do first, without a cycle.
"""

from __future__ import annotations

from fichotheque.content.model import FICHES_DIR, MODULE_FILE, Fiche, Module
from fichotheque.content.problems import ERROR, WARNING, Problem


def ordered(fiches: list[Fiche], sequence: tuple[str, ...]) -> list[Fiche]:
    """Fiches in the order of `sequence`; those it does not name follow, by file name."""
    rank = {slug: index for index, slug in enumerate(sequence)}
    return sorted(fiches, key=lambda f: (rank.get(f.slug, len(rank)), f.slug))


def check(modules: list[Module], sequence_lines: dict[str, int | None],
          problems: list[Problem]) -> None:
    """Unknown or missing fiches in module orders, unknown prerequisites and cycles."""
    fiches = {f.slug: f for m in modules for f in m.fiches}
    for module in modules:
        rel = f"{FICHES_DIR}/{module.slug}/{MODULE_FILE}"
        line = sequence_lines.get(module.slug)
        if not module.sequence:
            continue
        for slug in module.sequence:
            if slug not in fiches:
                problems.append(Problem(rel, line, f"fiche « {slug} » introuvable dans l'ordre "
                                        "du module", WARNING,
                                        "vérifiez le nom du fichier (sans « .md »)", "order"))
        for fiche in module.fiches:
            if fiche.slug not in module.sequence:
                problems.append(Problem(rel, line, f"la fiche « {fiche.slug} » n'est pas dans "
                                        "l'ordre du module", WARNING,
                                        "ajoutez-la à la liste « fiches: » à sa place", "order"))
    for fiche in fiches.values():
        for slug in fiche.prerequisites:
            if slug not in fiches:
                problems.append(Problem(fiche.rel_path, fiche.prerequisites_line,
                                        f"prérequis « {slug} » introuvable", ERROR,
                                        "écrivez le nom d'une fiche existante, sans « .md »",
                                        "prerequisites"))
            elif slug == fiche.slug:
                problems.append(Problem(fiche.rel_path, fiche.prerequisites_line,
                                        "une fiche ne peut pas être son propre prérequis",
                                        ERROR, None, "prerequisites"))
    cycle = find_cycle({slug: [p for p in f.prerequisites if p in fiches and p != slug]
                        for slug, f in fiches.items()})
    if cycle:
        first = fiches[cycle[0]]
        problems.append(Problem(first.rel_path, first.prerequisites_line,
                                "prérequis en boucle : " + " → ".join(cycle), ERROR,
                                "retirez un des prérequis de cette boucle", "prerequisites"))


def find_cycle(edges: dict[str, list[str]]) -> list[str] | None:
    """A cycle of the graph as a closed path (`a → b → a`), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in edges.get(node, ()):
            if state.get(target) == 1:
                return [*stack[stack.index(target):], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None
