"""The desk in headless Chromium, driven by the keyboard only (Tab, Enter, Space, arrows),
against the real uvicorn server: paste a list → preview → confirm → messages → revoke →
rebuild; axe finds no serious or critical problem on any page; nothing personal is logged."""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

import pytest

from fichotheque.badges import LEDGER_PATH, ledger
from fichotheque.desk import cli
from fichotheque.desk.app import create_app
from tests.e2e.test_accessibility import BLOCKING, axe_violations, describe

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("FICHOTHEQUE_DESK_SHOTS")  # a folder: save screenshots there


class Recorder(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(record.getMessage())


@pytest.fixture
def server(project):
    built = threading.Event()

    def fake_build(root):
        time.sleep(1.5)
        built.set()

    sock = cli.bind(_free_port())
    port = sock.getsockname()[1]
    app = create_app(project, port, build=fake_build)
    uv = cli.server(app, sock)
    recorder = Recorder()
    root_logger = logging.getLogger()
    old_level = root_logger.level
    root_logger.setLevel(logging.DEBUG)
    root_logger.addHandler(recorder)
    thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not uv.started:
        assert time.time() < deadline, "uvicorn n'a pas démarré"
        time.sleep(0.05)
    yield {"app": app, "port": port, "recorder": recorder, "built": built,
           "url": f"http://127.0.0.1:{port}/?token={app.state.desk.token}",
           "base": f"http://127.0.0.1:{port}/"}
    uv.should_exit = True
    thread.join(20)
    sock.close()
    root_logger.removeHandler(recorder)
    root_logger.setLevel(old_level)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tab_to(page, matches, limit: int = 60, key: str = "Tab") -> None:
    """Press Tab until the focused element matches; each focus must be visible."""
    for _ in range(limit):
        page.keyboard.press(key)
        info = page.evaluate("""() => { const e = document.activeElement; const s =
            getComputedStyle(e); return {tag: e.tagName, text: (e.innerText || e.value ||
            '').trim().slice(0, 80), id: e.id, outline: s.outlineStyle, width: s.outlineWidth,
            shadow: s.boxShadow}; }""")
        if info["tag"] != "BODY":
            visible = (info["outline"] != "none" and info["width"] != "0px") or \
                info["shadow"] != "none"
            assert visible, f"focus invisible sur {info}"
        if matches(info):
            return
    raise AssertionError("élément jamais atteint au clavier")


def check_axe(page, label: str) -> None:
    """axe-core at desktop width and at 390 px (a phone), where tables become lists."""
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING]
        assert not blocking, f"{label} ({width} px): {describe(blocking)}"


