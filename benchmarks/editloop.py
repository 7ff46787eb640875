"""Edit-to-reload: how long a contributor waits between saving a fiche and seeing it.

Each preview server (ours: `mkdocs serve` with our hooks; plain MkDocs-Material with
`--dirty`; Hugo's server) is started on the same pages, the fiche's page is opened in headless
Chromium (whose live-reload script each server injects), then the fiche's text is changed on
disk several times. One measure runs from just before the file is written to the moment the
page shown in the browser contains the new words (checked every 10 ms). Servers are measured
one after the other, with a pause after each edit so that background work (our search index)
is over before the next one.

    python benchmarks/editloop.py PROJECT_DIR fiches/module/slug.md   # ours only, for a look
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
READY_TIMEOUT = 600.0
EDIT_TIMEOUT = float(os.environ.get("BENCH_EDIT_TIMEOUT", "120"))
SEARCH_DONE = re.compile(r"Index de recherche à jour")


@dataclass
class Server:
    """One preview server to measure."""

    name: str
    command: list[str]
    cwd: Path
    source: Path  # the fiche file edited
    page_path: str  # path of its page on the server, e.g. "/fichotheque/fiches/m/s/"
    env: dict = field(default_factory=dict)
    wait_for_log: re.Pattern | None = None  # background work to let finish after an edit


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Output:
    """A server's output lines, read in a thread (so its pipe never fills)."""

    def __init__(self, stream):
        self.lines: list[tuple[float, str]] = []
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream) -> None:
        for raw in iter(stream.readline, b""):
            self.lines.append((time.perf_counter(), raw.decode("utf-8", "replace").rstrip()))

    def wait_for(self, pattern: re.Pattern, after: float, timeout: float) -> float | None:
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            for stamp, line in list(self.lines):
                if stamp >= after and pattern.search(line):
                    return stamp
            time.sleep(0.05)
        return None


def _body_line(text: str) -> int:
    """Index of the first plain paragraph line after the front matter."""
    lines = text.split("\n")
    start = 0
    if lines and lines[0].strip() == "---":
        start = next(i for i in range(1, len(lines)) if lines[i].strip() == "---") + 1
    for i in range(start, len(lines)):
        if re.match(r"^[A-ZÀ-Ýa-z]", lines[i]) and len(lines[i]) > 20:
            return i
    raise ValueError("no paragraph line in the fiche")


def _edit(path: Path, original: str, marker: str) -> None:
    lines = original.split("\n")
    i = _body_line(original)
    lines[i] = lines[i] + f" {marker}"
    path.write_text("\n".join(lines), encoding="utf-8")


def _ready(url: str, timeout: float, process: subprocess.Popen) -> None:
    end = time.perf_counter() + timeout
    while time.perf_counter() < end:
        if process.poll() is not None:
            raise RuntimeError(f"server stopped (code {process.returncode})")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=5) as response:
            if response.status == 200:
                return
        time.sleep(0.25)
    raise RuntimeError(f"server not ready after {timeout:.0f} s: {url}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _shown(page, marker: str) -> bool:
    try:
        return bool(page.evaluate(
            "m => !!document.body && document.body.innerText.includes(m)", marker))
    except Exception:  # the page is being replaced by its reload
        return False


def measure_server(server: Server, edits: int, pause: float = 2.0) -> dict:
    """Start the server, open the page, time `edits` edits; the file is restored after."""
    from playwright.sync_api import sync_playwright

    port = free_port()
    command = [part.replace("{port}", str(port)) for part in server.command]
    original = server.source.read_text(encoding="utf-8")
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=server.cwd, env={**os.environ, **server.env},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True)
    output = _Output(process.stdout)
    url = f"http://127.0.0.1:{port}{server.page_path}"
    times: list[float] = []
    background: list[float] = []
    try:
        _ready(url, READY_TIMEOUT, process)
        startup = time.perf_counter() - started
        time.sleep(pause)  # the server settles (first search index, watchers)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_page()
            page.goto(url, wait_until="load")
            time.sleep(1.0)  # live reload connected
            for i in range(edits):
                marker = f"Repere{os.getpid()}x{i}x{int(time.time() * 1000) % 100000}"
                t0 = time.perf_counter()
                _edit(server.source, original, marker)
                end = t0 + EDIT_TIMEOUT
                while not _shown(page, marker):
                    if time.perf_counter() > end:
                        tail = "\n".join(line for _, line in output.lines[-15:])
                        raise RuntimeError(f"{server.name}: edit {i + 1} not shown after "
                                           f"{EDIT_TIMEOUT:.0f} s; server said:\n{tail}")
                    time.sleep(0.01)
                times.append(time.perf_counter() - t0)
                if server.wait_for_log is not None:
                    done = output.wait_for(server.wait_for_log, t0, EDIT_TIMEOUT)
                    if done is not None:
                        background.append(done - t0)
                time.sleep(pause)
            browser.close()
    finally:
        server.source.write_text(original, encoding="utf-8")
        _stop(process)
    result = {"available": True, "edits": times, "median": statistics.median(times),
              "startup": startup}
    if background:
        result["background"] = background
        result["background_median"] = statistics.median(background)
    return result


if __name__ == "__main__":
    project, fiche = Path(sys.argv[1]).resolve(), sys.argv[2]
    module, slug = Path(fiche).parent.name, Path(fiche).stem
    ours = Server("ours", [sys.executable, "-m", "mkdocs", "serve", "-a", "127.0.0.1:{port}"],
                  project, project / fiche, f"/fichotheque/fiches/{module}/{slug}/",
                  {"FICHOTHEQUE_PDF": "0", "NO_MKDOCS_2_WARNING": "1"}, SEARCH_DONE)
    print(measure_server(ours, int(sys.argv[3]) if len(sys.argv) > 3 else 3))
