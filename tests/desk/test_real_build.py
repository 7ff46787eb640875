"""One real rebuild from the desk (tiny project, PDFs included, ~15 s): the awards reach the
built site, the parcours attestation becomes printable, and no e-mail reaches `site/` or
`.cache/`."""

from __future__ import annotations

import json

import pytest

from fichotheque.badges import LEDGER_PATH, ledger
from fichotheque.desk import publishing
from tests.desk.conftest import ORIGIN, PORT

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore:Using `httpx`")]


def test_rebuild_with_the_real_build(project, marker, monkeypatch):
    from starlette.testclient import TestClient

    from fichotheque.desk.app import create_app

    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    app = create_app(project, PORT)  # the default build: fichotheque.sitebuild.build_site
    assert app.state.desk.build is publishing.default_build
    client = TestClient(app, base_url=f"http://127.0.0.1:{PORT}")
    client.get(f"/?token={app.state.desk.token}")
    page = client.get("/attribuer")
    token = page.text.split('name="csrf" value="')[1].split('"')[0]
    client.post("/attribuer", headers=ORIGIN, data={
        "csrf": token, "badge": "messagerie",
        "liste": f"Nom {marker};a.{marker}@exemple.org\nAutre {marker};b.{marker}@exemple.org"})
    batch = next(iter(app.state.desk.batches.values()))
    client.post(f"/attribuer/{batch.id}/confirmer", data={"csrf": token}, headers=ORIGIN)
    awards = ledger.load(project / LEDGER_PATH).awards
    assert len(awards) == 2

    client.post("/publier/construire", data={"csrf": token}, headers=ORIGIN)
    app.state.desk.job.wait(300)
    state = client.get("/publier/etat").json()
    assert state["state"] == "done", state
    site = project / "site"
    for award in awards:
        hosted = json.loads((site / "badges" / "assertions" / f"{award.id}.json").read_text())
        assert hosted["recipient"]["identity"] == award.recipient
    assert (site / "parcours" / "se-proteger" / "se-proteger-attestation.pdf").is_file()
    assert 'href="/imprimer/parcours/se-proteger.pdf"' in client.get("/imprimer").text
    assert client.get("/imprimer/parcours/se-proteger.pdf").content.startswith(b"%PDF")
    client.close()
    needle = marker.encode()
    leaks = [str(p) for p in project.rglob("*") if p.is_file() and needle in p.read_bytes()]
    assert leaks == []
    assert (project / ".cache").is_dir()  # the cache was written, and searched
