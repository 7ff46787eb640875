"""The content rules checked while MkDocs renders the pages (content/lint/background.py)."""

from __future__ import annotations

import os
import signal
import threading

import pytest
from conftest import VALID_BODY, fiche_text, make_project, run_build, small_corpus

from fichotheque.content import lint
from fichotheque.content.lint import background
from fichotheque.content.lint.background import BuildLint

FICHE = "fiches/securite/mots-de-passe.md"


def with_extra(extra: str) -> str:
    return fiche_text(VALID_BODY.replace("- Demander conseil en médiathèque.\n",
                                         "- Demander conseil en médiathèque.\n" + extra + "\n"))


@pytest.fixture
def root(tmp_path):
    root = make_project(tmp_path / "p", small_corpus(), with_site_files=False)
    (root / FICHE).write_text(with_extra("- [Voir](hamconnage.md)\n\n<script>x()</script>"),
                              encoding="utf-8")
    return root


def formatted(problems) -> list[str]:
    return [p.format() for p in problems]


def test_the_background_answer_is_the_one_of_the_build(root):
    expected = formatted(lint.rules_for_build(root))
    assert any("hamconnage.md" in p for p in expected)
    checks = BuildLint(root, background=True)
    assert checks.in_background
    assert formatted(checks.result()) == expected
    assert formatted(checks.result()) == expected  # asked twice, answered from memory
    assert not checks.in_background


def test_a_process_starts_only_when_many_fiches_are_not_in_the_cache(root, monkeypatch):
    fiches = len(lint.fiche_files(root))
    assert len(lint.plan_project(root).todo) == fiches
    monkeypatch.setattr(background, "PARALLEL_FROM", fiches)
    monkeypatch.setattr(background, "can_fork", lambda: True)
    cold = BuildLint(root)
    assert cold.in_background
    expected = formatted(cold.result())
    assert lint.plan_project(root).todo == []  # the answers were stored: the cache is warm
    warm = BuildLint(root)
    assert not warm.in_background
    assert formatted(warm.result()) == expected


def test_with_threads_running_the_rules_are_checked_at_once(root):
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        checks = BuildLint(root)
    finally:
        stop.set()
        thread.join()
    assert not checks.in_background
    assert formatted(checks.result()) == formatted(lint.rules_for_build(root))


def test_a_process_that_dies_is_replaced_by_a_lint_here(root):
    checks = BuildLint(root, background=True)
    os.kill(checks._process.pid, signal.SIGKILL)
    assert formatted(checks.result()) == formatted(lint.rules_for_build(root))


def test_an_error_in_the_process_reaches_the_build(root, monkeypatch):
    def broken(linter, items, processes=None):
        raise ValueError(f"règle cassée pour {items[0][0]}")

    monkeypatch.setattr(background, "lint_all", broken)
    checks = BuildLint(root, background=True)
    with pytest.raises(ValueError, match="règle cassée"):
        checks.result()


def test_contract_and_content_errors_are_reported_together(tmp_path):
    files = small_corpus()
    files[FICHE] = with_extra("<script>alert(1)</script>")
    files["fiches/securite/hameconnage.md"] = fiche_text(licence="CC-BY-NC-4.0")
    project = make_project(tmp_path / "p", files)
    result = run_build(project)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "licence « CC-BY-NC-4.0 » non libre" in output
    assert f"{FICHE}:" in output and "balise « <script> » interdite" in output
    assert "Traceback" not in output
    site = project / "site"
    assert not site.exists() or not any(site.rglob("*.html"))  # nothing published


def test_a_hook_file_without_on_env_still_stops_on_content_errors(tmp_path):
    files = small_corpus()
    files[FICHE] = with_extra("<script>alert(1)</script>")
    project = make_project(tmp_path / "p", files)
    hook = project / "hooks/fiches.py"
    text = hook.read_text(encoding="utf-8")
    start = text.rindex("@event_priority", 0, text.index("def on_env"))  # its decorator
    end = text.index("def on_files")
    hook.write_text(text[:start] + text[end:], encoding="utf-8")  # an older hook file
    assert "on_env" not in hook.read_text(encoding="utf-8")
    result = run_build(project)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "balise « <script> » interdite" in output and "Traceback" not in output
    assert not (project / "site/fiches/securite/mots-de-passe/index.html").exists()
