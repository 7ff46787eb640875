"""Parcours: `parcours/<slug>.yml` checked against the fiches (content/parcours.py)."""

from __future__ import annotations

import textwrap

from fichotheque.content.loading import load_corpus
from tests.conftest import fiche_text, make_project, small_corpus

GOOD = """\
title: "Se protéger en ligne"
goal: "Créer des mots de passe solides et repérer les faux messages."
audience: [grand-public]
level: debutant
updated: 2026-11-20
pass_numerique: true
prerequisites:
  - "Savoir allumer un ordinateur."
sessions:
  - title: "Des mots de passe solides"
    duration: 120
    fiches: [mots-de-passe]
  - title: "Les faux messages"
    duration: 120
    fiches: [hameconnage]
    note: "Apportez des exemples de SMS."
  - title: "Joindre un document"
    duration: 90
    fiches: [pieces-jointes]
"""


def corpus_with(tmp_path, text: str, name: str = "se-proteger.yml", **extra):
    files = small_corpus()
    files["fiches/securite/hameconnage.md"] = fiche_text(
        title="Reconnaître l'hameçonnage", description="Repérer un faux message.",
        duration=60, prerequisites="[mots-de-passe]")
    files[f"parcours/{name}"] = textwrap.dedent(text)
    files.update(extra)
    return load_corpus(make_project(tmp_path / "p", files, with_site_files=False))


def messages(corpus, rel="parcours/se-proteger.yml"):
    return [(p.line, p.message, p.severity) for p in corpus.problems if p.path == rel]


def test_a_good_parcours_loads_with_its_sessions_in_order(tmp_path):
    corpus = corpus_with(tmp_path, GOOD)
    assert messages(corpus) == []
    (parcours,) = corpus.parcours
    assert parcours.url == "parcours/se-proteger/"
    assert parcours.fiche_slugs == ("mots-de-passe", "hameconnage", "pieces-jointes")
    assert parcours.total_duration == 330 and parcours.pass_numerique
    assert parcours.sessions[1].note == "Apportez des exemples de SMS."
    assert [p.slug for p in corpus.parcours_of("hameconnage")] == ["se-proteger"]
    assert corpus.parcours_of("inconnue") == ()


def test_a_fiche_before_its_prerequisite_is_an_error_with_its_line(tmp_path):
    text = GOOD.replace("fiches: [mots-de-passe]", "fiches: [hameconnage]", 1)
    text = text.replace("fiches: [hameconnage]\n    note", "fiches: [mots-de-passe]\n    note")
    corpus = corpus_with(tmp_path, text)
    found = messages(corpus)
    assert any("vient avant « mots-de-passe »" in m and line == 12 for line, m, _ in found), found
    assert corpus.parcours == ()


def test_unknown_fiche_duplicate_short_session_and_pass_numerique_total(tmp_path):
    text = (GOOD.replace("fiches: [pieces-jointes]", "fiches: [pieces-jointes, inconnue]")
            .replace("duration: 120\n    fiches: [hameconnage]",
                     "duration: 45\n    fiches: [hameconnage]"))
    found = [m for _, m, _ in messages(corpus_with(tmp_path, text))]
    assert any("fiche « inconnue » introuvable" in m for m in found), found
    assert any("séance 2 : la séance dure 45 min mais ses fiches demandent 60 min" in m
               for m in found), found
    short = GOOD.replace("duration: 120", "duration: 60")
    found = [m for _, m, _ in messages(corpus_with(tmp_path / "b", short))]
    assert any("durée totale 3 h 30" in m and "5 h à 10 h" in m for m in found), found
    twice = GOOD.replace("fiches: [pieces-jointes]", "fiches: [mots-de-passe]")
    found = [m for _, m, _ in messages(corpus_with(tmp_path / "c", twice))]
    assert any("déjà dans la séance 1" in m for m in found), found


