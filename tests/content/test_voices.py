"""Fiches v2: the learner handout and the facilitator plan, order and prerequisites."""

from __future__ import annotations

import re

from conftest import ROOT, fiche_text, make_project, module_yml

from fichotheque.content import facilitator
from fichotheque.content.loading import load_corpus
from fichotheque.content.order import find_cycle
from fichotheque.pdf import document
from fichotheque.web import settings

V2_BODY = """
## Objectif

Savoir créer un mot de passe solide.

## Matériel

- Un ordinateur.

## Déroulé

1. Choisissez quatre mots au hasard.
2. Assemblez-les en une phrase de passe.

## Exercice

Créez une phrase de passe pour un compte fictif.

## À retenir

- Un mot de passe différent pour chaque site.

## Pour aller plus loin

- Demandez conseil en médiathèque.

## Pour l'animateur

### Accueil — 10 min

Tour de table.

### Pratique — 35 min

Chacun crée sa phrase.

### Corrigé

La réponse secrète : cheval-agrafe-batterie.

### Difficultés fréquentes

- La peur d'oublier.

### Adapter

- Lire à voix haute.
"""


def _problems(tmp_path, body=V2_BODY, **meta):
    project = make_project(tmp_path, {
        "fiches/securite/_module.yml": module_yml("securite"),
        "fiches/securite/mots-de-passe.md": fiche_text(body, **meta),
    })
    corpus = load_corpus(project)
    return corpus, [p.format() for p in corpus.problems]


def test_a_v2_fiche_is_valid_and_its_plan_is_read(tmp_path):
    corpus, problems = _problems(tmp_path)
    assert not corpus.errors, problems
    plan = corpus.fiches[0].plan
    assert [(p.title, p.minutes) for p in plan.phases] == [("Accueil", 10), ("Pratique", 35)]
    assert plan.has("Corrigé") and plan.total_minutes == 45


def test_phases_must_add_up_to_the_duration(tmp_path):
    corpus, problems = _problems(tmp_path, V2_BODY.replace("35 min", "30 min"))
    assert any("les phases durent 40 min (10 + 30) mais la fiche annonce « duration: 45 »" in p
               for p in problems), problems
    assert corpus.errors


def test_facilitator_verbs_in_the_learner_steps_are_errors_with_their_line(tmp_path):
    body = V2_BODY.replace("2. Assemblez-les", "2. Expliquez comment assembler")
    _, problems = _problems(tmp_path, body)
    text = fiche_text(body)
    line = text.splitlines().index("2. Expliquez comment assembler en une phrase de passe.") + 1
    assert any(p.startswith(f"fiches/securite/mots-de-passe.md:{line}: « Expliquez… »")
               for p in problems), problems


def test_answers_under_the_learner_exercise_are_errors(tmp_path):
    body = V2_BODY.replace("compte fictif.\n", "compte fictif.\n\nCorrection : cheval.\n")
    _, problems = _problems(tmp_path, body)
    assert any("la correction est imprimée sous l'exercice" in p for p in problems), problems


def test_an_exercise_needs_a_corrige_and_a_fiche_needs_a_plan(tmp_path):
    _, problems = _problems(tmp_path, V2_BODY.replace("### Corrigé", "### Réponses"))
    assert any("l'exercice n'a pas de corrigé" in p for p in problems), problems
    no_plan = V2_BODY[:V2_BODY.index("## Pour l'animateur")]
    _, problems = _problems(tmp_path / "b", no_plan)
    assert any("section « ## Pour l'animateur » absente" in p for p in problems), problems


def test_the_facilitator_section_must_come_last(tmp_path):
    body = V2_BODY + "\n## Vocabulaire\n\n- **Mot** : sens.\n"
    _, problems = _problems(tmp_path, body)
    assert any("doit être la dernière section" in p for p in problems), problems


