"""Positioning quizzes: `fiches/<module>/_positionnement.yml` (content/quiz.py)."""

from __future__ import annotations

from fichotheque.content.loading import load_corpus
from tests.conftest import make_project, small_corpus

REL = "fiches/securite/_positionnement.yml"


def question(n: int, answer: int = 2, fiche: str = "mots-de-passe", extra: str = "") -> str:
    return (f'  - question: "Question numéro {n} ?"\n'
            f'    choices: ["Réponse A", "Réponse B", "Réponse C"]\n'
            f"    answer: {answer}\n"
            f"    fiche: {fiche}\n"
            f'    explanation: "Parce que."\n{extra}')


def quiz_text(count: int = 8, changes: dict | None = None) -> str:
    changes = changes or {}
    items = [changes.get(i, question(i)) for i in range(1, count + 1)]
    return 'title: "Où en suis-je en sécurité ?"\nquestions:\n' + "".join(items)


def load(tmp_path, text: str, **extra):
    files = small_corpus()
    files[REL] = text
    files.update(extra)
    return load_corpus(make_project(tmp_path / "p", files, with_site_files=False))


def found(corpus):
    return [(p.line, p.message) for p in corpus.problems if p.path == REL]


def test_a_valid_quiz_is_attached_to_its_module(tmp_path):
    corpus = load(tmp_path, quiz_text(8, {3: question(3, 1, "hameconnage")}))
    assert found(corpus) == []
    securite = next(m for m in corpus.modules if m.slug == "securite")
    quiz = securite.quiz
    assert quiz.url == "positionnement/securite/" and len(quiz.questions) == 8
    third = quiz.questions[2]
    assert third.answer == 0 and third.fiche == "hameconnage"
    assert third.competence == "pix:4.2"  # the fiche's first competence by default
    assert third.letters == ("A", "B", "C", "D")
    assert next(m for m in corpus.modules if m.slug == "messagerie").quiz is None


def test_each_broken_question_is_reported_at_its_line(tmp_path):
    text = quiz_text(8, {
        2: question(2, answer=5),
        4: question(4, fiche="inconnue"),
        6: question(6, extra='    competence: "digcomp:5.5"\n'),
        7: question(7, extra='    image: images/absente.svg\n    image_alt: "Un écran"\n'),
        8: question(8, extra='    image: ../../secret.svg\n'),
    })
    problems = found(load(tmp_path, text))
    messages = [m for _, m in problems]
    assert any(m.startswith("question 2 : « answer » doit être un nombre entier de 1 à 3")
               for m in messages), messages
    assert any(line == 21 and "question 4 : fiche « inconnue » introuvable" in m
               for line, m in problems), problems
    assert any("compétence « digcomp:5.5 » absente de la fiche" in m for m in messages)
    assert any("image « images/absente.svg » introuvable" in m for m in messages)
    assert any("image « ../../secret.svg » refusée" in m for m in messages)


def test_count_duplicates_dont_know_and_markup_are_refused(tmp_path):
    messages = [m for _, m in found(load(tmp_path, quiz_text(5)))]
    assert any("« questions » a 5 éléments (8 à 15 attendus)" in m for m in messages)
    dup = question(1).replace('"Réponse C"', '"réponse a"')
    dont = question(2).replace('"Réponse C"', '"Je ne sais pas"')
    html = question(3).replace("Question numéro 3 ?", "<script>x</script>")
    messages = [m for _, m in found(load(tmp_path / "b", quiz_text(8, {1: dup, 2: dont,
                                                                          3: html})))]
    assert any("deux choix sont identiques" in m for m in messages)
    assert any("« Je ne sais pas » est ajouté par le site" in m for m in messages)
    assert any("question 3 : « question » contient les signes < ou >" in m for m in messages)


def test_an_image_of_the_module_is_accepted(tmp_path):
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
           '<rect width="5" height="5"/></svg>')
    text = quiz_text(8, {1: question(1, extra='    image: images/ecran.svg\n'
                                              '    image_alt: "Un écran"\n')})
    corpus = load(tmp_path, text, **{"fiches/securite/images/ecran.svg": svg})
    assert found(corpus) == []
    quiz = next(m for m in corpus.modules if m.slug == "securite").quiz
    assert quiz.questions[0].image == "images/ecran.svg"