def test_missing_prerequisite_is_a_warning_and_bad_values_are_errors(tmp_path):
    text = GOOD.split("  - title: \"Joindre")[0].replace("fiches: [mots-de-passe]",
                                                         "fiches: [pieces-jointes]")
    corpus = corpus_with(tmp_path, text.replace("pass_numerique: true", "pass_numerique: false"))
    assert corpus.parcours  # a warning does not stop it
    assert [(line, m) for line, m, s in messages(corpus) if s == "warning"] == [
        (15, "séance 2 : la fiche « hameconnage » demande « mots-de-passe », absente du parcours")]
    bad = (GOOD.replace('level: debutant', 'level: expert')
           .replace('title: "Se protéger en ligne"', 'title: "<b>Gras</b>"')
           .replace("updated: 2026-11-20", "updated: 2026-11-20\ncouleur: rouge"))
    found = messages(corpus_with(tmp_path / "b", bad))
    text_of = [m for _, m, _ in found]
    assert any("niveau « expert » inconnu" in m for m in text_of)
    assert any("« title » contient les signes < ou >" in m for m in text_of)
    assert any(m == "clé « couleur » inconnue" and line == 6 for line, m, _ in found), found


def test_broken_yaml_and_stray_files_are_reported_not_raised(tmp_path):
    files = small_corpus()
    files["parcours/casse.yml"] = "title: [oups\n"
    files["parcours/notes.txt"] = "brouillon"
    corpus = load_corpus(make_project(tmp_path / "p", files, with_site_files=False))
    paths = {p.path for p in corpus.errors}
    assert {"parcours/casse.yml", "parcours/notes.txt"} <= paths
    assert corpus.parcours == ()


def test_choose_one_counts_the_longest_fiche_and_assumes_silences_a_known_prerequisite(tmp_path):
    text = GOOD.replace('''  - title: "Les faux messages"
    duration: 120
    fiches: [hameconnage]''', '''  - title: "Au choix"
    duration: 60
    choose_one: true
    fiches: [hameconnage, pieces-jointes]''').split('  - title: "Joindre')[0]
    text = text.replace("pass_numerique: true", "pass_numerique: false")
    corpus = corpus_with(tmp_path, text)
    assert messages(corpus) == []
    assert corpus.parcours[0].sessions[1].choose_one
    alone = text.replace("fiches: [hameconnage, pieces-jointes]", "fiches: [hameconnage]")
    found = [m for _, m, _ in messages(corpus_with(tmp_path / "b", alone))]
    assert any("« choose_one » demande au moins deux fiches" in m for m in found), found
    skip = GOOD.replace("fiches: [mots-de-passe]", "fiches: [pieces-jointes]", 1).split(
        '  - title: "Joindre')[0].replace("pass_numerique: true", "pass_numerique: false")
    corpus = corpus_with(tmp_path / "c", skip.replace("sessions:", "assumes: [mots-de-passe]\n"
                                                      "sessions:"))
    assert messages(corpus) == [] and corpus.parcours[0].assumes == ("mots-de-passe",)
    unknown = skip.replace("sessions:", "assumes: [inconnue]\nsessions:")
    found = [m for _, m, _ in messages(corpus_with(tmp_path / "d", unknown))]
    assert any("fiche « inconnue » introuvable" in m for m in found), found


def test_the_repository_ships_pass_numerique_parcours_and_a_quiz_per_module():
    from tests.conftest import ROOT

    corpus = load_corpus(ROOT)
    problems = [p.format() for p in corpus.errors
                if p.path.startswith("parcours/") or p.path.endswith("_positionnement.yml")]
    assert problems == []
    paths = [p for p in corpus.parcours if p.pass_numerique]
    assert len(paths) >= 6
    assert all(300 <= p.total_duration <= 600 for p in paths)
    assert [m.slug for m in corpus.modules if m.quiz is None] == []
    assert all(8 <= len(m.quiz.questions) <= 15 for m in corpus.modules)


def test_a_symlinked_parcours_is_refused_and_never_read(tmp_path):
    from fichotheque.content import assets

    secret = tmp_path / "secret.yml"
    secret.write_text(GOOD, encoding="utf-8")
    project = make_project(tmp_path / "p", small_corpus(), with_site_files=False)
    (project / "parcours").mkdir()
    (project / "parcours" / "lien.yml").symlink_to(secret)
    corpus = load_corpus(project)
    assert corpus.parcours == ()
    assert any(p.path == "parcours/lien.yml" for p in corpus.errors)
    assert any(p.path == "parcours/lien.yml" for p in assets.project_problems(project))
