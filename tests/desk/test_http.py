"""The desk over HTTP (Starlette's test client): who may use it, and the award → messages →
revoke flow, with the ledger checked through `ledger.load` and no e-mail left on disk."""

from __future__ import annotations

import os
import re
import tempfile
import time
from pathlib import Path

import pytest

from fichotheque.badges import LEDGER_PATH, ledger
from fichotheque.badges import openbadges as ob
from fichotheque.web import settings
from tests.desk.conftest import BASE, ORIGIN, open_desk

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx`")


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "formulaire sans jeton CSRF"
    return found[1]


def attendance(marker: str, encoding: str = "utf-8") -> bytes:
    """A spreadsheet export: a header, 11 people and, on line 7, a line without an address."""
    lines = ["Nom;Adresse e-mail"]
    for i in range(1, 12):
        lines.append(f"Personne {marker} n°{i} Hélène;personne{i}.{marker}@exemple.org")
        if i == 5:
            lines.append(f"Ligne cassée {marker} sans adresse;")  # line 7
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


# -- the door -----------------------------------------------------------------------------------

def test_no_token_no_desk(project):
    from starlette.testclient import TestClient

    from fichotheque.desk.app import create_app

    app = create_app(project, 8765)
    client = TestClient(app, base_url=BASE)
    for path in ("/", "/attribuer", "/publier", "/static/desk.css", "/publier/etat"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "Accès refusé" in response.text
    assert client.get("/?token=pas-le-bon").status_code == 403
    client.cookies.set("bureau_8765", "pas-le-bon")
    assert client.get("/").status_code == 403
    client.cookies.clear()
    opened = client.get(f"/?token={app.state.desk.token}", follow_redirects=False)
    assert opened.status_code == 303 and opened.headers["location"] == "/"
    cookie = opened.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie


def test_other_host_is_refused_even_with_the_cookie(desk):
    _app, client = desk
    assert client.get("/").status_code == 200
    for host in ("evil.example", "evil.example:8765", "127.0.0.1:9999", "127.0.0.1"):
        response = client.get("/", headers={"host": host})
        assert response.status_code == 403, host
    assert client.get("/", headers={"host": "localhost:8765"}).status_code == 200


def test_changes_need_same_origin_and_csrf(desk, project):
    _app, client = desk
    award = ledger.award(project / LEDGER_PATH, "securite", "x@exemple.org",
                         ["securite", "messagerie"])
    page = client.get(f"/revoquer/{award.id}")
    token = csrf_of(page.text)
    form = {"csrf": token, "motif": "Erreur"}
    url = f"/revoquer/{award.id}"
    assert client.post(url, data=form, headers={"origin": "http://evil.example"}
                       ).status_code == 403
    assert client.post(url, data=form).status_code == 403  # no Origin, no Referer
    assert client.post(url, data=form, headers={**ORIGIN, "sec-fetch-site": "cross-site"}
                       ).status_code == 403
    assert client.post(url, data=form, headers={"origin": "null"}).status_code == 403
    assert client.post(url, data=form, headers={"origin": "null", "sec-fetch-site": "same-site"}
                       ).status_code == 403
    assert client.post(url, data={"motif": "Erreur"}, headers=ORIGIN).status_code == 403
    assert client.post(url, data={**form, "csrf": "faux"}, headers=ORIGIN).status_code == 403
    assert ledger.load(project / LEDGER_PATH).revocation(award.id) is None
    done = client.post(url, data=form, headers={"referer": BASE + url})
    assert done.status_code == 200
    assert ledger.load(project / LEDGER_PATH).revocation(award.id).reason == "Erreur"


def test_security_headers_and_no_cors(desk):
    _app, client = desk
    response = client.get("/", headers={"origin": "http://evil.example"})
    headers = response.headers
    assert "access-control-allow-origin" not in headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["cache-control"] == "no-store"
    assert "<script>" not in response.text  # scripts only from files (CSP without inline)
    assert not re.search(r"<[^>]+\son[a-z]+=", response.text)


def test_upload_over_the_limit_is_refused_before_parsing(desk, project):
    app, client = desk
    token = csrf_of(client.get("/attribuer").text)
    big = b"Nom;e-mail\n" + b"a;b@exemple.org\n" * 70_000
    response = client.post("/attribuer", data={"csrf": token, "badge": "securite"},
                           files={"fichier": ("liste.csv", big, "text/csv")}, headers=ORIGIN)
    assert response.status_code == 413
    assert "trop volumineux" in response.text
    assert not app.state.desk.batches


def test_form_errors_are_listed_and_linked(desk):
    _app, client = desk
    token = csrf_of(client.get("/attribuer").text)
    response = client.post("/attribuer", data={"csrf": token, "badge": "", "liste": "",
                                               "expiration": "2001-01-01"}, headers=ORIGIN)
    assert response.status_code == 400
    html = response.text
    assert 'class="error-summary"' in html
    for field in ("badge", "liste", "expiration"):
        assert f'href="#{field}"' in html
        assert re.search(rf'id="{field}"[^>]*aria-invalid="true"', html), field
        assert f'aria-describedby="{field}-erreur"' in html or f'{field}-aide {field}-erreur' \
            in html
    assert "déjà passée" in html


# -- the whole flow -----------------------------------------------------------------------------

def _files_with(marker: str, folders: list[Path], since: float) -> list[str]:
    found = []
    needle = marker.encode()
    seen = 0
    for folder in folders:
        for dirpath, _dirs, names in os.walk(folder):
            for name in names:
                path = Path(dirpath) / name
                try:
                    info = path.lstat()
                    if not path.is_file() or info.st_size > 20_000_000:
                        continue
                    if folder == Path(tempfile.gettempdir()) and info.st_mtime < since:
                        continue
                    seen += 1
                    if needle in path.read_bytes():
                        found.append(str(path))
                except OSError:
                    continue
    return found


def test_award_a_list_then_messages_then_revoke(project, marker, tmp_path):
    started = time.time() - 1
    app, client = open_desk(project)
    desk = app.state.desk
    path = project / LEDGER_PATH
    before = len(ledger.load(path).awards)
    token = csrf_of(client.get("/attribuer").text)
    preview = client.post("/attribuer", headers=ORIGIN, data={
        "csrf": token, "badge": "securite", "preuve": "Ateliers de mars", "liste": ""},
        files={"fichier": ("presences.csv", attendance(marker, "cp1252"), "text/csv")})
    assert preview.status_code == 200
    html = preview.text
    assert "12 lignes lues" in html and "11 prêtes" in html and "1 à corriger" in html
    assert "Ligne 7 mal écrite" in html
    assert "pas d&#39;adresse e-mail sur cette ligne" in html
    assert f"personne3.{marker}@exemple.org" in html
    assert "Hélène" in html  # Latin-1 read as such
    assert len(ledger.load(path).awards) == before  # nothing written before confirming

    batch = next(iter(desk.batches.values()))
    confirm = client.post(f"/attribuer/{batch.id}/confirmer", data={"csrf": csrf_of(html)},
                          headers=ORIGIN)
    assert confirm.status_code == 200 and "/messages/" in str(confirm.url)
    book = ledger.load(path)
    new = book.awards[before:]
    assert len(new) == 11
    defs = ob.load_definitions(project, settings.load(project),
                               __import__("fichotheque.content.loading", fromlist=["x"]
                                          ).load_corpus(project))
    urls = ob.Urls(defs.site)
    reference = ledger.award(tmp_path / "reference.yml", "securite", "ref@exemple.org",
                             ["securite"], evidence="Ateliers de mars")
    for i, award in enumerate(new, start=1):
        assert award.as_entry().keys() == reference.as_entry().keys()
        assert award.badge == "securite" and award.evidence == "Ateliers de mars"
        assert award.matches(f"personne{i}.{marker}@exemple.org")
        assert urls.claim_link(award.id) in confirm.text
    assert "Un Open Badge est une image numérique" in confirm.text
    assert "la même adresse e-mail" in confirm.text
    assert confirm.text.count('href="mailto:personne') == 11

    csv_url = f"/messages/{batch.id}/publipostage.csv"
    table = client.get(csv_url)
    assert table.headers["content-type"].startswith("text/csv")
    text = table.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "nom;e-mail;lien;objet;message"
    assert all(urls.claim_link(a.id) in text for a in new)

    found = client.post("/chercher", headers=ORIGIN, data={
        "csrf": token, "email": f" Personne3.{marker}@EXEMPLE.org "})
    assert "1 badge délivré à cette adresse" in found.text
    assert new[2].id in found.text and new[0].id not in found.text
    wrong = client.post("/chercher", headers=ORIGIN, data={"csrf": token, "email": "pas-une"})
    assert wrong.status_code == 400 and 'href="#email"' in wrong.text

    again = client.post("/attribuer", headers=ORIGIN, data={
        "csrf": token, "badge": "securite",
        "liste": f"Personne 1;personne1.{marker}@exemple.org\n"})
    assert "Déjà titulaire" in again.text

    target = new[2].id
    page = client.get(f"/revoquer/{target}")
    assert "Révoquer définitivement" in page.text
    empty = client.post(f"/revoquer/{target}", data={"csrf": token, "motif": " "},
                        headers=ORIGIN)
    assert empty.status_code == 400 and 'aria-invalid="true"' in empty.text
    done = client.post(f"/revoquer/{target}", data={"csrf": token, "motif": "Absente"},
                       headers=ORIGIN)
    assert "est révoqué" in done.text
    book = ledger.load(path)
    assert book.revocation(target).reason == "Absente"
    assert book.status(book.award(target)) == "révoqué"
    listed = client.get("/?statut=révoqué")
    assert target in listed.text and new[0].id not in listed.text

    assert client.get(f"/attestation/{new[0].id}").status_code == 200
    named = client.post(f"/attestation/{new[0].id}", data={"csrf": token, "nom": "Hélène Dupont"},
                        headers=ORIGIN)
    assert "Hélène Dupont" in named.text
    qr = client.get(f"/attestation/{new[0].id}/qr.svg")
    assert qr.headers["content-type"].startswith("image/svg+xml")
    assert client.get("/image/securite.png").content[:8] == b"\x89PNG\r\n\x1a\n"

    forgotten = client.post(f"/messages/{batch.id}/oublier", data={"csrf": token},
                            headers=ORIGIN)
    assert "effacées" in forgotten.text
    assert client.get(csv_url).status_code == 404
    client.close()

    probe = tmp_path / "probe" / "probe.txt"  # the search itself finds a planted address
    probe.parent.mkdir()
    probe.write_text(f"personne1.{marker}@exemple.org")
    assert _files_with(marker, [probe.parent], started) == [str(probe)]
    probe.unlink()
    leaks = _files_with(marker, [project, tmp_path, Path(tempfile.gettempdir())], started)
    assert leaks == []
    assert marker not in path.read_text(encoding="utf-8")


def test_print_page_lists_parcours_attestations(desk, project):
    _app, client = desk
    page = client.get("/imprimer")
    assert "Se protéger en ligne" in page.text and "pas encore prête" in page.text
    assert client.get("/imprimer/parcours/se-proteger.pdf").status_code == 404
    pdf = project / "site" / "parcours" / "se-proteger" / "se-proteger-attestation.pdf"
    pdf.parent.mkdir(parents=True)
    pdf.write_bytes(b"%PDF-1.7 attestation")
    page = client.get("/imprimer")
    assert 'href="/imprimer/parcours/se-proteger.pdf"' in page.text
    served = client.get("/imprimer/parcours/se-proteger.pdf")
    assert served.content == b"%PDF-1.7 attestation"
    assert client.get("/imprimer/parcours/..%2F..%2Fmkdocs.yml.pdf").status_code == 404


def test_a_disk_error_is_said_in_french_and_the_others_are_awarded(desk, project,
                                                                     monkeypatch):
    import errno

    app, client = desk
    token = csrf_of(client.get("/attribuer").text)
    client.post("/attribuer", headers=ORIGIN, data={
        "csrf": token, "badge": "securite",
        "liste": "A;a@exemple.org\nB;b@exemple.org\nC;c@exemple.org"})
    batch = next(iter(app.state.desk.batches.values()))
    real = ledger.award

    def flaky(path, badge, email, *args, **kwargs):
        if email == "b@exemple.org":
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path, badge, email, *args, **kwargs)

    monkeypatch.setattr(ledger, "award", flaky)
    page = client.post(f"/attribuer/{batch.id}/confirmer", data={"csrf": token},
                       headers=ORIGIN)
    assert page.status_code == 200
    assert "2 badges attribués" in page.text and "Non attribués" in page.text
    assert "Traceback" not in page.text and "No space left" not in page.text
    assert len(ledger.load(project / LEDGER_PATH).awards) == 2


def test_awards_and_revocations_are_signed_when_a_key_is_configured(project, marker, tmp_path,
                                                                      monkeypatch):
    """With FICHOTHEQUE_BADGE_KEY, the desk signs as `fichotheque badges award` does, and
    « Enregistrer » commits the signatures and the public key with the ledger."""
    import subprocess

    from fichotheque.badges import KEY_ENV, keys, sign
    from fichotheque.desk import publishing

    key = sign.keygen(tmp_path / "cle.pem", project)
    keys.record_public_key(project, sign.load_private_key(key))
    monkeypatch.setenv(KEY_ENV, str(key))
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    (project / ".gitignore").write_text("badges/.registre.lock\n", encoding="utf-8")  # as ours
    subprocess.run(["git", "add", "-A"], cwd=project, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "init"], cwd=project, check=True)
    app, client = open_desk(project)
    with client:
        token = csrf_of(client.get("/attribuer").text)
        client.post("/attribuer", headers=ORIGIN, data={
            "csrf": token, "badge": "securite", "liste": f"Ana;ana.{marker}@exemple.org"})
        batch = next(iter(app.state.desk.batches.values()))
        html = client.get(f"/attribuer/{batch.id}").text
        client.post(f"/attribuer/{batch.id}/confirmer", data={"csrf": csrf_of(html)},
                    headers=ORIGIN)
        [award] = ledger.load(project / LEDGER_PATH).awards
        folder = project / "badges" / "signatures"
        assert (folder / f"{award.id}.jws").is_file() and (folder / f"{award.id}.jwt").is_file()
        page = client.get(f"/revoquer/{award.id}").text
        client.post(f"/revoquer/{award.id}", headers=ORIGIN,
                    data={"csrf": csrf_of(page), "motif": "Erreur de liste"})
        assert (folder / "statut-revocations.jwt").is_file()  # the 3.0 list, signed again
    outcome = publishing.save_and_publish(project, "Badges de test", push=False)
    assert outcome.committed, outcome.message
    tracked = subprocess.run(["git", "ls-files", "badges"], cwd=project, capture_output=True,
                             text=True, check=True).stdout.split()
    assert f"badges/signatures/{award.id}.jws" in tracked
    assert "badges/signatures/statut-revocations.jwt" in tracked
    assert any(path.startswith("badges/cles/") for path in tracked)
    status = subprocess.run(["git", "status", "--porcelain", "badges"], cwd=project,
                            capture_output=True, text=True, check=True).stdout
    assert status == ""  # nothing of the badges left behind
