"""The real build is confined: no symlink followed, no private key published, no refused file
published, drawings published only as their safe copy (and inert in a real browser)."""

from __future__ import annotations

import functools
import http.server
import os
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import VALID_BODY, fiche_text, make_project, run_build, small_corpus

from fichotheque.content.lint import SKIP_ENV

pytestmark = pytest.mark.slow

MODULE = "fiches/securite"
KEY = (b"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n"
       b"-----END PRIVATE KEY-----\n")
HOSTILE_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 20" onload="alert(1)">'
               '<title>Piège</title><script>alert(2)</script>'
               '<rect width="20" height="20" fill="#c00" onmouseover="alert(3)"/>'
               '<foreignObject width="20" height="20"><body xmlns="http://www.w3.org/1999/xhtml">'
               '<img src="x" onerror="alert(4)"/></body></foreignObject></svg>')
CLEAN_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 20" role="img">'
             '<title>Un carré</title><rect width="20" height="20" fill="#06c"/></svg>')
FORCED = {SKIP_ENV: "1"}  # test-only: policy errors become warnings, the build goes on


def with_image(name: str, **meta) -> str:
    return fiche_text(VALID_BODY.replace(
        "- Demander conseil en médiathèque.\n",
        f"- Demander conseil en médiathèque.\n\n![Un dessin de test](images/{name})\n"),
        **meta)


def site_holds(site: Path, *needles: bytes) -> list[str]:
    """Files of a (possibly half-written) site holding any of `needles`."""
    found = []
    if site.exists():
        for path in site.rglob("*"):
            if path.is_file() and any(n in path.read_bytes() for n in needles):
                found.append(path.relative_to(site).as_posix())
    return found


@pytest.fixture
def secret_file(tmp_path) -> Path:
    """A private key outside the project (where the issuer keeps it)."""
    path = tmp_path / "hors-depot" / "cle-badges.pem"
    path.parent.mkdir()
    path.write_bytes(KEY)
    return path


@pytest.mark.parametrize("env", [{}, FORCED], ids=["check", "forced"])
def test_symlinks_to_a_key_and_to_passwd_stop_the_build(tmp_path, secret_file, env):
    """Stopped by the check errors, and by the build itself when they are forced through
    (a symlinked fiche is a loader error, never forced: it is left out of the forced case)."""
    project = make_project(tmp_path / "projet", small_corpus())
    (project / MODULE / "images").mkdir()
    os.symlink(secret_file, project / MODULE / "images" / "cle.png")
    os.symlink("/etc/passwd", project / MODULE / "images" / "passwd.svg")
    links = [f"{MODULE}/images/cle.png", f"{MODULE}/images/passwd.svg"]
    if not env:
        os.symlink("/etc/passwd", project / MODULE / "passwd.md")
        links.append(f"{MODULE}/passwd.md")
    result = run_build(project, env=env)
    assert result.returncode != 0
    if env:
        assert "2 fichiers ne peuvent pas être publiés" in result.stderr
    for rel in links:
        assert f"{rel}: lien symbolique" in result.stderr, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert site_holds(project / "site", b"PRIVATE KEY", b"root:x:0") == []


@pytest.mark.parametrize("env", [{}, FORCED], ids=["check", "forced"])
def test_a_private_key_in_docs_stops_the_build_whatever_its_name(tmp_path, env):
    project = make_project(tmp_path / "projet", {**small_corpus(), "docs/notes.png": KEY})
    result = run_build(project, env=env)
    assert result.returncode != 0
    assert "docs/notes.png: ce fichier contient une clé privée" in result.stderr, \
        result.stderr[-3000:]
    assert site_holds(project / "site", b"PRIVATE KEY") == []


def test_the_signing_key_itself_stops_the_build(tmp_path):
    project = make_project(tmp_path / "projet", {**small_corpus(), "docs/cle.txt": "pas PEM"})
    result = run_build(project, env={"FICHOTHEQUE_BADGE_KEY": str(project / "docs/cle.txt")})
    assert result.returncode != 0
    assert "docs/cle.txt: ce fichier est la clé de signature des badges" in result.stderr


def test_a_symlink_in_docs_is_never_followed(tmp_path):
    project = make_project(tmp_path / "projet", small_corpus())
    os.symlink("/etc/passwd", project / "docs" / "passwd.md")
    os.symlink("/etc", project / "docs" / "etc")
    result = run_build(project, env=FORCED)
    assert result.returncode != 0
    assert "docs/passwd.md: lien symbolique" in result.stderr
    assert "docs/etc: lien symbolique" in result.stderr
    assert site_holds(project / "site", b"root:x:0") == []


