"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright, and a local server.

Never downloads a browser. Every request that leaves the local server (or file://) is
recorded on `page.foreign_requests` and aborted, so tests can assert the site makes none.
"""

from __future__ import annotations

import functools
import http.server
import os
import sys
import threading
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
