"""`fichotheque new`: slug, template, date, licence, module, never overwrites."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT, make_project, small_corpus

from fichotheque.content import lint
from fichotheque.content.frontmatter import split
from fichotheque.content.loading import load_corpus
from fichotheque.content.scaffold import ScaffoldError, create, slugify

TODAY = dt.date(2026, 11, 22)


@pytest.fixture
def root(tmp_path):
    root = make_project(tmp_path / "p", small_corpus(), with_site_files=False)
    shutil.copy(ROOT / "fiches/MODELE.md", root / "fiches/MODELE.md")
    return root


@pytest.mark.parametrize(("title", "slug"), [
    ("Créer un mot de passe", "creer-un-mot-de-passe"),
    ("L'œuvre d’un cœur : Ærø", "l-oeuvre-d-un-coeur-aero"),
    ("  Trop   d'espaces  ", "trop-d-espaces"),
    ("Ça coûte « 0 € » ? Non !", "ca-coute-0-non"),
    ("E-mail, SMS & co.", "e-mail-sms-co"),
    ("Ελληνικά", ""),
])
def test_slugify(title, slug):
    assert slugify(title) == slug


def test_slug_is_cut_at_a_word_boundary():
    slug = slugify("Comprendre et remplir sa déclaration de revenus en ligne sans se tromper "
                   "de case ni de montant")
    assert len(slug) <= 60 and not slug.endswith("-")
    assert slug == "comprendre-et-remplir-sa-declaration-de-revenus-en-ligne"  # 61 with « -sans »


def test_new_fiche_from_the_template_is_valid_but_cannot_be_published_unfilled(root):
    fiche = create(root, "messagerie", "Créer un mot de passe : l'essentiel", today=TODAY)
    assert fiche.rel_path == "fiches/messagerie/creer-un-mot-de-passe-l-essentiel.md"
    doc = split(fiche.path.read_text(encoding="utf-8"))
    assert doc.meta["title"] == "Créer un mot de passe : l'essentiel"  # quoted for YAML
    assert doc.meta["module"] == "messagerie"
    assert doc.meta["licence"] == "CC-BY-SA-4.0"
    assert doc.meta["updated"] == TODAY
    template = split((root / "fiches/MODELE.md").read_text(encoding="utf-8"))
    assert doc.body == template.body

    corpus, problems = lint.check(root, today=TODAY)
    mine = [p for p in problems if p.path == fiche.rel_path]
    # the contract holds (it loads), but the untouched template text is an error
    assert corpus.fiche("messagerie", "creer-un-mot-de-passe-l-essentiel") is not None
    assert [p.rule for p in mine if p.is_error] == ["template"]


def test_new_never_overwrites(root):
    path = root / "fiches/securite/mots-de-passe.md"
    before = path.read_text(encoding="utf-8")
    with pytest.raises(ScaffoldError, match="existe déjà"):
        create(root, "securite", "Autre titre", slug="mots-de-passe", today=TODAY)
    with pytest.raises(ScaffoldError, match=r"déjà pris par fiches/securite/mots-de-passe\.md"):
        create(root, "messagerie", "Mots de passe", today=TODAY)
    with pytest.raises(ScaffoldError, match=r"déjà celui de fiches/securite/mots-de-passe\.md"):
        create(root, "messagerie", "Créer un mot de passe  solide", today=TODAY)
    assert path.read_text(encoding="utf-8") == before
    assert not list(root.glob("fiches/*/.nouvelle-*"))


@pytest.mark.parametrize(("module", "title", "message"), [
    ("inconnu", "Titre", "module « inconnu » inconnu ; modules existants : messagerie, securite"),
    ("", "Titre", "précisez le module avec --module"),
    ("securite", "   ", "le titre est vide"),
    ("securite", "?!", "impossible de faire un nom de fichier"),
    ("securite", "x" * 121, "titre trop long"),
])
def test_bad_requests_write_nothing(root, module, title, message):
    before = sorted(p.name for p in root.rglob("*"))
    with pytest.raises(ScaffoldError, match=message.replace("(", r"\(")):
        create(root, module, title, today=TODAY)
    assert sorted(p.name for p in root.rglob("*")) == before


def test_new_then_check_from_the_command_line(root):
    def run(*args):
        return subprocess.run([sys.executable, "-m", "fichotheque", "--root", str(root), *args],
                              capture_output=True, text=True)

    result = run("new", "--module", "securite", "--auteurs", "Anne Dupont, EPN de Testville",
                 "Reconnaître un faux site")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Fiche créée : fiches/securite/reconnaitre-un-faux-site.md")
    doc = split((root / "fiches/securite/reconnaitre-un-faux-site.md").read_text("utf-8"))
    assert doc.meta["authors"] == ["Anne Dupont", "EPN de Testville"]
    assert doc.meta["updated"] == dt.date.today()
    check = run("check")
    assert check.returncode == 1, check.stdout  # the template must be filled in first
    assert "fiches/securite/reconnaitre-un-faux-site.md:" in check.stderr
    assert "fiche à compléter" in check.stderr

    again = run("new", "--module", "securite", "Reconnaître un faux site")
    assert again.returncode == 1
    assert again.stderr.startswith("Erreur : fiches/securite/reconnaitre-un-faux-site.md existe")
    unknown = run("new", "--module", "jardinage", "Tailler les rosiers")
    assert unknown.returncode == 1 and "modules existants : messagerie, securite" in unknown.stderr
    assert "Traceback" not in again.stderr + unknown.stderr
    assert len(load_corpus(root).fiches) == 4
