"""`mkdocs serve` renders again only the page of an edited fiche, and it is the same page a full
build makes (fichotheque.preview). One real server for the module, on a small project."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from fichotheque.preview.watch import ignored
from tests.conftest import fiche_text, make_project, small_corpus

FICHE = "fiches/securite/mots-de-passe.md"
PAGE = "fiches/securite/mots-de-passe/"
LIVERELOAD = re.compile(r"<script>[^<]*livereload[^<]*</script>", re.S)


class Server:
    def __init__(self, project: Path):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.project = project
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{self.port}"],
            cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "FICHOTHEQUE_PDF": "0"},
            start_new_session=True)
        threading.Thread(target=self._read, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.port}/fichotheque/"

    def _read(self):
        for raw in iter(self.process.stdout.readline, b""):
            self.lines.append(raw.decode("utf-8", "replace").rstrip())

    def log_since(self, mark: int) -> str:
        return "\n".join(self.lines[mark:])

    def get(self, path: str) -> str:
        with urllib.request.urlopen(self.base + path, timeout=30) as response:
            return response.read().decode("utf-8")

    def wait_log(self, pattern: str, mark: int, timeout: float = 90) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            text = self.log_since(mark)
            if re.search(pattern, text):
                return text
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"« {pattern} » absent du journal :\n{self.log_since(mark)}")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("apercu") / "projet", small_corpus())
    running = Server(project)
    running.wait_log(r"Serving on", 0, timeout=180)
    yield running
    running.stop()
    assert "Traceback" not in "\n".join(running.lines)


def _edit(server: Server, old: str, new: str) -> int:
    mark = len(server.lines)
    path = server.project / FICHE
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return mark


def _page(server: Server, path: str = PAGE) -> str:
    return LIVERELOAD.sub("", server.get(path))


def _entries(server: Server, url: str) -> list[dict]:
    index = json.loads(server.get("search/search_index.json"))
    docs = index.get("docs")
    if docs is None:  # split index (large sites): not used by a three-fiche site
        pytest.fail("index de recherche découpé inattendu")
    return sorted((d for d in docs if d["location"].split("#")[0] == url),
                  key=lambda d: d["location"])


def test_scratch_files_are_ignored():
    for name in (".mots-de-passe.md.swp", "mots-de-passe.md~", "4913", "#notes#",
                 "src/__pycache__/x.pyc", ".git/index"):
        assert ignored(f"/p/fiches/securite/{name}"), name
    assert not ignored("/p/fiches/securite/mots-de-passe.md")
    assert not ignored("/p/docs/index.md")


def test_an_edited_fiche_is_the_only_page_rendered_again(server):
    other_before = _page(server, "fiches/securite/hameconnage/")
    mark = _edit(server, "## Objectif\n", "## Objectif\n\nPhrase ajoutée Zorglub.\n")
    text = server.wait_log(r"Prévisualisation : la page de fiches/securite/mots-de-passe\.md "
                           r"reconstruite", mark)
    assert "reconstruction complète" not in text
    assert "Zorglub" in _page(server)
    assert _page(server, "fiches/securite/hameconnage/") == other_before
    # the search index follows in the background
    server.wait_log(r"Index de recherche à jour", mark)
    assert any("Zorglub" in e["text"] for e in _entries(server, PAGE))


def test_the_page_is_what_a_full_rebuild_makes(server):
    mark = _edit(server, "## Objectif\n", "## Objectif\n\nEt une autre phrase Bidule.\n")
    server.wait_log(r"reconstruite", mark)
    server.wait_log(r"Index de recherche à jour", mark)
    incremental, entries = _page(server), _entries(server, PAGE)
    assert "Bidule" in incremental
    # A change to mkdocs.yml makes MkDocs rebuild everything.
    mark = len(server.lines)
    config = server.project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\n# touché\n", encoding="utf-8")
    server.wait_log(r"reconstruction complète", mark)
    server.wait_log(r"Reloading browsers", mark, timeout=180)
    assert _page(server) == incremental
    assert _entries(server, PAGE) == entries


def test_a_changed_title_rebuilds_the_whole_site(server):
    mark = _edit(server, "title: Créer un mot de passe solide",
                 "title: Créer un mot de passe vraiment solide")
    server.wait_log(r"reconstruction complète", mark)
    server.wait_log(r"Reloading browsers", mark, timeout=180)
    assert "vraiment solide" in server.get("catalogue/")
    assert "vraiment solide" in server.get("fiches/securite/")


def test_an_error_is_reported_in_french_and_the_page_kept(server):
    before = _page(server)
    mark = _edit(server, "level: debutant", "level: expert")
    text = server.wait_log(r"la page affichée n'est pas mise à jour", mark)
    assert re.search(r"fiches/securite/mots-de-passe\.md:\d+: .*expert", text)
    assert "Traceback" not in text
    assert _page(server) == before
    mark = _edit(server, "level: expert", "level: debutant")
    server.wait_log(r"Prévisualisation : la page de fiches/securite/mots-de-passe\.md", mark)


def test_a_failed_complete_rebuild_is_said_in_french(server, browser):
    module = server.project / "fiches/securite/_module.yml"
    good = module.read_text(encoding="utf-8")
    before = _page(server)
    page = browser.new_page()
    page.goto(server.base + PAGE, wait_until="load")
    page.evaluate("window.pasRecharge = 1")
    time.sleep(0.5)
    mark = len(server.lines)
    module.write_text(good.replace("title:", "titre:"), encoding="utf-8")
    try:
        text = server.wait_log(r"La construction du site a échoué", mark)
        assert "_module.yml" in text and "Traceback" not in text
        time.sleep(1.5)
        assert page.evaluate("window.pasRecharge") == 1  # the page shown was not reloaded
    finally:
        page.close()
        mark = len(server.lines)
        module.write_text(good, encoding="utf-8")
    server.wait_log(r"Reloading browsers", mark, timeout=180)
    assert _page(server) == before


def test_the_browser_shows_the_edit_by_itself(server, browser):
    page = browser.new_page()
    try:
        page.goto(server.base + PAGE, wait_until="load")
        time.sleep(0.5)  # the live-reload script is waiting for news
        _edit(server, "## Objectif\n", "## Objectif\n\nVu dans le navigateur Tralala.\n")
        page.wait_for_function("document.body.innerText.includes('Tralala')", timeout=30000)
    finally:
        page.close()


def test_a_build_is_unchanged_by_the_preview_hook(tmp_path):
    """`mkdocs build` does not start a session (nothing kept, nothing watched)."""
    project = make_project(tmp_path / "p", {**small_corpus(), FICHE: fiche_text()})
    result = subprocess.run(
        [sys.executable, "-c", "import mkdocs.__main__ as m; m.cli()", "build", "-q", "-d",
         str(tmp_path / "site")], cwd=project, capture_output=True, text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "FICHOTHEQUE_PDF": "0"})
    assert result.returncode == 0, result.stderr
    assert "Prévisualisation" not in result.stderr
    assert (tmp_path / "site" / PAGE / "index.html").is_file()
