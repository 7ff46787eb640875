"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright, and a local server.

Never downloads a browser. Every request that leaves the local server (or file://) is
recorded on `page.foreign_requests` and aborted, so tests can assert the site makes none.
"""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CHROMIUM = os.environ.get("FICHOTHEQUE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class SiteServer:
    """A static server for a built site on 127.0.0.1 (random port)."""

    def __init__(self, directory: Path):
        handler = functools.partial(_QuietHandler, directory=str(directory))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="session")
def site_server(built_site):
    """The repository's built site served over HTTP on localhost."""
    server = SiteServer(built_site)
    yield server
    server.close()


@pytest.fixture
def serve():
    """Serve any folder: `url = serve(path)`."""
    servers = []

    def start(directory: Path) -> str:
        server = SiteServer(directory)
        servers.append(server)
        return server.url

    yield start
    for server in servers:
        server.close()


def _guard(context, allowed_prefixes: tuple[str, ...]):
    foreign: list[str] = []

    def route(route_obj):
        url = route_obj.request.url
        if url.startswith(allowed_prefixes) or url.startswith(("data:", "blob:", "about:")):
            route_obj.continue_()
        else:
            foreign.append(url)
            route_obj.abort()

    context.route("**/*", route)
    return foreign


@pytest.fixture
def new_page(browser):
    """`page = new_page(allowed=("http://127.0.0.1:1234/",))`: a fresh page in its own context.

    Requests outside `allowed` (and data:/blob:) are aborted and listed in
    `page.foreign_requests`. Pass `java_script_enabled=False` etc. as keyword arguments.
    """
    contexts = []

    def make(allowed: tuple[str, ...] = ("http://127.0.0.1",), **context_args):
        context = browser.new_context(locale="fr-FR", **context_args)
        contexts.append(context)
        foreign = _guard(context, tuple(allowed))
        page = context.new_page()
        page.foreign_requests = foreign
        return page

    yield make
    for context in contexts:
        context.close()


# -- the offline mirror of the repository, built once per session (`make mirror`) ----------
ROOT = Path(__file__).resolve().parents[2]
DAY = "2026-11-22"


def _build(output: Path, *extra: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "fichotheque", "--root", str(ROOT), "mirror",
               "--output", str(output), "--date", DAY, *extra]
    return subprocess.run(command, capture_output=True, text=True,
                          env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))


@pytest.fixture(scope="session")
def mirror_zip(tmp_path_factory) -> Path:
    """The repository's mirror (and its ZIM), built once per session like `make mirror`."""
    output = tmp_path_factory.mktemp("dist")
    result = _build(output, "--zim")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Miroir hors ligne prêt" in result.stdout
    return output / f"fichotheque-{DAY}.zip"


@pytest.fixture(scope="session")
def unzipped(mirror_zip, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("cle-usb")
    with zipfile.ZipFile(mirror_zip) as archive:
        archive.extractall(folder)
    return folder
