"""The positioning quiz (« Où en suis-je ? ») in headless Chromium: keyboard only, from the
offline mirror opened with file:// and no network, axe-clean while asking and at the end."""

from __future__ import annotations

import pytest

from fichotheque.content.loading import load_corpus
from tests.e2e.conftest import ROOT
from tests.e2e.test_accessibility import BLOCKING, axe_violations, describe

MODULES = ("securite", "smartphone", "services-publics")


def _tab_to(page, element_id: str, limit: int = 80) -> None:
    for _ in range(limit):
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    pytest.fail(f"#{element_id} jamais atteint au clavier")


def _answer_with_keyboard(page, choice: int) -> None:
    """From the focused question: Tab into the radio group, pick `choice`, Enter."""
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    for _ in range(choice):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")


@pytest.mark.parametrize("module_slug", MODULES)
def test_keyboard_only_quiz_proposes_the_fiches_of_the_missed_questions(new_page, unzipped,
                                                                        module_slug):
    corpus = load_corpus(ROOT)
    module = corpus.module(module_slug)
    questions = module.quiz.questions
    page = new_page(allowed=("file://",))
    page.goto((unzipped / "positionnement" / module_slug / "index.html").as_uri())
    _tab_to(page, "quiz-commencer")
    page.keyboard.press("Enter")
    missed: list[str] = []
    for index, question in enumerate(questions):
        progress = page.locator("#quiz-avancement").inner_text()
        assert progress == f"Question {index + 1} sur {len(questions)}"
        assert page.evaluate("document.activeElement.id") == "quiz-intitule"
        assert page.locator("#quiz-intitule").inner_text() == question.text
        if index == 1:
            blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING]
            assert not blocking, describe(blocking)
        if index % 2:  # « Je ne sais pas », the last choice
            _answer_with_keyboard(page, len(question.choices))
            missed.append(question.fiche)
        elif index % 4 == 2:  # a wrong answer
            _answer_with_keyboard(page, (question.answer + 1) % len(question.choices))
            missed.append(question.fiche)
        else:
            _answer_with_keyboard(page, question.answer)
    assert page.evaluate("document.activeElement.id") == "quiz-resultat-titre"
    right = len(questions) - len(missed)
    assert f"{right} bonne" in page.locator(".quiz-score").inner_text()
    expected = [corpus.by_slug(s).title for s in dict.fromkeys(missed)]
    shown = page.locator("ul[aria-labelledby=quiz-commencer-par] a").all_inner_texts()
    assert shown == expected
    known = [corpus.by_slug(q.fiche).title for i, q in enumerate(questions)
             if q.fiche not in missed]
    assert page.locator("ul[aria-labelledby=quiz-deja] a").all_inner_texts() == \
        list(dict.fromkeys(known))
    for href in page.locator("#quiz-resultat a").evaluate_all("as => as.map(a => a.href)"):
        path = href.split("#")[0].removeprefix("file://")
        assert path.endswith(".html") and (unzipped / path.split(str(unzipped) + "/")[1]).is_file()
    paths = page.locator("ul[aria-labelledby=quiz-parcours] a").all_inner_texts()
    offering = {p.title for p in corpus.parcours if set(p.fiche_slugs) & set(missed)}
    assert paths and set(paths) <= offering
    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING]
    assert not blocking, describe(blocking)
    assert page.foreign_requests == []


def test_no_answer_is_said_plainly_and_previous_keeps_the_answer(new_page, unzipped):
    page = new_page(allowed=("file://",))
    page.goto((unzipped / "positionnement" / "securite" / "index.html").as_uri())
    page.click("#quiz-commencer")
    page.click("#quiz-suivant")  # nothing chosen yet: the form refuses
    assert "Choisissez une réponse" in page.locator("#quiz-erreur").inner_text()
    assert page.locator("#quiz-avancement").inner_text().startswith("Question 1 ")
    page.locator("#quiz-choix input").nth(1).check()
    page.click("#quiz-suivant")
    page.click("#quiz-precedent")
    assert page.locator("#quiz-choix input").nth(1).is_checked()
    assert page.locator("#quiz-precedent").is_hidden()  # no going back from the first


def test_the_quiz_page_stores_nothing(new_page, unzipped):
    page = new_page(allowed=("file://",))
    page.goto((unzipped / "positionnement" / "smartphone" / "index.html").as_uri())
    page.click("#quiz-commencer")
    page.locator("#quiz-choix input").first.check()
    page.click("#quiz-suivant")
    stored = page.evaluate("[localStorage.length, sessionStorage.length, document.cookie]")
    # Material keeps its own palette/consent keys under its scope; nothing of the quiz.
    keys = page.evaluate("Object.keys(localStorage).concat(Object.keys(sessionStorage))")
    assert not [k for k in keys if "quiz" in k.lower() or "positionnement" in k.lower()], stored
    assert page.evaluate("document.cookie") == ""