def test_three_readings_of_one_source():
    learner = facilitator.print_markdown(V2_BODY, facilitator=False)
    assert "cheval-agrafe-batterie" not in learner and "Tour de table" not in learner
    plan_first = facilitator.print_markdown(V2_BODY, facilitator=True)
    assert plan_first.index("Tour de table") < plan_first.index("## Objectif")
    assert "cheval-agrafe-batterie" in plan_first
    web = facilitator.web_markdown(V2_BODY)
    assert "## Pour l'animateur\n\n??? note \"Ouvrir le déroulé" in web
    answers = web.index('??? success "Voir la correction"')
    assert web.index("cheval-agrafe-batterie") > answers
    assert web.index("## Objectif") < web.index("??? note")


def test_learner_html_never_holds_the_answers_of_any_repository_fiche():
    corpus = load_corpus(ROOT)
    site = settings.load(ROOT)
    checked = 0
    for fiche in corpus.fiches:
        _, section = facilitator.split(fiche.body)
        if section is None or "### Corrigé" not in section:
            continue
        answers = section.split("### Corrigé", 1)[1].split("\n### ", 1)[0]
        # distinctive words of the answers (long enough not to occur by chance)
        words = {w for w in re.findall(r"\w{9,}", answers)}
        html, _ = document.body_html(fiche, site, facilitator=False)
        learner_words = set(re.findall(r"\w{9,}", html))
        full, _ = document.body_html(fiche, site, facilitator=True)
        assert "Corrigé" not in html and "Corrigé" in full, fiche.rel_path
        only_in_answers = words - set(re.findall(r"\w{9,}", facilitator.split(fiche.body)[0]))
        assert not (only_in_answers & learner_words), fiche.rel_path
        checked += 1
    assert checked >= 10


def test_module_order_and_prerequisites(tmp_path):
    project = make_project(tmp_path, {
        "fiches/securite/_module.yml": module_yml("securite") + "fiches: [b-fiche, a-fiche]\n",
        "fiches/securite/a-fiche.md": fiche_text(V2_BODY, title="A", prerequisites="[b-fiche]"),
        "fiches/securite/b-fiche.md": fiche_text(V2_BODY, title="B"),
    })
    corpus = load_corpus(project)
    assert not corpus.errors, [p.format() for p in corpus.problems]
    module = corpus.module("securite")
    assert [f.slug for f in module.fiches] == ["b-fiche", "a-fiche"]
    assert corpus.next_fiche(module.fiches[0]).slug == "a-fiche"
    assert corpus.next_fiche(module.fiches[1]) is None


def test_unknown_prerequisites_and_cycles_are_errors_unknown_order_entries_warnings(tmp_path):
    project = make_project(tmp_path, {
        "fiches/securite/_module.yml": module_yml("securite") + "fiches: [a-fiche, zut]\n",
        "fiches/securite/a-fiche.md": fiche_text(V2_BODY, title="A",
                                                 prerequisites="[b-fiche, absente]"),
        "fiches/securite/b-fiche.md": fiche_text(V2_BODY, title="B", prerequisites="[a-fiche]"),
    })
    problems = [p.format() for p in load_corpus(project).problems]
    assert any("_module.yml:7: avertissement : fiche « zut » introuvable" in p for p in problems)
    assert any("prérequis « absente » introuvable" in p for p in problems), problems
    assert any("prérequis en boucle : a-fiche → b-fiche → a-fiche" in p for p in problems)
    assert any("la fiche « b-fiche » n'est pas dans l'ordre du module" in p for p in problems)


def test_find_cycle():
    assert find_cycle({"a": ["b"], "b": ["a"]}) == ["a", "b", "a"]
    assert find_cycle({"a": ["b"], "b": []}) is None


def test_every_repository_module_gives_an_order_that_covers_its_fiches():
    corpus = load_corpus(ROOT)
    for module in corpus.modules:
        assert module.sequence, module.slug
        missing = {f.slug for f in module.fiches} - set(module.sequence)
        assert not missing, (module.slug, missing)
