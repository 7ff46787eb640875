"""Content rules of `fichotheque check` (content/lint/): one bad fixture per rule."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import ROOT, VALID_BODY, fiche_text, make_project, run_build, small_corpus

from fichotheque.content import lint
from fichotheque.content.loading import load_corpus
from fichotheque.content.problems import ERROR, WARNING

FICHE = "fiches/securite/mots-de-passe.md"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa75\x81"
       b"\x84\x00\x00\x00\x00IEND\xaeB`\x82")
WORDS = "Le médiateur montre chaque étape avec calme et patience à tout le groupe. "  # 13 words


def with_extra(extra: str, **meta) -> str:
    """The valid fiche with `extra` appended to « Pour aller plus loin »."""
    return fiche_text(VALID_BODY.replace("- Demander conseil en médiathèque.\n",
                                         "- Demander conseil en médiathèque.\n" + extra + "\n"),
                      **meta)


def lint_fiche(tmp_path, text: str, files: dict | None = None):
    root = make_project(tmp_path / "p", {**small_corpus(), FICHE: text, **(files or {})},
                        with_site_files=False)
    problems = [p for p in lint.lint_project(root) if p.path == FICHE]
    return problems, root


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def found(problems, rule, severity=None):
    return [p for p in problems if p.rule == rule and (severity is None or p.severity == severity)]


# -- links --------------------------------------------------------------------------------------

def test_links_to_existing_fiches_and_anchors_pass(tmp_path):
    text = with_extra("- [Voir](hameconnage.md)\n"
                      "- [Ailleurs](../messagerie/pieces-jointes.md#a-retenir)\n"
                      "- [Ici](#objectif)\n- [Module](index.md)\n- [Toutes](../index.md)\n"
                      "- [Titre](hameconnage.md#hameconnage)")
    problems, _ = lint_fiche(tmp_path, text)
    assert not [p for p in problems if p.rule.startswith("link")], [p.format() for p in problems]


def test_broken_fiche_link_is_an_error_with_the_right_path_as_hint(tmp_path):
    text = with_extra("- [Pièces jointes](pieces-jointes.md)\n- [Typo](hamconnage.md)")
    problems, _ = lint_fiche(tmp_path, text)
    broken = found(problems, "link-broken", ERROR)
    assert [p.line for p in broken] == [line_of(text, "pieces-jointes.md"),
                                        line_of(text, "hamconnage.md")]
    assert broken[0].message == "lien vers « pieces-jointes.md » : fiche introuvable"
    assert "../messagerie/pieces-jointes.md" in broken[0].hint
    assert "hameconnage.md" in broken[1].hint
    assert broken[0].format().startswith(f"{FICHE}:{broken[0].line}: lien vers")


def test_unknown_anchor_is_a_warning(tmp_path):
    text = with_extra("- [Voir](hameconnage.md#nulle-part)\n- [Ici](#ailleurs)")
    problems, _ = lint_fiche(tmp_path, text)
    anchors = found(problems, "link-anchor", WARNING)
    assert [p.line for p in anchors] == [line_of(text, "#nulle-part"), line_of(text, "#ailleurs")]


def test_missing_linked_file_is_an_error(tmp_path):
    text = with_extra("- [Le guide](documents/guide.pdf)")
    problems, _ = lint_fiche(tmp_path, text)
    assert [p.message for p in found(problems, "link-broken")] == [
        "lien vers « documents/guide.pdf » : fichier introuvable"]


# -- images -------------------------------------------------------------------------------------

def test_images_missing_without_alt_heavy_or_external(tmp_path):
    text = with_extra("![Écran d'accueil](images/ok.png)\n\n![](images/ok.png)\n\n"
                      "![Capture](images/absente.png)\n\n![Lourde](images/lourde.png)\n\n"
                      "![Pisteur](https://exemple.fr/pixel.png)")
    files = {"fiches/securite/images/ok.png": PNG,
             "fiches/securite/images/lourde.png": PNG + b"\0" * 600_000}
    problems, _ = lint_fiche(tmp_path, text, files)
    assert [p.line for p in found(problems, "image-alt", ERROR)] == [line_of(text, "![](")]
    missing = found(problems, "image-missing", ERROR)
    assert [p.line for p in missing] == [line_of(text, "absente.png")]
    assert missing[0].message == "image « images/absente.png » introuvable"
    heavy = found(problems, "image-size", WARNING)
    assert [p.line for p in heavy] == [line_of(text, "lourde.png")]
    assert "586 Ko, 500 Ko au plus" in heavy[0].message
    external = found(problems, "image-external", ERROR)
    assert [p.line for p in external] == [line_of(text, "pixel.png")]


def test_emoji_shortcodes_loaded_from_a_cdn_are_errors(tmp_path):
    text = with_extra("Bravo :smile: ! Icône locale :material-shield-lock: et heure 10:30:00.")
    problems, _ = lint_fiche(tmp_path, text)
    assert [p.message for p in found(problems, "image-external")] == [
        "émoticône « :smile: » chargée depuis un autre site"]


# -- raw HTML and unsafe URLs ---------------------------------------------------------------------

def test_allowed_html_passes_and_other_html_is_a_warning(tmp_path):
    text = with_extra("Appuyez sur <kbd>Ctrl</kbd> + <kbd>C</kbd>, H<sub>2</sub>O, m<sup>2</sup>,"
                      " <abbr title=\"Caisse d'allocations familiales\">CAF</abbr><br>\n\n"
                      "<div class=\"encadre\">Texte</div>")
    problems, _ = lint_fiche(tmp_path, text)
    html = found(problems, "html")
    assert [(p.line, p.severity) for p in html] == [(line_of(text, "<div"), WARNING)]
    assert not found(problems, "html-unsafe")


@pytest.mark.parametrize("payload", [
    "<script>alert(1)</script>",
    "<iframe src=\"https://exemple.fr\"></iframe>",
    "<object data=\"x.swf\"></object>",
    "<embed src=\"x.swf\">",
    "<style>body { display: none }</style>",
    "<form action=\"https://exemple.fr\">",
    "<input type=\"password\">",
])
def test_unsafe_tags_are_errors(tmp_path, payload):
    text = with_extra(payload)
    problems, _ = lint_fiche(tmp_path, text)
    unsafe = found(problems, "html-unsafe", ERROR)
    assert unsafe and unsafe[0].line == line_of(text, payload)
    assert unsafe[0].message.startswith("balise « <")


@pytest.mark.parametrize("payload", [
    "<kbd onclick=\"alert(1)\">Ctrl</kbd>",
    "[Lien](https://exemple.fr){: onmouseover=\"alert(1)\" }",
    "![Texte\" onerror=\"alert(1)](images/x.png)",
])
def test_event_handlers_are_errors_even_on_allowed_tags(tmp_path, payload):
    text = with_extra(payload)
    problems, _ = lint_fiche(tmp_path, text)
    unsafe = found(problems, "html-unsafe", ERROR)
    assert [p.line for p in unsafe][:1] == [line_of(text, payload)]
    assert "interdit" in unsafe[0].message and "on" in unsafe[0].message


@pytest.mark.parametrize(("payload", "scheme"), [
    ("[Clic](javascript:alert(1))", "javascript"),
    ("[Clic](JavaScript&#x3A;alert(1))", "javascript"),
    ("[Clic](data:text/html;base64,PHNjcmlwdD4=)", "data"),
    ("<a href=\"vbscript:msgbox(1)\">vb</a>", "vbscript"),
    ("![Image](data:image/png;base64,AAAA)", "data"),
    ("[ref]: javascript:alert(1)", "javascript"),
    ("<javascript:alert(1)>", "javascript"),
])
def test_unsafe_urls_are_errors(tmp_path, payload, scheme):
    text = with_extra(payload)
    problems, _ = lint_fiche(tmp_path, text)
    unsafe = found(problems, "unsafe-url", ERROR)
    assert [p.line for p in unsafe] == [line_of(text, payload)]
    assert f"« {scheme}: »" in unsafe[0].message


def test_code_is_shown_not_interpreted(tmp_path):
    text = with_extra("Le code `<script>alert(1)</script>` est un exemple.\n\n"
                      "```html\n<iframe src=\"javascript:alert(1)\"></iframe>\n```")
    problems, _ = lint_fiche(tmp_path, text)
    assert not [p for p in problems if p.is_error], [p.format() for p in problems]


def test_html_in_front_matter_values_is_an_error(tmp_path):
    text = fiche_text(title='"<img src=x onerror=alert(1)> Mot de passe"',
                      tags='["<b>gras</b>", "[x](javascript:alert(1))"]')
    problems, _ = lint_fiche(tmp_path, text)
    errors = [(p.line, p.rule) for p in problems if p.is_error]
    assert (line_of(text, "title:"), "html-unsafe") in errors
    assert (line_of(text, "tags:"), "html-unsafe") in errors
    assert (line_of(text, "tags:"), "unsafe-url") in errors


# -- Jinja --------------------------------------------------------------------------------------

@pytest.mark.parametrize("payload", ["Calcul {{ 7 * 7 }}", "{% include 'x' %}", "{# note #}",
                                     "{{ ''.__class__.__mro__ }}"])
def test_jinja_syntax_in_the_body_is_an_error(tmp_path, payload):
    text = with_extra(payload)
    problems, _ = lint_fiche(tmp_path, text)
    assert [p.line for p in found(problems, "jinja", ERROR)] == [line_of(text, payload)]


def test_jinja_syntax_in_front_matter_is_an_error_but_heading_ids_are_fine(tmp_path):
    text = fiche_text(description='"Calculez {{ 6 * 7 }} euros"').replace(
        "## Exercice", "## Exercice {#exercice-pratique}")
    problems, _ = lint_fiche(tmp_path, text)
    assert [p.line for p in found(problems, "jinja")] == [line_of(text, "description:")]


# -- length and template ------------------------------------------------------------

def test_length_warnings_exclude_the_facilitator_block(tmp_path):
    long_steps = "\n".join(f"{i}. {WORDS * 8}" for i in range(1, 12))  # > 1,100 words
    text = fiche_text(VALID_BODY.replace("1. Choisir quatre mots au hasard.", long_steps))
    problems, _ = lint_fiche(tmp_path, text)
    [length] = found(problems, "length", WARNING)
    assert "trop longue" in length.message

    notes = "    " + WORDS * 80  # 1,040 words for the facilitator only
    text = fiche_text(VALID_BODY + "\n" + notes + "\n")
    problems, _ = lint_fiche(tmp_path / "court", text)
    [length] = found(problems, "length", WARNING)
    assert "très courte" in length.message

    text = fiche_text(VALID_BODY.replace("Savoir créer un mot de passe solide.", WORDS * 25))
    problems, _ = lint_fiche(tmp_path / "juste", text)
    assert not found(problems, "length")


def test_template_leftovers_are_an_error(tmp_path):
    template = (ROOT / "fiches/MODELE.md").read_text(encoding="utf-8")
    problems, _ = lint_fiche(tmp_path, template, {"fiches/MODELE.md": template})
    [leftover] = found(problems, "template", ERROR)
    assert leftover.message.startswith("fiche à compléter")


# -- whole project, CLI and build --------------------------------------------------

def test_repository_fiches_have_no_content_error():
    problems = lint.lint_project(ROOT)
    assert [p.format() for p in problems if p.is_error] == []
    assert load_corpus(ROOT).errors == []


def check(root, *args):
    return subprocess.run([sys.executable, "-m", "fichotheque", "--root", str(root), "check",
                           *args], capture_output=True, text=True)


def test_check_exit_codes_and_json_include_the_new_rules(tmp_path):
    root = make_project(tmp_path / "ok", small_corpus(), with_site_files=False)
    result = check(root)
    assert result.returncode == 0  # short fiches only warn
    assert "avertissement : fiche très courte" in result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("Tout est correct : 3 fiches")

    text = with_extra("[Clic](javascript:alert(1))\n\n![](images/absente.png)")
    root = make_project(tmp_path / "ko", {**small_corpus(), FICHE: text}, with_site_files=False)
    result = check(root, "--format", "json")
    assert result.returncode == 1
    rules = {(p["rule"], p["severity"], p["line"]) for p in json.loads(result.stdout)}
    assert ("unsafe-url", "error", line_of(text, "javascript:")) in rules
    assert ("image-alt", "error", line_of(text, "absente")) in rules
    assert ("image-missing", "error", line_of(text, "absente")) in rules
    result = check(root)
    assert f"{FICHE}:{line_of(text, 'javascript:')}: adresse « javascript: » interdite" in (
        result.stderr)
    assert "Traceback" not in result.stderr


def test_content_errors_stop_the_build(project):
    (project / FICHE).write_text(with_extra("<script>alert(1)</script>"), encoding="utf-8")
    result = run_build(project)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert f"{FICHE}:" in output and "balise « <script> » interdite" in output
    assert "Traceback" not in output
    assert not (project / "site/fiches/securite/mots-de-passe/index.html").exists()