@pytest.fixture(scope="module")
def forced_site(tmp_path_factory) -> Path:
    """A site built by force with a hostile drawing, a clean one and refused files."""
    project = make_project(tmp_path_factory.mktemp("confine") / "projet", {
        **small_corpus(),
        f"{MODULE}/mots-de-passe.md": with_image("piege.svg"),
        f"{MODULE}/hameconnage.md": with_image("propre.svg", title="Reconnaître l'hameçonnage",
                                               description="Repérer un faux message."),
        f"{MODULE}/images/piege.svg": HOSTILE_SVG,
        f"{MODULE}/images/propre.svg": CLEAN_SVG,
        f"{MODULE}/images/page.html": "<script>alert(5)</script>",
        f"{MODULE}/images/faux.png": "du texte, pas une image",
        f"{MODULE}/mots-de-passe/outil.js": "alert(6)",
        "docs/piege.svg": HOSTILE_SVG,
        "docs/page.html": "<script>alert(7)</script>",
    })
    refused = run_build(project)
    assert refused.returncode != 0  # without the test switch, check's errors stop the build
    assert f"{MODULE}/images/piege.svg" in refused.stderr and "page.html" in refused.stderr
    result = run_build(project, env=FORCED)
    assert result.returncode == 0, result.stderr[-3000:]
    return project / "site"


def test_refused_files_are_not_published(forced_site):
    for rel in (f"{MODULE}/images/page.html", f"{MODULE}/images/faux.png",
                f"{MODULE}/mots-de-passe/outil.js", "page.html"):
        assert not (forced_site / rel).exists(), rel
    assert (forced_site / "fiches/securite/mots-de-passe/index.html").is_file()


def test_drawings_are_published_as_their_safe_copy(forced_site):
    for rel in (f"{MODULE}/images/piege.svg", "piege.svg"):
        published = (forced_site / rel).read_text(encoding="utf-8")
        for bad in ("onload", "onmouseover", "onerror", "<script", "foreignObject", "alert"):
            assert bad not in published, (rel, bad)
        assert "<title>Piège</title>" in published and 'fill="#c00"' in published
    clean = (forced_site / MODULE / "images/propre.svg").read_text(encoding="utf-8")
    assert ET.canonicalize(clean) == ET.canonicalize(CLEAN_SVG)


# -- in a real browser -------------------------------------------------------------------------

class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served(forced_site, tmp_path_factory):
    """The forced site on 127.0.0.1, with a page embedding the drawings every way, and the
    original hostile drawing beside it (the control that shows the test can fail)."""
    (forced_site / "essai").mkdir(exist_ok=True)
    (forced_site / "essai" / "original.svg").write_text(HOSTILE_SVG, encoding="utf-8")
    drawing = f"/{MODULE}/images/piege.svg"
    (forced_site / "essai" / "index.html").write_text(
        f'<!doctype html><title>Essai</title><img src="{drawing}" alt="">'
        f'<object data="{drawing}" type="image/svg+xml"></object>'
        f'<embed src="{drawing}" type="image/svg+xml"><iframe src="{drawing}"></iframe>'
        '<iframe src="/piege.svg"></iframe>', encoding="utf-8")
    handler = functools.partial(_Quiet, directory=str(forced_site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def dialogs_on(browser, url: str) -> list[str]:
    context = browser.new_context()
    page = context.new_page()
    fired: list[str] = []
    page.on("dialog", lambda dialog: (fired.append(dialog.message), dialog.dismiss()))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.mouse.move(10, 10)
    page.mouse.move(60, 60)
    page.wait_for_timeout(300)
    context.close()
    return fired


@pytest.mark.e2e
def test_published_drawing_runs_nothing_in_a_browser(served, browser):
    assert dialogs_on(browser, f"{served}/essai/original.svg") != []  # the control does fire
    assert dialogs_on(browser, f"{served}/{MODULE}/images/piege.svg") == []
    assert dialogs_on(browser, f"{served}/piege.svg") == []
    assert dialogs_on(browser, f"{served}/essai/") == []
    assert dialogs_on(browser, f"{served}/fiches/securite/mots-de-passe/") == []
