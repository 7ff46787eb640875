"""Time to the first search result on an emulated slow phone connection (issue 23).

For each query, a fresh headless Chromium context (empty cache, phone viewport 390×844) opens
a fiche page of a built site served like GitHub Pages (gzip for text, `index.html` for
folders), waits for `load`, taps the search icon as a user does, types the query, and
measures in the page from the first keydown (`performance.now()`) to the first result item
shown in Material's result list (a MutationObserver on the list). The network is emulated
with Chrome DevTools' « Slow 3G » preset and the CPU slowed down 4× as Lighthouse's mobile
profile does, both through the Chrome DevTools Protocol.

The server logs every request, so each run also reports the bytes of the search files
(index, word files, page blocks, worker) and the requests made after the first keystroke.

Usage:
    python benchmarks/search_latency.py SITE_DIR PAGE "mot de passe" impots
    python benchmarks/search_latency.py SITE_DIR PAGE impots --runs 1 --network fast3g --json
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import json
import mimetypes
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

CHROMIUM = os.environ.get("FICHOTHEQUE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]

# Chrome DevTools' presets (devtools-frontend, front_end/core/sdk/NetworkManager.ts, also
# puppeteer's PredefinedNetworkConditions): bytes per second and milliseconds.
NETWORKS = {
    "slow3g": {"download": 500 * 1000 / 8 * 0.8, "upload": 500 * 1000 / 8 * 0.8,
               "latency": 400 * 5},
    "fast3g": {"download": 1.6 * 1000 * 1000 / 8 * 0.9, "upload": 750 * 1000 / 8 * 0.9,
               "latency": 150 * 3.75},
    "none": None,
}
CPU_SLOWDOWN = 4  # Lighthouse's mobile profile
VIEWPORT = {"width": 390, "height": 844}
TYPING_DELAY_MS = 100  # between two keystrokes
SETTLE_MS = 4000  # the results count as final after this long without a change
TIMEOUT_S = 60
PlaywrightTimeout = Exception  # playwright's, once imported
TEXT_TYPES = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".map", ".webmanifest")
SEARCH_FILES = ("/search/", "/assets/javascripts/workers/")

# In the page, before typing: timestamps of the first keydown and of the result list.
PROBE = """
() => {
  const bench = window.__searchBench = { start: null, first: null, last: null,
    firstHref: null, lastHref: null, changes: 0 };
  document.addEventListener("keydown", () => {
    if (bench.start === null) bench.start = performance.now();
  }, true);
  const list = document.querySelector(".md-search-result__list");
  new MutationObserver(() => {
    const items = Array.from(list.querySelectorAll("li.md-search-result__item"))
      .filter((li) => li.getClientRects().length > 0);
    if (!items.length || bench.start === null) return;
    const now = performance.now();
    const link = items[0].querySelector("a");
    const href = link ? link.getAttribute("href") : null;
    if (bench.first === null) { bench.first = now; bench.firstHref = href; }
    bench.last = now;
    bench.lastHref = href;
    bench.changes += 1;
  }).observe(list, { childList: true, subtree: true });
}
"""


# -- a static server like GitHub Pages --------------------------------------------------------

class _Log:
    def __init__(self):
        self.lock = threading.Lock()
        self.entries: list[tuple[float, str, int]] = []  # (monotonic s, path, body bytes)

    def add(self, path: str, size: int) -> None:
        with self.lock:
            self.entries.append((time.monotonic(), path, size))

    def since(self, start: float) -> list[tuple[float, str, int]]:
        with self.lock:
            return [e for e in self.entries if e[0] >= start]


def _handler(root: Path, log: _Log):
    cache: dict[Path, bytes] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            path = unquote(urlsplit(self.path).path)
            target = (root / path.lstrip("/")).resolve()
            if root not in (target, *target.parents):
                return self._send(404, b"not found", "text/plain", path)
            if target.is_dir():
                if not path.endswith("/"):
                    self.send_response(301)
                    self.send_header("Location", path + "/")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return log.add(path, 0)
                target = target / "index.html"
            if not target.is_file():
                return self._send(404, b"not found", "text/plain", path)
            body = target.read_bytes()
            kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            gzipped = target.suffix in TEXT_TYPES and "gzip" in self.headers.get(
                "Accept-Encoding", "")
            if gzipped:
                if target not in cache:
                    cache[target] = gzip.compress(body, 6)
                body = cache[target]
            self._send(200, body, kind, path, gzipped)

        def _send(self, code: int, body: bytes, kind: str, path: str, gzipped=False):
            self.send_response(code)
            self.send_header("Content-Type", kind + ("; charset=utf-8" if kind.startswith(
                ("text/", "application/json", "application/javascript")) else ""))
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "max-age=600")
            if gzipped:
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Vary", "Accept-Encoding")
            self.end_headers()
            self.wfile.write(body)
            log.add(path, len(body))

    return Handler


class Server:
    def __init__(self, root: Path):
        self.log = _Log()
        self.httpd = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), _handler(Path(root).resolve(), self.log))
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# -- one measure ------------------------------------------------------------------------------

def _is_search(path: str) -> bool:
    return path.startswith(SEARCH_FILES)


def _one_run(browser, server: Server, page_url: str, query: str, network: str) -> dict:
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=3, is_mobile=True,
                                  has_touch=True, locale="fr-FR")
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        conditions = NETWORKS[network]
        if conditions:
            cdp.send("Network.emulateNetworkConditions", {
                "offline": False, "latency": conditions["latency"],
                "downloadThroughput": conditions["download"],
                "uploadThroughput": conditions["upload"]})
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        opened = time.monotonic()
        page.goto(page_url, wait_until="load", timeout=TIMEOUT_S * 1000)
        loaded = time.monotonic()
        page.evaluate(PROBE)
        # On a phone the search field is behind the magnifier icon of the header.
        icon = page.locator("label.md-header__button[for='__search']")
        if icon.is_visible():
            icon.tap()
        field = page.locator("input.md-search__input")
        field.wait_for(state="visible", timeout=TIMEOUT_S * 1000)
        field.tap()
        typed = time.monotonic()
        page.keyboard.type(query, delay=TYPING_DELAY_MS)
        try:
            page.wait_for_function("() => window.__searchBench.first !== null",
                                   timeout=TIMEOUT_S * 1000, polling=100)
        except PlaywrightTimeout:
            return {"first_ms": None, "final_ms": None, "error": "aucun résultat affiché"}
        # Wait until the list stops changing: the results of the whole query.
        deadline = time.monotonic() + TIMEOUT_S
        while time.monotonic() < deadline:
            quiet = page.evaluate("() => performance.now() - window.__searchBench.last")
            if quiet >= SETTLE_MS:
                break
            page.wait_for_timeout(500)
        bench = page.evaluate("() => window.__searchBench")
        requests = server.log.since(opened)
        after = [(t - typed, p, size) for t, p, size in requests if t >= typed]
        search = [(t - opened, p, size) for t, p, size in requests if _is_search(p)]
        return {
            "first_ms": round(bench["first"] - bench["start"]),
            "final_ms": round(bench["last"] - bench["start"]),
            "first_href": bench["firstHref"], "final_href": bench["lastHref"],
            "load_s": round(loaded - opened, 2),
            "search_bytes": sum(s for _, p, s in search if _is_search(p)),
            "search_bytes_after_typing": sum(s for _, p, s in after if _is_search(p)),
            "requests_after_typing": len(after),
            "waterfall": [[round(t, 2), p, s] for t, p, s in search],
        }
    finally:
        context.close()


def first_result(site_dir: Path, page: str, queries: list[str], network: str = "slow3g",
                 runs: int = 3) -> dict:
    """Median time (ms) from the first keystroke to the first search result, per query.

    `page` is a page of the site relative to its root (`fiches/securite/x/`). Returns
    `{"network", "cpu_slowdown", "runs", "queries": {query: {...}}, "worst": (query, ms),
    "search_bytes": median bytes of the search files per run}`.
    """
    global PlaywrightTimeout
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    if network not in NETWORKS:
        raise ValueError(f"réseau inconnu « {network} » ({', '.join(NETWORKS)})")
    server = Server(Path(site_dir))
    results: dict[str, dict] = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                measures = {q: [] for q in queries}
                for _ in range(runs):  # interleaved: a slow moment affects every query
                    for query in queries:
                        measures[query].append(
                            _one_run(browser, server, server.url + page.lstrip("/"),
                                     query, network))
            finally:
                browser.close()
    finally:
        server.close()
    for query, runs_done in measures.items():
        done = [r for r in runs_done if r["first_ms"] is not None]
        if not done:
            results[query] = {"first_ms": None, "error": "aucun résultat affiché"}
            continue
        results[query] = {
            "first_ms": statistics.median(r["first_ms"] for r in done),
            "final_ms": statistics.median(r["final_ms"] for r in done),
            "all_first_ms": [r["first_ms"] for r in done],
            "search_bytes": statistics.median(r["search_bytes"] for r in done),
            "search_bytes_after_typing": statistics.median(
                r["search_bytes_after_typing"] for r in done),
            "requests_after_typing": statistics.median(r["requests_after_typing"]
                                                       for r in done),
            "load_s": statistics.median(r["load_s"] for r in done),
            "first_href": done[-1]["first_href"], "final_href": done[-1]["final_href"],
            "waterfall": done[-1]["waterfall"],
        }
    timed = [q for q in results if results[q]["first_ms"] is not None]
    worst = max(timed, key=lambda q: results[q]["first_ms"]) if timed else None
    return {
        "network": network, "conditions": NETWORKS[network], "cpu_slowdown": CPU_SLOWDOWN,
        "runs": runs, "queries": results,
        "worst": [worst, results[worst]["first_ms"]] if worst else None,
        "search_bytes": statistics.median(results[q]["search_bytes"] for q in timed)
        if timed else 0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Mesurer le temps jusqu'au premier résultat de recherche (réseau lent).")
    parser.add_argument("site", type=Path, help="dossier du site construit")
    parser.add_argument("page", help="page de départ, par exemple fiches/securite/x/")
    parser.add_argument("queries", nargs="+", help="recherches à taper")
    parser.add_argument("--network", default="slow3g", choices=sorted(NETWORKS))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="tout afficher en JSON")
    args = parser.parse_args(argv)
    if not (args.site / args.page.lstrip("/")).exists():
        print(f"Erreur : la page « {args.page} » n'existe pas dans {args.site}.",
              file=sys.stderr)
        return 1
    result = first_result(args.site, args.page, args.queries, args.network, args.runs)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    print(f"Réseau {args.network}, processeur ralenti {CPU_SLOWDOWN}×, "
          f"médiane de {args.runs} mesure(s) :")
    for query, r in result["queries"].items():
        if r["first_ms"] is None:
            print(f"  « {query} » : {r['error']}")
            continue
        print(f"  « {query} » : premier résultat {r['first_ms'] / 1000:.2f} s "
              f"(définitif {r['final_ms'] / 1000:.2f} s ; mesures "
              f"{', '.join(f'{v / 1000:.2f}' for v in r['all_first_ms'])} s), "
              f"recherche {r['search_bytes'] / 1024:.1f} Ko dont "
              f"{r['search_bytes_after_typing'] / 1024:.1f} Ko après la frappe, "
              f"{r['requests_after_typing']:g} requête(s) après la frappe")
    if result["worst"]:
        query, ms = result["worst"]
        print(f"Pire : « {query} », {ms / 1000:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
