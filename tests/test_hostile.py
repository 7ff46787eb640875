"""Hostile and malformed input, file type by file type: `fichotheque check` refuses each one
with a located French message and a non-zero exit, never a traceback, never a hang.

Each case is a project (the small corpus plus the case's files) and what the message must name.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, fiche_text, make_project, module_yml, small_corpus, write_files

FICHE = "fiches/securite/mots-de-passe.md"
MODULE = "fiches/securite/_module.yml"
BOMB = ("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
        "g: [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n")
ENGLISH = re.compile(r"Traceback|Error:|Exception|could not|expected|found character")


def fiche_with_front(front: str) -> str:
    body = fiche_text().split("\n---\n", 1)[1]
    return f"---\n{front}---\n{body}"


def meta_line(key: str, value: str) -> str:
    """The valid fiche with one front-matter line replaced."""
    return re.sub(rf"^{key}: .*$", f"{key}: {value}", fiche_text(), count=1, flags=re.M)


MKDOCS = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")


def mkdocs_with_structure(**values: str) -> str:
    lines = "\n".join(f"    {k}: {v}" for k, v in values.items())
    return MKDOCS.replace("\nextra:\n", f"\nextra:\n  structure:\n{lines}\n", 1) \
        if "\n  structure:\n" not in MKDOCS else re.sub(
            r"\n  structure:\n(    .*\n)+", f"\n  structure:\n{lines}\n", MKDOCS, count=1)


# (case id, files to write, path expected in the message, words expected in the message)
CASES: list[tuple[str, dict, str, str]] = [
    # --- fiche front matter ----------------------------------------------------------------
    ("date-30-fevrier", {FICHE: meta_line("updated", "2026-02-30")}, FICHE + ":", "n'existe pas"),
    ("date-mois-13", {FICHE: meta_line("updated", "2026-13-45")}, FICHE + ":", "n'existe pas"),
    ("date-texte", {FICHE: meta_line("updated", "hier")}, FICHE + ":", "date"),
    ("niveau-liste", {FICHE: meta_line("level", "[debutant]")}, FICHE + ":", "niveau"),
    ("cle-en-double", {FICHE: fiche_text() .replace("level: debutant",
                                                   "level: debutant\ntitle: Autre titre")},
     FICHE + ":", "deux fois"),
    ("bombe-alias", {FICHE: fiche_with_front("title: Test\n" + BOMB)}, FICHE + ":",
     "ancres et renvois"),
    ("balise-python", {FICHE: meta_line("title", "!!python/object/apply:os.system [ls]")},
     FICHE + ":", "balise"),
    ("balise-perso", {FICHE: meta_line("title", "!secret Titre")}, FICHE + ":", "balise"),
    ("octet-nul", {FICHE: fiche_text().replace("Choisir quatre", "Choisir\x00quatre")}, FICHE,
     "caractère de contrôle"),
    ("pas-utf8", {FICHE: fiche_text().encode("cp1252", errors="replace")}, FICHE, "UTF-8"),
    ("deux-points", {FICHE: meta_line("description", "Payer : en ligne")}, FICHE + ":",
     "guillemets"),
    ("tabulation", {FICHE: meta_line("tags", "\n\t- un")}, FICHE + ":", "tabulation"),
    ("guillemet-ouvert", {FICHE: meta_line("title", '"Titre sans fin')}, FICHE + ":",
     "guillemet"),
    ("fiche-geante", {FICHE: fiche_text() + ("Une phrase de plus. " * 12_000)}, FICHE,
     "trop longue"),
    ("titre-script", {FICHE: meta_line("title", '"Piège</title><script>alert(1)</script>"')},
     FICHE + ":", "balise HTML"),
    ("description-img", {FICHE: meta_line("description", '"<img src=x onerror=alert(1)>"')},
     FICHE + ":", "balise HTML"),
    ("tags-balise", {FICHE: meta_line("tags", '["<b>gras</b>"]')}, FICHE + ":", "balise HTML"),
    ("auteurs-balise", {FICHE: meta_line("authors", '["<svg onload=alert(1)>"]')}, FICHE + ":",
     "balise HTML"),
    ("duree-texte", {FICHE: meta_line("duration", "soixante")}, FICHE + ":", "durée"),
    ("duree-enorme", {FICHE: meta_line("duration", "100000")}, FICHE + ":", "durée"),
    ("front-liste", {FICHE: fiche_with_front("- a\n- b\n")}, FICHE + ":", "clé: valeur"),
    ("front-non-ferme", {FICHE: "---\ntitle: x\n## Objectif\n"}, FICHE + ":", "pas fermé"),
    ("fichier-vide", {FICHE: ""}, FICHE + ":", "métadonnées"),
    ("competences-dict", {FICHE: meta_line("competences", "{a: b}")}, FICHE + ":",
     "compétence"),
    ("licence-liste", {FICHE: meta_line("licence", "[CC-BY-4.0]")}, FICHE + ":", "licence"),
    ("prerequis-inconnu", {FICHE: fiche_text(prerequisites="[fiche-fantome]")}, FICHE + ":",
     "fiche-fantome"),
    ("module-different", {FICHE: meta_line("module", "messagerie")}, FICHE + ":", "module"),
    ("nom-fichier-espace", {"fiches/securite/mot de passe.md": fiche_text(title="Autre")},
     "fiches/securite/mot de passe.md", "nom de fichier"),
    # --- _module.yml -----------------------------------------------------------------------
    ("module-titre-script", {MODULE: module_yml(
        "securite", '"Piège</title><script>alert(1)</script><img src=x onerror=alert(2)>"')},
     MODULE + ":", "< ou >"),
    ("module-icone-chemin", {MODULE: module_yml("securite").replace(
        "material/shield-lock", "../../../../etc/passwd")}, MODULE + ":", "icône"),
    ("module-icone-inconnue", {MODULE: module_yml("securite").replace(
        "material/shield-lock", "material/n-existe-pas")}, MODULE + ":", "icône"),
    ("module-bombe", {MODULE: module_yml("securite") + BOMB}, MODULE + ":", "ancres"),
    ("module-cle-double", {MODULE: module_yml("securite") + "order: 3\n"}, MODULE + ":",
     "deux fois"),
    ("module-ordre-texte", {MODULE: module_yml("securite").replace("order: 1", "order: un")},
     MODULE + ":", "order"),
    ("module-liste", {MODULE: "- title\n- order\n"}, MODULE + ":", "clé: valeur"),
    ("module-binaire", {MODULE: bytes(range(256))}, MODULE, "UTF-8"),
    ("module-description-html", {MODULE: module_yml("securite").replace(
        "Se protéger en ligne.", '"<a href=javascript:alert(1)>clic</a>"')}, MODULE + ":",
     "< ou >"),
    ("dossier-module-accent", {"fiches/Sécurité/_module.yml": module_yml("securite"),
                               "fiches/Sécurité/autre.md": fiche_text(title="Autre")},
     "fiches/Sécurité", "nom de module"),
    # --- mkdocs.yml (the parts we own) -----------------------------------------------------
    ("structure-url-javascript", {"mkdocs.yml": mkdocs_with_structure(
        name="EPN", url='"javascript:alert(1)"')}, "mkdocs.yml", "extra.structure.url"),
    ("structure-email", {"mkdocs.yml": mkdocs_with_structure(name="EPN", email="pas-un-mail")},
     "mkdocs.yml", "extra.structure.email"),
    ("structure-nom-script", {"mkdocs.yml": mkdocs_with_structure(
        name='"EPN<script>alert(1)</script>"')}, "mkdocs.yml", "extra.structure.name"),
    ("site-url-javascript", {"mkdocs.yml": re.sub(r"^site_url: .*$", 'site_url: "javascript:x"',
                                                  MKDOCS, count=1, flags=re.M)},
     "mkdocs.yml", "site_url"),
    ("mkdocs-illisible", {"mkdocs.yml": MKDOCS.replace("site_name: ", "site_name: [", 1)},
     "mkdocs.yml", "illisible"),
]


def check(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fichotheque", "--root", str(project), "check"],
                          capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))


@pytest.mark.parametrize(("files", "where", "words"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_hostile_input_is_refused_with_a_located_french_message(tmp_path, files, where, words):
    project = make_project(tmp_path / "p", small_corpus())
    (project / "mkdocs.yml").write_text(MKDOCS, encoding="utf-8")
    write_files(project, files)
    result = check(project)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert not ENGLISH.search(result.stderr), result.stderr
    located = [line for line in output.splitlines() if where in line and words in line]
    assert located, output[-2000:]


def test_there_are_at_least_forty_cases():
    assert len(CASES) >= 40
    assert len({c[0] for c in CASES}) == len(CASES)
