"""`badges/emetteur.yml`: https addresses, a real e-mail, a plain-text name, a logo of the repo."""

from __future__ import annotations

import io
import json

import pytest
from badges_fixtures import ALICE, fichotheque
from conftest import make_project, run_build, small_corpus
from PIL import Image

from fichotheque.badges import BadgeError, issuer
from fichotheque.badges.publish import publish
from fichotheque.web import settings

ISSUER = "badges/emetteur.yml"


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path / "projet", small_corpus())


def write_issuer(project, **values) -> None:
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in values.items()]
    (project / ISSUER).write_text("\n".join(lines) + "\n", encoding="utf-8")


def load(project):
    return issuer.load_issuer(project, settings.load(project))


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def test_defaults_come_from_mkdocs_yml(project):
    write_issuer(project, name="", url="", email="", image="")
    found = load(project)
    assert found.name == "Collectif Fichothèque"
    assert found.url == "https://fichotheque.github.io/fichotheque/"
    assert found.email == "contact@fichotheque.example.org" and found.image == ""


@pytest.mark.parametrize(("values", "message"), [
    ({"url": "javascript:alert(1)"}, f"{ISSUER}: « url » doit être une adresse web complète "
                                     "en https"),
    ({"url": "JavaScript:alert(document.cookie)//https://x.org"}, f"{ISSUER}: « url »"),
    ({"url": "http://exemple.org/"}, f"{ISSUER}: « url » doit être une adresse web complète "
                                     "en https"),
    ({"url": "https://"}, f"{ISSUER}: « url »"),
    ({"url": 'https://exemple.org/"><script>'}, f"{ISSUER}: « url »"),
    ({"email": "pas-une-adresse"}, f"{ISSUER}: « email » : adresse e-mail « pas-une-adresse » "
                                   "mal formée"),
    ({"email": "contact@exemple"}, f"{ISSUER}: « email »"),
    ({"email": "a@b.org<script>"}, f"{ISSUER}: « email »"),
    ({"name": "<b>Collectif</b>"}, f"{ISSUER}: « name » doit être du texte simple"),
    ({"name": "Piège</title><script>alert(1)</script>"}, f"{ISSUER}: « name »"),
    ({"name": ["une", "liste"]}, f"{ISSUER}: « name » doit être un simple texte"),
    ({"image": "https://exemple.org/logo.png"}, f"{ISSUER}: « image » : une adresse web n'est "
                                                "pas acceptée"),
    ({"image": "javascript:alert(1)"}, f"{ISSUER}: « image »"),
    ({"image": "../../etc/passwd"}, "sort du dépôt"),
    ({"image": "/etc/passwd"}, "sort du dépôt"),
    ({"image": "badges/absent.png"}, "introuvable dans le dépôt"),
    ({"image": "badges/registre.yml"}, "n'est pas une image PNG"),
    ({"site": "x"}, f"{ISSUER}: clé « site » inconnue"),
])
def test_bad_issuer_values_are_refused_naming_file_and_key(project, values, message):
    write_issuer(project, **values)
    with pytest.raises(BadgeError) as caught:
        load(project)
    assert message in str(caught.value)


def test_empty_name_everywhere_is_refused():
    with pytest.raises(BadgeError, match="« name » est vide"):
        issuer.plain_text("  ", f"{ISSUER}: « name »", required=True)


def test_symlinked_logo_leaving_the_repository_is_refused(project, tmp_path):
    outside = tmp_path / "logo.png"
    outside.write_bytes(png_bytes())
    (project / "badges" / "logo.png").symlink_to(outside)
    write_issuer(project, image="badges/logo.png")
    with pytest.raises(BadgeError, match="introuvable dans le dépôt"):
        load(project)


def test_repository_logo_is_published_as_the_issuer_image(project, tmp_path):
    logo = png_bytes()
    (project / "badges" / "logo.png").write_bytes(logo)
    write_issuer(project, image="badges/logo.png", url="https://exemple.org/epn/")
    assert load(project).image == "badges/logo.png"
    site_dir = tmp_path / "site"
    publish(site_dir, project, settings.load(project))
    assert (site_dir / "badges" / "emetteur.png").read_bytes() == logo
    profile = json.loads((site_dir / "badges" / "emetteur.json").read_text(encoding="utf-8"))
    assert profile["image"] == "https://fichotheque.github.io/fichotheque/badges/emetteur.png"
    assert profile["url"] == "https://exemple.org/epn/"


def test_cli_and_build_stop_on_a_bad_issuer_without_traceback(project, tmp_path):
    write_issuer(project, url="javascript:alert(1)")
    result = fichotheque("--root", str(project), "badges", "award", "--badge", "securite",
                         "--email", ALICE)
    assert result.returncode == 1
    assert result.stderr.startswith(f"Erreur : {ISSUER}: « url »"), result.stderr
    assert "Traceback" not in result.stderr
    build = run_build(project, tmp_path / "site")
    assert build.returncode != 0
    assert f"{ISSUER}: « url »" in build.stdout + build.stderr
    assert "Traceback" not in build.stdout + build.stderr


def test_description_falls_back_on_the_structure_then_its_name(project):
    import dataclasses

    write_issuer(project, description="")
    site = settings.load(project)
    assert load(project).description == " ".join(site.structure.description.split())
    bare = dataclasses.replace(site, structure=dataclasses.replace(site.structure,
                                                                   description=""))
    assert issuer.load_issuer(project, bare).description == (
        f"{site.structure.name} délivre ces badges aux personnes qui ont suivi ou animé les "
        "ateliers d'un module de fiches.")
