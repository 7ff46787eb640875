"""The publication policy of contributor files (content/assets.py, content/svg.py) as `check`
sees it: every hostile file refused with its path, our own drawings and real documents pass."""

from __future__ import annotations

import io
import os
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, VALID_BODY, fiche_text, make_project, small_corpus
from PIL import Image

from fichotheque.content import assets, lint, svg
from fichotheque.content.loading import load_corpus
from fichotheque.content.problems import ERROR

MODULE = "fiches/securite"
FICHE = f"{MODULE}/mots-de-passe.md"
GOOD_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" role="img" '
            'aria-labelledby="t"><title id="t">Un carré</title><defs><marker id="m"/></defs>'
            '<rect width="10" height="10" fill="#fff" marker-end="url(#m)"/>'
            '<use href="#m"/></svg>')


def png(size=(8, 8), fmt="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, fmt)
    return out.getvalue()


def odt() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
        archive.writestr("META-INF/manifest.xml", "<manifest/>")
    return out.getvalue()


def docx(macros=False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        if macros:
            archive.writestr("word/vbaProject.bin", b"\x00")
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def project_with(tmp_path, files: dict | None = None) -> Path:
    return make_project(tmp_path / "p", {**small_corpus(), **(files or {})},
                        with_site_files=False)


def errors_of(root: Path) -> dict[str, list[str]]:
    """Errors of `check` by path (the whole command: loader, rules, policy)."""
    _, problems = lint.check(root)
    found: dict[str, list[str]] = {}
    for p in problems:
        if p.is_error:
            found.setdefault(p.path, []).append(p.message)
    return found


# -- good files pass ------------------------------------------------------------------------

def test_good_drawing_image_and_documents_pass(tmp_path):
    root = project_with(tmp_path, {
        f"{MODULE}/images/carre.svg": GOOD_SVG, f"{MODULE}/images/photo.png": png(),
        f"{MODULE}/images/photo.jpg": png(fmt="JPEG"), f"{MODULE}/images/anim.gif": png(fmt="GIF"),
        f"{MODULE}/images/photo.webp": png(fmt="WEBP"),
        f"{MODULE}/mots-de-passe/modele.pdf": PDF, f"{MODULE}/mots-de-passe/lettre.odt": odt(),
        f"{MODULE}/mots-de-passe/lettre.docx": docx(),
        f"{MODULE}/mots-de-passe/liste.csv": "nom;prénom\nDupont;Jeanne\n",
    })
    assert assets.project_problems(root) == []
    assert errors_of(root) == {}


def test_every_drawing_of_the_repository_passes_and_is_published_unchanged():
    drawings = sorted((ROOT / "fiches").rglob("*.svg"))
    assert len(drawings) >= 80
    for path in drawings:
        data = path.read_bytes()
        found = svg.examine(data)
        assert found.unsafe == () and found.dropped == (), path
        # the re-serialised copy is the same XML document (same elements, attributes, text)
        assert ET.canonicalize(found.safe.decode()) == ET.canonicalize(data.decode()), path


def test_the_repository_follows_the_policy():
    assert assets.project_problems(ROOT) == []


# -- hostile drawings -----------------------------------------------------------------------

HOSTILE_SVG = {
    "script": '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "onload": '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>',
    "foreign": ('<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><body '
                'xmlns="http://www.w3.org/1999/xhtml"><img src="x" onerror="alert(1)"/></body>'
                '</foreignObject></svg>'),
    "external": ('<svg xmlns="http://www.w3.org/2000/svg"><image href="https://evil.example/x.png"'
                 ' width="5" height="5"/></svg>'),
    "xlink": ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
              '<use xlink:href="javascript:alert(1)"/></svg>'),
    "link": ('<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><text>x'
             '</text></a></svg>'),
    "set": ('<svg xmlns="http://www.w3.org/2000/svg"><rect><set attributeName="onclick" '
            'to="alert(1)"/></rect></svg>'),
    "style": ('<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://evil.example/'
              'x.css);</style><rect/></svg>'),
    "fill": ('<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(https://evil.example/'
             'p.svg#a)"/></svg>'),
    "bomb": ('<?xml version="1.0"?>\n<!DOCTYPE svg [\n<!ENTITY a "aaaaaaaaaa">\n'
             '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">'
             '\n]>\n<svg xmlns="http://www.w3.org/2000/svg"><text>&c;</text></svg>'),
    "xxe": ('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            '<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>'),
    "stylesheet": ('<?xml-stylesheet href="https://evil.example/x.css"?>'
                   '<svg xmlns="http://www.w3.org/2000/svg"/>'),
    "html": '<html><script>alert(1)</script></html>',
    "deep": '<svg xmlns="http://www.w3.org/2000/svg">' + "<g>" * 5000 + "</g>" * 5000 + "</svg>",
    "wide": ('<svg xmlns="http://www.w3.org/2000/svg">' + "<rect/>" * 60_000 + "</svg>"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_SVG))
def test_each_hostile_drawing_is_an_error_naming_the_file(tmp_path, name):
    rel = f"{MODULE}/images/{name}.svg"
    root = project_with(tmp_path, {rel: HOSTILE_SVG[name]})
    problems = [p for p in assets.project_problems(root) if p.path == rel]
    assert problems and all(p.rule == "asset" for p in problems)
    assert any(p.severity == ERROR for p in problems), [p.format() for p in problems]
    assert rel in errors_of(root)


@pytest.mark.parametrize("name", ["script", "onload", "foreign", "external", "xlink", "link",
                                  "set", "style", "fill"])
def test_the_published_copy_of_a_hostile_drawing_is_inert(name):
    safe = svg.sanitize(HOSTILE_SVG[name].encode()).decode()
    for bad in ("script", "onload", "onerror", "foreignObject", "javascript", "evil.example",
                "<set", "@import"):
        assert bad not in safe, (bad, safe)
    assert safe.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    ET.fromstring(safe)  # still a well-formed drawing


def test_entities_are_never_expanded():
    with pytest.raises(svg.SvgRefused, match="DOCTYPE"):
        svg.parse(HOSTILE_SVG["bomb"].encode())
    # a UTF-16 drawing cannot hide its DOCTYPE from the check either
    with pytest.raises(svg.SvgRefused, match="DOCTYPE"):
        svg.parse(HOSTILE_SVG["xxe"].replace('version="1.0"', 'version="1.0" encoding="UTF-16"')
                  .encode("utf-16"))


def test_editor_leftovers_are_only_dropped_with_a_warning():
    data = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="http://www.inkscape.org/'
            'namespaces/inkscape" inkscape:version="1.2"><inkscape:grid/><rect width="2"/></svg>')
    found = svg.examine(data.encode())
    assert found.unsafe == ()
    assert found.dropped == ("<inkscape:grid>", "inkscape:version=")
    assert b"inkscape" not in found.safe and b'<rect width="2"/>' in found.safe


# -- other hostile files ------------------------------------------------------------------------

@pytest.mark.parametrize("name,content,expected", [
    ("page.html", "<script>alert(1)</script>", "type de fichier « .html » refusé"),
    ("outil.js", "alert(1)", "type de fichier « .js » refusé"),
    ("programme.exe", b"MZ\x90\x00", "type de fichier « .exe » refusé"),
    ("LISEZMOI", "texte", "type de fichier sans extension refusé"),
    ("faux.png", "ceci est du texte", "n'est pas une image PNG lisible"),
    ("vrai-jpeg.png", png(fmt="JPEG"), "le contenu est une image JPEG, pas PNG"),
    ("faux.pdf", "<html>", "n'est pas un PDF"),
    ("script.pdf", b"%PDF-1.4\n<< /S /JavaScript /JS (app.alert(1)) >>", "PDF contenant du code"),
    ("faux.odt", "pas un zip", "n'est pas un document OpenDocument .odt valide"),
    ("macros.docx", docx(macros=True), "document avec macros"),
    ("latin1.txt", "café".encode("latin-1"), "n'est pas encodé en UTF-8"),
])
def test_each_refused_file_is_an_error_naming_it(tmp_path, name, content, expected):
    rel = f"{MODULE}/mots-de-passe/{name}"
    root = project_with(tmp_path, {rel: content})
    assert any(expected in m for m in errors_of(root).get(rel, [])), errors_of(root)
    assert assets.examine(root / rel, rel).refused


def test_too_big_images_are_refused(tmp_path):
    rel = f"{MODULE}/images/immense.png"
    root = project_with(tmp_path, {rel: png(size=(4001, 10))})
    assert any("4001 × 10 px" in m for m in errors_of(root)[rel])


@pytest.mark.parametrize("name", ["cle.txt", "cle.png", "notes.md", "cle.pem"])
def test_a_private_key_is_an_error_whatever_its_name(tmp_path, name):
    rel = f"docs/{name}"
    key = (b"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk=\n"
           b"-----END OPENSSH PRIVATE KEY-----\n")
    root = project_with(tmp_path, {rel: key})
    assert any("clé privée" in m for m in errors_of(root)[rel])
    assert assets.examine(root / rel, rel).stop


def test_the_configured_signing_key_is_recognised_without_the_badges_package(tmp_path):
    from fichotheque.badges import KEY_ENV

    assert assets.SIGNING_KEY_ENV == KEY_ENV
    key = tmp_path / "cle.bin"
    key.write_bytes(b"not PEM at all")
    environ = {KEY_ENV: str(key)}
    problem = assets.secret_problem(key, "docs/cle.bin", environ)
    assert problem is not None and "clé de signature des badges" in problem.message
    assert assets.secret_problem(key, "docs/cle.bin", {}) is None


# -- symlinks, special files --------------------------------------------------------------------

def test_symlinked_fiche_and_image_are_errors_never_read(tmp_path):
    root = project_with(tmp_path)
    os.symlink("/etc/passwd", root / MODULE / "passwd.md")
    (root / MODULE / "images").mkdir()
    os.symlink("/etc/passwd", root / MODULE / "images/passwd.png")
    os.symlink("/etc", root / "fiches/etc")
    os.symlink("/etc/passwd", root / "docs-passwd.md")  # outside the checked folders: ignored
    (root / "badges").mkdir()
    os.symlink("/etc/passwd", root / "badges/emetteur.yml")
    found = errors_of(root)
    for rel in (f"{MODULE}/passwd.md", f"{MODULE}/images/passwd.png", "fiches/etc",
                "badges/emetteur.yml"):
        assert len(found[rel]) == 1, (rel, found.get(rel))  # reported once, not twice
        assert "lien symbolique" in found[rel][0] and "/etc" in found[rel][0]
    corpus = load_corpus(root)
    assert "root:" not in " ".join(f.body for f in corpus.fiches)
    assert {f.slug for f in corpus.fiches} == {"mots-de-passe", "hameconnage", "pieces-jointes"}


def test_dangling_symlink_and_folder_named_like_a_fiche_do_not_crash(tmp_path):
    root = project_with(tmp_path)
    os.symlink(tmp_path / "nulle-part.md", root / MODULE / "fantome.md")
    (root / MODULE / "dossier.md").mkdir()
    (root / MODULE / "dossier.md" / "x.txt").write_text("x", encoding="utf-8")
    found = errors_of(root)
    assert "lien symbolique cassé" in found[f"{MODULE}/fantome.md"][0]
    assert found[f"{MODULE}/dossier.md"] == ["ce dossier porte un nom de fiche (.md)"]


def test_a_symlink_to_an_endless_device_is_never_read(tmp_path):
    root = project_with(tmp_path)
    os.symlink("/dev/zero", root / MODULE / "zero.md")
    os.symlink("/dev/zero", root / MODULE / "zero.txt")
    found = errors_of(root)  # returns: nothing was read
    assert "lien symbolique" in found[f"{MODULE}/zero.md"][0]
    assert "lien symbolique" in found[f"{MODULE}/zero.txt"][0]


# -- link and image targets ------------------------------------------------------------------

@pytest.mark.parametrize("markdown,expected", [
    ("![Le fichier](../../../../etc/passwd)", "sort du dossier fiches/"),
    ("![Le fichier](/etc/passwd)", "chemin absolu « /etc/passwd » interdit"),
    ("![Le fichier](images/../../../README.md)", "sort du dossier fiches/"),
    ("![Le fichier](file:///etc/passwd)", "adresse « file: » interdite"),
    ("[Le fichier](file:///etc/passwd)", "adresse « file: » interdite"),
    ("[Le fichier](../../../../etc/passwd)", "sort du dossier fiches/"),
    ("[Le fichier](/etc/passwd)", "chemin absolu « /etc/passwd » interdit"),
    ("[Le fichier](%2e%2e/%2e%2e/mkdocs.yml)", "sort du dossier fiches/"),
    ("[Le lien](javascript:alert(1))", "adresse « javascript: » interdite"),
    ("[Le lien](data:text/html;base64,PHNjcmlwdD4=)", "adresse « data: » interdite"),
    ("[Le lien][ref]\n\n[ref]: file:///etc/shadow", "adresse « file: » interdite"),
])
def test_targets_cannot_leave_the_fiches_folder(tmp_path, markdown, expected):
    body = VALID_BODY.replace("- Demander conseil en médiathèque.\n",
                              f"- Demander conseil en médiathèque.\n\n{markdown}\n")
    root = project_with(tmp_path, {FICHE: fiche_text(body)})
    line = next(i for i, text in enumerate(fiche_text(body).splitlines(), 1)
                if markdown.splitlines()[-1] in text)
    problems = [p for p in lint.check(root)[1] if p.path == FICHE and p.is_error]
    assert any(expected in p.message and p.line == line for p in problems), \
        [p.format() for p in problems]


def test_relative_targets_inside_fiches_and_site_pages_still_pass(tmp_path):
    body = VALID_BODY.replace(
        "- Demander conseil en médiathèque.\n",
        "- Demander conseil en médiathèque.\n- [Autre module](../messagerie/pieces-jointes.md)\n"
        "- [À propos](../../a-propos.md)\n\n![Un carré rouge](images/carre.svg)\n")
    root = project_with(tmp_path, {FICHE: fiche_text(body), f"{MODULE}/images/carre.svg": GOOD_SVG,
                                   "docs/a-propos.md": "# À propos\n"})
    assert errors_of(root) == {}


def test_docs_follow_the_same_policy_with_the_pages_of_the_site(tmp_path):
    root = project_with(tmp_path, {
        "docs/index.md": "# Accueil\n", "docs/CNAME": "fiches.exemple.org\n",
        "docs/assets/logo.svg": GOOD_SVG, "docs/assets/logo.png": png(),
        "docs/page.html": "<script>alert(1)</script>", "docs/donnees.yml": "a: 1\n",
        "docs/assets/logo-piege.svg": HOSTILE_SVG["onload"],
    })
    found = errors_of(root)
    assert sorted(found) == ["docs/assets/logo-piege.svg", "docs/donnees.yml", "docs/page.html"]
    assert "type de fichier « .html » refusé" in found["docs/page.html"][0]
