"""Strings from contributors' YAML reach every page as text, never as markup or template code.

Markup (`<`, `>`) in a title, a description or the structure's name is refused by `check`
(tests/test_hostile.py). What remains allowed — quotes, ampersands, template braces, entity
look-alikes, the word « javascript: » — is built into a real site and opened in Chromium:
nothing runs, nothing is evaluated, the text reads as written.
"""

from __future__ import annotations

import json
import re

import pytest
from conftest import ROOT, fiche_text, make_project, module_yml, run_build

MODULE_TITLE = "Sécurité & \"vie\" 'privée' {{ 7*7 }}"
MODULE_DESCRIPTION = "javascript:alert(1) &lt;script&gt;alert(2)&lt;/script&gt; {% raw %}"
FICHE_TITLE = "Mot de passe \"solide\" & ${alert(3)} `alert(4)`"
STRUCTURE = "EPN \"Les Lilas\" & Cie {{ 6*7 }}"


def yaml_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@pytest.fixture(scope="module")
def tricky_site(tmp_path_factory):
    base = tmp_path_factory.mktemp("yaml-strings")
    module = module_yml("securite", yaml_quote(MODULE_TITLE)).replace(
        "Se protéger en ligne.", yaml_quote(MODULE_DESCRIPTION))
    files = {
        "fiches/securite/_module.yml": module,
        "fiches/securite/mots-de-passe.md": fiche_text(title=yaml_quote(FICHE_TITLE)),
    }
    project = make_project(base / "projet", files)
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"(\n  structure:\n    name: ).*\n", rf"\g<1>{yaml_quote(STRUCTURE)}\n",
                    config, count=1)
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    result = run_build(project, base / "site", env={"FICHOTHEQUE_PDF": "0"})
    assert result.returncode == 0, result.stdout + result.stderr
    return base / "site"


PAGES = ("", "fiches/securite/", "fiches/securite/mots-de-passe/", "catalogue/")


@pytest.mark.parametrize("path", PAGES)
def test_yaml_strings_are_text_on_every_page(tricky_site, serve, new_page, path):
    url = serve(tricky_site)
    page = new_page(allowed=(url,))
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    response = page.goto(url + path)
    assert response is not None and response.ok, path
    page.wait_for_load_state("networkidle")
    for element in page.locator("nav a, header, footer a").all()[:40]:
        if element.is_visible():
            element.hover()
    text = page.evaluate("document.body.innerText")
    assert dialogs == []
    assert "49" not in text and "42" not in re.sub(r"\d{3,}", "", text)
    assert "{{ 7*7 }}" in text or path == "fiches/securite/mots-de-passe/"
    assert STRUCTURE in text  # the footer names the structure as written
    # no executable script carries our strings (JSON-LD data may, as valid JSON)
    scripts = page.evaluate("""[...document.scripts]
        .filter(s => !/json/.test(s.type)).map(s => s.textContent).join(' ')""")
    assert "alert(" not in scripts
    for data in page.evaluate("""[...document.scripts]
            .filter(s => /json/.test(s.type)).map(s => s.textContent)"""):
        json.loads(data)


def test_the_fiche_title_reads_as_written(tricky_site, serve, new_page):
    url = serve(tricky_site)
    page = new_page(allowed=(url,))
    page.goto(url + "fiches/securite/mots-de-passe/")
    assert FICHE_TITLE in page.title()
    assert page.locator("h1").first.inner_text().strip() == FICHE_TITLE