def shoot(page, name: str) -> None:
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for width, suffix in ((1280, "bureau"), (390, "mobile")):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(Path(SHOTS) / f"{name}-{suffix}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_keyboard_only_award_messages_revoke_rebuild(server, browser, project, marker):
    people = [f"Personne {marker} {i};p{i}.{marker}@exemple.org" for i in range(1, 12)]
    lines = ["nom;e-mail", *people[:5], f"Ligne cassée {marker};", *people[5:]]
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server["base"])
    page = context.new_page()
    foreign = []
    page.on("request", lambda r: None if r.url.startswith(server["base"]) else foreign.append(
        r.url))
    page.goto(server["url"])
    assert page.url == server["base"]  # the token left the address bar
    check_axe(page, "accueil vide")

    tab_to(page, lambda i: i["text"] == "Attribuer des badges")
    page.keyboard.press("Enter")
    page.wait_for_url("**/attribuer")
    check_axe(page, "formulaire")
    shoot(page, "1-attribuer")

    tab_to(page, lambda i: i["text"] == "Vérifier la liste")  # nothing filled in: errors
    page.keyboard.press("Enter")
    page.wait_for_selector(".error-summary")
    # desk.js (deferred) moves the focus to the summary once the page is read
    page.wait_for_function("document.activeElement && document.activeElement.id === 'erreurs'")
    check_axe(page, "formulaire avec erreurs")
    shoot(page, "2-erreurs")

    tab_to(page, lambda i: i["id"] == "badge")
    page.keyboard.press("ArrowDown")  # first badge of the list
    tab_to(page, lambda i: i["id"] == "liste")
    page.keyboard.insert_text("\n".join(lines))  # as a paste from a spreadsheet
    tab_to(page, lambda i: i["text"] == "Vérifier la liste")
    page.keyboard.press("Enter")
    page.wait_for_url("**/attribuer/*")
    body = page.inner_text("main")
    assert "12 lignes lues" in body and "11 prêtes" in body
    assert "Ligne 7 mal écrite" in body and "pas d'adresse e-mail sur cette ligne" in body
    check_axe(page, "aperçu")
    shoot(page, "3-apercu")

    tab_to(page, lambda i: i["text"].startswith("Attribuer le badge à 11 personnes"))
    page.keyboard.press("Space")
    page.wait_for_url("**/messages/*")
    awards = ledger.load(project / LEDGER_PATH).awards
    assert len(awards) == 11
    body = page.inner_text("main")
    for award in awards:
        assert f"obtenir/?id={award.id}" in page.content()
    assert "Un Open Badge est une image numérique" in page.input_value("#texte-1")
    check_axe(page, "messages")
    tab_to(page, lambda i: i["text"].startswith("Copier le message"))
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('#message-1 .copied').textContent !== ''")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.input_value("#texte-1")
    shoot(page, "4-messages")

    tab_to(page, lambda i: i["text"] == "Badges délivrés", key="Shift+Tab", limit=200)
    page.keyboard.press("Enter")
    page.wait_for_url(server["base"])
    check_axe(page, "liste des badges")
    shoot(page, "5-liste")
    tab_to(page, lambda i: i["id"] == "email")  # whose badge is it? found by the address
    page.keyboard.type(f"p3.{marker}@exemple.org")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=1 badge délivré à cette adresse")
    check_axe(page, "recherche par adresse")
    tab_to(page, lambda i: i["text"].startswith("Révoquer"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/revoquer/*")
    check_axe(page, "révocation")
    revoked_id = page.url.rsplit("/", 1)[1]
    assert revoked_id == awards[2].id
    tab_to(page, lambda i: i["id"] == "motif")
    page.keyboard.type("Absente à la dernière séance")
    tab_to(page, lambda i: i["text"] == "Révoquer définitivement ce badge")
    page.keyboard.press("Enter")
    page.wait_for_url(server["base"])
    assert "est révoqué" in page.inner_text("main")
    book = ledger.load(project / LEDGER_PATH)
    assert book.revocation(revoked_id).reason == "Absente à la dernière séance"

    tab_to(page, lambda i: i["text"] == "Imprimer")
    page.keyboard.press("Enter")
    page.wait_for_url("**/imprimer")
    check_axe(page, "imprimer")
    tab_to(page, lambda i: i["text"].startswith("Préparer l'attestation"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/attestation/*")
    tab_to(page, lambda i: i["id"] == "nom")
    page.keyboard.type("Camille Exemple")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Camille Exemple")
    page.wait_for_function("() => Array.from(document.querySelectorAll('.certificate img'))"
                           ".every(i => i.complete && i.naturalWidth > 0)")  # badge and QR
    check_axe(page, "attestation")
    shoot(page, "6-attestation")

    page.goto(server["base"] + "publier")
    tab_to(page, lambda i: i["text"] == "Reconstruire le site")
    page.keyboard.press("Enter")
    page.wait_for_selector("#build-status[data-state=running]")
    check_axe(page, "construction en cours")
    page.wait_for_selector("#build-status[data-state=done]", timeout=20_000)  # JS reloads
    assert server["built"].is_set()
    assert "Le site est reconstruit" in page.inner_text("#build-status")
    check_axe(page, "publier")
    shoot(page, "7-publier")

    assert foreign == []
    context.close()
    logged = "\n".join(server["recorder"].lines)
    assert marker not in logged
    assert "GET /" not in logged and "POST /" not in logged
    leaks = [str(p) for p in project.rglob("*") if p.is_file() and marker.encode()
             in p.read_bytes()]
    assert leaks == []


def test_keyboard_only_save_and_publish_with_git(server, browser, project, tmp_path):
    from tests.desk.test_publishing import git, init_repo

    remote = tmp_path / "en-ligne.git"
    init_repo(project, remote)
    award = ledger.award(project / LEDGER_PATH, "securite", "a@exemple.org",
                         ["securite", "messagerie"])
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(server["url"])
    tab_to(page, lambda i: i["text"] == "Publier le site")
    page.keyboard.press("Enter")
    page.wait_for_url("**/publier")
    body = page.inner_text("main")
    assert "1 badge attribué" in body and LEDGER_PATH in body
    check_axe(page, "publier avec git")
    shoot(page, "8-publier-git")
    tab_to(page, lambda i: i["text"].startswith("Voir les changements"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/publier/enregistrer")
    assert award.id in page.inner_text("main")
    check_axe(page, "changements")
    shoot(page, "9-enregistrer")
    tab_to(page, lambda i: i["text"] == "Enregistrer et publier")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Changements enregistrés et envoyés")
    check_axe(page, "publié")
    shoot(page, "10-publie")
    assert LEDGER_PATH in git(remote, "log", "-1", "--name-only", "--format=", "main")
    context.close()
