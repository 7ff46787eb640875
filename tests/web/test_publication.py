"""The real MkDocs build of a tiny project: catalogue page and open data, feed, JSON-LD,
search tuning, and the local identity (`extra.structure`) followed everywhere."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET

import jsonschema
import pytest
from conftest import run_build

from fichotheque.web import catalogue, feed


def read(path):
    return path.read_text(encoding="utf-8")


def set_structure(project, **changes):
    """Edit `extra.structure` in the project's mkdocs.yml (name, logo, colours…)."""
    config = project / "mkdocs.yml"
    head, marker, block = read(config).partition("\n  structure:\n")
    for key, value in changes.items():
        block, count = re.subn(rf"(?m)^(    {key}:).*$", rf"\g<1> {value}", block)
        assert count == 1, key
    config.write_text(head + marker + block, encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The small corpus built once, with a structure of its own."""
    from conftest import make_project, small_corpus

    project = make_project(tmp_path_factory.mktemp("pub") / "projet", small_corpus())
    set_structure(project, name="Réseau des EPN de Testville", url="https://epn.testville.fr/")
    config = project / "mkdocs.yml"
    config.write_text(read(config).replace(
        '      primary: "#3949ab"', '      primary: "#00695c"'), encoding="utf-8")
    result = run_build(project)
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "site"


def test_structure_name_reaches_pages_open_data_and_feed(built):
    for page in ("index.html", "catalogue/index.html", "fiches/securite/mots-de-passe/index.html"):
        assert "Réseau des EPN de Testville" in read(built / page), page
    data = json.loads(read(built / "catalogue.json"))
    assert data["structure"]["name"] == "Réseau des EPN de Testville"
    assert data["structure"]["url"] == "https://epn.testville.fr/"
    root = ET.parse(built / "feed.xml").getroot()
    assert root.findtext("{http://www.w3.org/2005/Atom}author/{http://www.w3.org/2005/Atom}name") \
        == "Réseau des EPN de Testville"
    jsonld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>',
                                  read(built / "fiches/securite/mots-de-passe/index.html"),
                                  re.S).group(1))
    assert jsonld["publisher"]["name"] == "Réseau des EPN de Testville"


def test_badges_carry_the_local_identity(built):
    """Badge images, the issuer image and profile say who awards them: Testville, not us."""
    from fichotheque.badges import images

    profile = json.loads(read(built / "badges/emetteur.json"))
    assert profile["name"] == "Réseau des EPN de Testville"
    assert "Collectif" not in profile["description"]  # not the project's own sentence
    badge = json.loads(read(built / "badges/securite.json"))
    drawn = images.badge_png(badge["name"], "#B3261E", "securite",
                             caption="Réseau des EPN de Testville")
    assert (built / "badges/securite.png").read_bytes() == drawn
    assert (built / "badges/emetteur.png").read_bytes() == images.badge_png(
        "Réseau des EPN de Testville", "#00695c", "", caption="Badges numériques")
    assert "Fichothèque" not in read(built / "badges/emetteur.json")


def test_structure_colours_become_css_custom_properties(built):
    css = read(built / "assets/fichotheque-identite.css")
    assert "--md-primary-fg-color: #00695c;" in css
    assert "--md-accent-fg-color:" in css
    assert "assets/fichotheque-identite.css" in read(built / "index.html")


def test_catalogue_json_is_valid_against_its_published_schema(built):
    data = json.loads(read(built / "catalogue.json"))
    schema = json.loads(read(built / "catalogue.schema.json"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(data)
    assert data["schema_version"] == catalogue.SCHEMA_VERSION
    assert data["count"] == 3 and len(data["fiches"]) == 3
    fiche = next(f for f in data["fiches"] if f["id"] == "securite/mots-de-passe")
    base = "https://fichotheque.github.io/fichotheque/fiches/securite/mots-de-passe/"
    assert fiche["urls"] == {"page": base, "pdf": base + "mots-de-passe.pdf",
                             "facilitator_pdf": base + "mots-de-passe-animateur.pdf",
                             "source": base + "mots-de-passe.md"}
    assert fiche["licence"]["spdx"] == "CC-BY-SA-4.0"
    assert fiche["licence"]["url"] == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert {"code": "pix:4.1", "framework": "pix", "framework_name": "Pix",
            "label": "Sécuriser l'environnement numérique"} in fiche["competences"]
    assert fiche["updated"] == "2026-11-01" and fiche["duration_iso"] == "PT45M"


def test_fiche_page_has_learning_resource_json_ld(built):
    page = read(built / "fiches/securite/hameconnage/index.html")
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page,
                                re.S).group(1))
    assert data["@type"] == "LearningResource" and data["inLanguage"] == "fr"
    assert data["timeRequired"] == "PT1H" and data["educationalLevel"] == "Intermédiaire"
    assert data["license"] == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert data["dateModified"] == "2026-11-01"
    frameworks = {a["educationalFramework"] for a in data["educationalAlignment"]}
    assert frameworks == {"Pix", "DigComp 2.2"}
    assert all(a["alignmentType"] == "teaches" for a in data["educationalAlignment"])


def test_feed_link_and_reuse_block(built):
    page = read(built / "fiches/securite/mots-de-passe/index.html")
    assert re.search(r'<link rel="alternate" type="application/atom\+xml"[^>]*href="'
                     r'(\.\./)+feed\.xml"', page)
    block = re.search(r'<section class="fiche-reutiliser".*?</section>', page, re.S).group(0)
    assert "Réutiliser cette fiche" in block
    mention = html.unescape(re.search(r'id="mention-mots-de-passe"[^>]*>(.*?)</p>', block).group(1))
    assert mention.startswith("« Créer un mot de passe solide »")
    assert "https://fichotheque.github.io/fichotheque/fiches/securite/mots-de-passe/" in mention
    assert "CC BY-SA 4.0" in mention
    assert 'data-fichotheque-copier="Copier la mention"' in block
    assert "<button" not in block  # added by JavaScript: without it, plain text
    entries = feed.read(built / "feed.xml")
    assert len(entries) == 3


def test_fiche_pages_are_boosted_in_the_search_index(built):
    index = json.loads(read(built / "search/search_index.json"))
    boosts = {d["location"]: d.get("boost") for d in index["docs"]}
    assert boosts["fiches/securite/mots-de-passe/"] > 1
    assert boosts.get("catalogue/", 1) < 1
    catalogue_text = next(d["text"] for d in index["docs"] if d["location"] == "catalogue/")
    assert "Envoyer une pièce jointe" not in catalogue_text  # the table is not indexed


def test_bad_colour_stops_the_build_with_a_clear_message(project):
    config = project / "mkdocs.yml"
    config.write_text(read(config).replace('primary: "#3949ab"', 'primary: "bleu"'),
                      encoding="utf-8")
    result = run_build(project)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "extra.structure.colours.primary : « bleu » n'est pas une couleur" in output
    assert "Traceback" not in output


def test_remote_logo_is_refused_and_local_logo_is_shown(project):
    set_structure(project, logo='"https://example.org/logo.png"')
    result = run_build(project)
    assert result.returncode != 0
    assert "ne charge rien depuis un autre site" in result.stdout + result.stderr
    set_structure(project, logo="assets/logo.svg")
    (project / "docs/assets").mkdir(parents=True, exist_ok=True)
    (project / "docs/assets/logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', encoding="utf-8")
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    home = read(project / "site/index.html")
    assert re.search(r'<img src="assets/logo.svg" alt="Collectif Fichothèque">', home)


def test_accessibility_statement_names_the_structure_and_is_linked(built):
    page = read(built / "accessibilite/index.html")
    assert "Réseau des EPN de Testville s'engage" in page
    assert "non conforme" in page and "aucun audit" in page and "Défenseur des droits" in page
    assert "partiellement conforme" not in page
    assert "{{" not in page and "render_macros" not in page
    for other in ("index.html", "fiches/securite/mots-de-passe/index.html"):
        assert re.search(r'<a href="(\.\./)*accessibilite/">Accessibilité', read(built / other))
    assert 'href="../accessibilite/"' in read(built / "a-propos/index.html")
