"""A tiny project for the desk (small corpus, one parcours, the real badge files) and a client
that has opened the desk with its token."""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conftest import make_project, small_corpus

PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
ORIGIN = {"origin": BASE}
PARCOURS = """title: "Se protéger en ligne"
goal: "Créer de bons mots de passe et repérer un faux message."
audience: [grand-public]
order: 1
level: debutant
updated: 2026-11-01
sessions:
  - title: "Les mots de passe"
    duration: 45
    fiches: [mots-de-passe]
  - title: "L'hameçonnage"
    duration: 60
    fiches: [hameconnage]
"""


def desk_project(base: Path) -> Path:
    files = {**small_corpus(), "parcours/se-proteger.yml": PARCOURS}
    return make_project(base / "projet", files)


@pytest.fixture
def project(tmp_path):
    return desk_project(tmp_path)


@pytest.fixture
def marker():
    """A random word put in every e-mail address and name, to grep for afterwards."""
    return "zq" + secrets.token_hex(5)


def open_desk(root: Path, build=None):
    """(app, client) with the desk opened by its token, as the browser does."""
    from starlette.testclient import TestClient

    from fichotheque.desk.app import create_app

    app = create_app(root, PORT, build=build or (lambda _root: None))
    client = TestClient(app, base_url=BASE, follow_redirects=True)
    response = client.get(f"/?token={app.state.desk.token}")
    assert response.status_code == 200
    return app, client


@pytest.fixture
def desk(project):
    app, client = open_desk(project)
    with client:
        yield app, client
