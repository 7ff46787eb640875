"""Many fiches linted by several processes (content/lint/parallel.py): the same problems, in
the same order, with the same cache entries as one process linting them one after the other."""

from __future__ import annotations

import json
import os
import shutil
import threading

import pytest
from conftest import FIXTURES, VALID_BODY, fiche_text, make_project, small_corpus

from fichotheque.content import lint
from fichotheque.content.lint import parallel
from fichotheque.content.lint.cache import FOLDER, MANIFEST


def formatted(problems) -> list[str]:
    return [p.format() for p in problems]


@pytest.fixture
def many(tmp_path):
    """A project with enough fiches, each with its own problems (a broken link, a long
    sentence, an image without its file) to tell an answer out of place."""
    files = small_corpus()
    for i in range(24):
        extra = (f"- [Voir](fiche-absente-{i}.md)\n" if i % 3 == 0 else
                 f"- ![Écran {i}](images/ecran-{i}.png)\n" if i % 3 == 1 else
                 "- " + " ".join(["mot"] * (30 + i)) + ".\n")
        body = VALID_BODY.replace("- Demander conseil en médiathèque.\n",
                                  "- Demander conseil en médiathèque.\n" + extra)
        files[f"fiches/securite/exercice-{i:02d}.md"] = fiche_text(
            title=f"Exercice numéro {i}", body=body)
    return make_project(tmp_path / "p", files, with_site_files=False)


def one_by_one(monkeypatch, root, **options):
    with monkeypatch.context() as m:
        m.setattr(parallel, "PARALLEL_FROM", 10**9)
        return lint.lint_project(root, **options)


def test_processes_find_what_one_process_finds_in_the_same_order(many, monkeypatch):
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 2)
    monkeypatch.setattr(parallel, "can_fork", lambda: True)  # other tests may leave threads
    used = []
    real = parallel._in_processes
    monkeypatch.setattr(parallel, "_in_processes",
                        lambda *a: used.append(a[2]) or real(*a))
    together = formatted(lint.lint_project(many))
    if parallel.workers() > 1:  # a machine with one core lints alone, as it should
        assert used and used[0] >= 2, used
    alone = formatted(one_by_one(monkeypatch, many))
    assert together == alone
    assert sum("fiche-absente-" in p for p in together) == 8  # each fiche's own problem


def test_the_hostile_fixtures_give_the_same_problems(tmp_path, monkeypatch):
    root = tmp_path / "hostile"
    shutil.copytree(FIXTURES / "hostile", root)
    items = [(p, None) for p in lint._regular(lint.fiche_files(root))]
    linter = lint.Linter(root.resolve(), lint.Limits(), lint.RULES)
    together = parallel._in_processes(linter, [(p.resolve(), d) for p, d in items], 3)
    alone = parallel._one_by_one(linter, [(p.resolve(), d) for p, d in items])
    assert [formatted(p) for p, _ in together] == [formatted(p) for p, _ in alone]
    assert [d for _, d in together] == [d for _, d in alone]
    assert any(problems for problems, _ in together)


def test_the_cache_written_by_processes_is_the_one_process_cache(many, monkeypatch):
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 2)
    monkeypatch.setattr(parallel, "can_fork", lambda: True)
    lint.lint_project(many, cache=True)
    together = json.loads((many / FOLDER / MANIFEST).read_text(encoding="utf-8"))
    shutil.rmtree(many / FOLDER)
    one_by_one(monkeypatch, many, cache=True)
    alone = json.loads((many / FOLDER / MANIFEST).read_text(encoding="utf-8"))
    assert together == alone
    assert len(together["entries"]) >= 24


def test_only_changed_fiches_are_dealt_to_the_processes(many, monkeypatch):
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 2)
    first = formatted(lint.lint_project(many, cache=True))
    fiche = many / "fiches/securite/exercice-05.md"
    fiche.write_text(fiche.read_text(encoding="utf-8").replace(
        "- Demander conseil", "- [Voir](autre-absente.md)\n- Demander conseil"), encoding="utf-8")
    dealt = []
    real = parallel.lint_all
    monkeypatch.setattr(lint, "lint_all", lambda linter, items, processes=None:
                        dealt.append(items) or real(linter, items, processes))
    after = formatted(lint.lint_project(many, cache=True))
    assert [[p.name for p, _ in items] for items in dealt] == [["exercice-05.md"]]
    assert after == formatted(one_by_one(monkeypatch, many))
    assert len(after) == len(first) + 1


def test_with_other_threads_running_nothing_is_forked(many, monkeypatch):
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 2)
    forked = []
    monkeypatch.setattr(parallel, "_in_processes", lambda *a: forked.append(a) or None)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not parallel.can_fork()
        result = formatted(lint.lint_project(many))
    finally:
        stop.set()
        thread.join()
    assert forked == []
    assert result == formatted(one_by_one(monkeypatch, many))


def test_a_pool_that_cannot_start_falls_back_to_one_process(many, monkeypatch):
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 2)

    class Broken:
        def __init__(self, *args, **kwargs):
            raise OSError("no more processes")

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", Broken)
    assert formatted(parallel.lint_all(
        lint.Linter(many.resolve(), lint.Limits(), lint.RULES),
        [(many.resolve() / "fiches/securite/exercice-00.md", None)] * 3, processes=2)[0][0])


def test_a_rule_that_fails_in_a_process_fails_as_it_would_alone(many, monkeypatch):
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 2)
    monkeypatch.setattr(parallel, "can_fork", lambda: True)

    def broken(fiche, linter):
        if fiche.path.name == "exercice-07.md":
            raise ValueError(f"règle cassée dans {fiche.path.name} (pid {os.getpid()})")

    monkeypatch.setattr(lint, "RULES", (*lint.RULES, broken))
    with pytest.raises(ValueError, match=r"exercice-07\.md"):
        lint.lint_project(many)
