"""Pages of the parcours and quizzes in a real MkDocs build (web/parcours_pages.py)."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from fichotheque.web import feed
from tests.conftest import fiche_text, make_project, run_build, small_corpus

PARCOURS = """\
title: "Se protéger & bien écrire"
goal: "Créer des mots de passe solides, repérer les faux messages et joindre un document."
audience: [grand-public]
level: debutant
updated: 2026-11-25
pass_numerique: true
prerequisites:
  - "Savoir allumer un ordinateur."
assumes: [pieces-jointes]
sessions:
  - title: "Des mots de passe solides"
    duration: 150
    fiches: [mots-de-passe]
    note: "Apportez des exemples."
  - title: "Les faux messages"
    duration: 150
    fiches: [hameconnage]
"""


def quiz(count: int = 8) -> str:
    items = "".join(
        f'  - question: "Question {n} : « guillemets » & esperluette ?"\n'
        f'    choices: ["Oui", "Non", "Peut-être"]\n'
        f"    answer: {1 + n % 3}\n"
        f"    fiche: {'hameconnage' if n % 2 else 'mots-de-passe'}\n"
        f'    explanation: "Parce que {n}."\n' for n in range(1, count + 1))
    return 'title: "Où en suis-je en sécurité ?"\nquestions:\n' + items


def project_files() -> dict[str, str]:
    """The small corpus with a parcours of two sessions and a quiz of the securite module."""
    files = small_corpus()
    files["fiches/securite/hameconnage.md"] = fiche_text(
        title="Reconnaître l'hameçonnage", description="Repérer un faux message.",
        competences="[pix:4.2, clea:4]", duration=60, prerequisites="[mots-de-passe]")
    files["fiches/securite/_positionnement.yml"] = quiz()
    files["parcours/se-proteger.yml"] = PARCOURS
    return files


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("p") / "projet", project_files())
    result = run_build(project)
    assert result.returncode == 0, result.stdout + result.stderr
    offline = project / "hors-ligne"
    result = run_build(project, offline, "--no-directory-urls")
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "site", offline


def read(path) -> str:
    return path.read_text(encoding="utf-8")


def test_parcours_page_lists_sessions_fiches_documents_and_prerequisites(site):
    online, _ = site
    page = read(online / "parcours/se-proteger/index.html")
    assert "<h1" in page and "Se protéger &amp; bien écrire" in page
    assert re.search(r"Séance 1 — Des mots de passe solides \(2 h 30\)", page)
    assert "5 h en 2 séances" in page and "Pass numérique" in page
    assert 'href="../../fiches/securite/mots-de-passe/"' in page
    assert 'href="../../fiches/messagerie/pieces-jointes/"' in page  # « assumes »
    for kind in ("plan", "livret", "carnet", "attestation"):  # built without PDFs: said so
        assert f"se-proteger-{kind}.pdf" in page
    assert "indisponible" in page
    listing = read(online / "parcours/index.html")
    assert 'href="se-proteger/"' in listing and "Créer des mots de passe solides" in listing


def test_fiche_page_names_its_parcours_and_session(site):
    online, offline = site
    page = read(online / "fiches/securite/hameconnage/index.html")
    assert "Cette fiche fait partie du parcours" in page
    assert 'href="../../../parcours/se-proteger/">Se protéger &amp; bien écrire</a> (séance 2 ' \
           "sur 2)" in page
    page = read(offline / "fiches/securite/hameconnage.html")
    assert 'href="../../parcours/se-proteger/index.html"' in page
    assert "fait partie" not in read(online / "fiches/messagerie/pieces-jointes/index.html")


def test_catalogue_filters_by_parcours_and_open_data_and_feed_carry_it(site):
    online, _ = site
    page = read(online / "catalogue/index.html")
    assert '<option value="se-proteger">Se protéger &amp; bien écrire</option>' in page
    assert page.count('data-parcours="se-proteger"') == 2
    data = json.loads(read(online / "catalogue.json"))
    assert data["schema_version"] == "1.1"
    (entry,) = data["parcours"]
    assert [s["fiches"] for s in entry["sessions"]] == [["securite/mots-de-passe"],
                                                      ["securite/hameconnage"]]
    assert entry["documents"]["carnet"].endswith("parcours/se-proteger/se-proteger-carnet.pdf")
    by_slug = {f["slug"]: f for f in data["fiches"]}
    assert by_slug["hameconnage"]["parcours"] == ["se-proteger"]
    assert by_slug["pieces-jointes"]["parcours"] == []
    securite = next(m for m in data["modules"] if m["slug"] == "securite")
    assert securite["quiz_url"].endswith("positionnement/securite/")
    entries = feed.read(online / "feed.xml")
    assert any(e["title"] == "Parcours : Se protéger & bien écrire" for e in entries)


def _quiz_data(page: str) -> dict:
    raw = re.search(r'<script type="application/json" id="quiz-donnees">(.*?)</script>', page,
                    re.S).group(1)
    assert "<" not in raw and "&" not in raw  # escaped: the JSON cannot close its script
    return json.loads(raw)


def test_quiz_page_carries_its_questions_and_works_without_directory_urls(site):
    online, offline = site
    page = read(online / "positionnement/securite/index.html")
    data = _quiz_data(page)
    assert len(data["questions"]) == 8
    first = data["questions"][0]
    assert first["text"] == "Question 1 : « guillemets » & esperluette ?"
    assert first["choices"] == ["Oui", "Non", "Peut-être", "Je ne sais pas"]
    assert first["answer"] == 1
    assert data["fiches"]["hameconnage"]["href"] == "../../fiches/securite/hameconnage/"
    assert data["parcours"][0]["href"] == "../../parcours/se-proteger/"
    assert 'src="../../assets/javascripts/positionnement.js"' in page
    assert (online / "assets/javascripts/positionnement.js").is_file()
    assert "securite-questionnaire.pdf" in page and "securite-grille.pdf" in page
    data = _quiz_data(read(offline / "positionnement/securite/index.html"))
    assert data["fiches"]["hameconnage"]["href"] == "../../fiches/securite/hameconnage.html"
    assert data["parcours"][0]["href"] == "../../parcours/se-proteger/index.html"
    listing = unescape(read(online / "positionnement/index.html"))
    assert "Où en suis-je en sécurité ?" in listing


def test_search_does_not_index_the_quiz_data(site):
    online, _ = site
    docs = json.loads(read(online / "search/search_index.json"))["docs"]
    assert not [d["location"] for d in docs if "esperluette" in d["text"]]  # not results
    assert any(d["title"] == "Où en suis-je en sécurité ?" for d in docs)
