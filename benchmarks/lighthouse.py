"""Lighthouse mobile performance of a built site, served the way GitHub Pages serves it.

`audit(site_dir, pages)` starts a local HTTP server in a thread of this process (gzip for text
types, `index.html` for folders, GitHub Pages' MIME types and `Cache-Control: max-age=600`),
runs Lighthouse (npm package, pinned below) on each page with its defaults — mobile form
factor, simulated throttling — and the performance category only, and returns per page the
score and the figures behind it. `install(root)` puts Lighthouse in `root/.cache/lighthouse`.

Chromium is never downloaded: Lighthouse drives `CHROME_PATH` (default `/usr/bin/chromium`).

Usage:
    python benchmarks/lighthouse.py SITE_DIR                 # home, catalogue and one fiche
    python benchmarks/lighthouse.py SITE_DIR --runs 3 --page accueil= --page cat=catalogue/
"""

from __future__ import annotations

import argparse
import email.utils
import gzip
import http.server
import json
import mimetypes
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar

ROOT = Path(__file__).resolve().parent.parent
# 12.8.x runs on Node >= 18.16 (13.x needs Node >= 22.19). One pin keeps figures comparable.
LIGHTHOUSE_VERSION = "12.8.2"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu"
DEFAULT_CHROME = "/usr/bin/chromium"
RUN_TIMEOUT = 240  # seconds for one Lighthouse run

# What GitHub Pages compresses (text types) and how long it lets browsers cache.
CACHE_CONTROL = "max-age=600"
TEXT_TYPES = ("text/", "application/javascript", "application/json", "application/xml",
              "application/atom+xml", "application/rss+xml", "application/manifest+json",
              "image/svg+xml", "application/ld+json", "application/schema+json")
EXTRA_TYPES = {
    ".js": "application/javascript", ".mjs": "application/javascript",
    ".json": "application/json", ".map": "application/json",
    ".webmanifest": "application/manifest+json", ".svg": "image/svg+xml",
    ".xml": "application/xml", ".woff2": "font/woff2", ".woff": "font/woff",
    ".md": "text/markdown", ".pdf": "application/pdf", ".png": "image/png",
    ".webp": "image/webp", ".ico": "image/x-icon", ".zip": "application/zip",
}


# -- installation ------------------------------------------------------------------------------

def _cli(prefix: Path) -> Path:
    return prefix / "node_modules" / "lighthouse" / "cli" / "index.js"


def _installed_version(prefix: Path) -> str | None:
    package = prefix / "node_modules" / "lighthouse" / "package.json"
    try:
        return json.loads(package.read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError):
        return None


def install(root: Path) -> Path:
    """Install the pinned Lighthouse under `root/.cache/lighthouse` if needed; its CLI path."""
    prefix = Path(root).resolve() / ".cache" / "lighthouse"
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        raise RuntimeError(
            "Lighthouse a besoin de Node.js et de npm, introuvables sur cette machine. "
            "Installez-les (par exemple « sudo apt install nodejs npm »), puis relancez la mesure.")
    cli = _cli(prefix)
    if cli.is_file() and _installed_version(prefix) == LIGHTHOUSE_VERSION:
        return cli
    prefix.mkdir(parents=True, exist_ok=True)
    command = [npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund",
               "--loglevel=error", f"lighthouse@{LIGHTHOUSE_VERSION}"]
    # puppeteer (a dependency) must not fetch a browser: we use the system's Chromium.
    env = {**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1", "PUPPETEER_SKIP_CHROMIUM_DOWNLOAD": "1"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0 or not cli.is_file():
        raise RuntimeError(
            f"L'installation de Lighthouse {LIGHTHOUSE_VERSION} avec npm a échoué "
            f"(code {done.returncode}). Vérifiez l'accès au registre npm, puis relancez.\n"
            + (done.stderr or done.stdout)[-2000:])
    return cli


def _chrome() -> str:
    chrome = os.environ.get("CHROME_PATH", DEFAULT_CHROME)
    if not Path(chrome).is_file():
        raise RuntimeError(
            f"Chromium est introuvable ({chrome}). Installez-le (« sudo apt install chromium ») "
            "ou indiquez son chemin dans la variable CHROME_PATH.")
    return chrome


# -- a local server like GitHub Pages ----------------------------------------------------------

def content_type(path: Path) -> str:
    kind = EXTRA_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
    kind = kind or "application/octet-stream"
    if kind.startswith("text/") or kind in ("application/javascript", "application/json",
                                            "image/svg+xml", "application/xml"):
        kind += "; charset=utf-8"
    return kind


def compressible(kind: str) -> bool:
    return kind.startswith(TEXT_TYPES)


class PagesHandler(http.server.BaseHTTPRequestHandler):
    """GET/HEAD of static files with GitHub Pages' behaviour (no directory listings)."""

    protocol_version = "HTTP/1.1"
    server_version = "GitHubPagesLike"
    site: ClassVar[Path] = Path(".")
    _gzip: ClassVar[dict] = {}  # (path, mtime, size) → compressed bytes, per server
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def log_message(self, *args):  # quiet
        pass

    def do_GET(self):
        self._serve(body=True)

    def do_HEAD(self):
        self._serve(body=False)

    def _resolve(self) -> tuple[Path | None, str | None]:
        """The file for the request path, or a redirect target for a folder without `/`."""
        raw = urllib.parse.urlsplit(self.path).path
        rel = urllib.parse.unquote(raw).lstrip("/")
        target = (self.site / rel).resolve()
        if self.site != target and self.site not in target.parents:
            return None, None
        if target.is_dir():
            if not raw.endswith("/"):
                return None, raw + "/"
            target = target / "index.html"
        elif not target.exists() and target.with_suffix(".html").is_file():
            target = target.with_suffix(".html")
        return (target if target.is_file() else None), None

    def _compressed(self, path: Path, stat) -> bytes:
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        with self._lock:
            data = self._gzip.get(key)
        if data is None:
            data = gzip.compress(path.read_bytes(), 6)
            with self._lock:
                self._gzip[key] = data
        return data

    def _serve(self, body: bool) -> None:
        path, redirect = self._resolve()
        if redirect:
            self.send_response(301)
            self.send_header("Location", redirect)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status = 200
        if path is None:
            status, path = 404, self.site / "404.html"
            if not path.is_file():
                self.send_error(404)
                return
        stat = path.stat()
        etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
        if status == 200 and self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Cache-Control", CACHE_CONTROL)
            self.end_headers()
            return
        kind = content_type(path)
        gzipped = compressible(kind) and "gzip" in self.headers.get("Accept-Encoding", "")
        data = self._compressed(path, stat) if gzipped else path.read_bytes()
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", CACHE_CONTROL)
        self.send_header("Last-Modified", email.utils.formatdate(stat.st_mtime, usegmt=True))
        self.send_header("ETag", etag)
        self.send_header("Access-Control-Allow-Origin", "*")
        if compressible(kind):
            self.send_header("Vary", "Accept-Encoding")
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
        self.end_headers()
        if body:
            self.wfile.write(data)


@contextmanager
def serve(site_dir: Path):
    """Serve `site_dir` on 127.0.0.1 (a free port) from a thread; yields the base URL."""
    handler = type("Handler", (PagesHandler,), {"site": Path(site_dir).resolve(), "_gzip": {}})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


# -- Lighthouse --------------------------------------------------------------------------------

def run_lighthouse(cli: Path, url: str) -> dict:
    """One Lighthouse run (mobile, simulated throttling, performance only): its JSON report."""
    command = ["node", str(cli), url, "--output=json", "--output-path=stdout", "--quiet",
               "--only-categories=performance", f"--chrome-flags={CHROME_FLAGS}"]
    env = {**os.environ, "CHROME_PATH": _chrome()}
    try:
        done = subprocess.run(command, capture_output=True, text=True, env=env,
                              timeout=RUN_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"Lighthouse n'a pas fini en {RUN_TIMEOUT} s pour {url}.") from None
    if done.returncode != 0 or not done.stdout.strip():
        raise RuntimeError(f"Lighthouse a échoué pour {url} (code {done.returncode}) :\n"
                           + done.stderr[-2000:])
    report = json.loads(done.stdout)
    if report.get("runtimeError"):
        raise RuntimeError(f"Lighthouse n'a pas pu mesurer {url} : "
                           f"{report['runtimeError'].get('message', '')}")
    return report


def _numeric(audits: dict, key: str) -> float | None:
    value = (audits.get(key) or {}).get("numericValue")
    return round(value, 4 if key == "cumulative-layout-shift" else 1) if value is not None else None


def _items(audits: dict, key: str) -> list[dict]:
    return ((audits.get(key) or {}).get("details") or {}).get("items") or []


def summarise(report: dict, base: str) -> dict:
    """The figures we keep from one Lighthouse report (URLs relative to the site)."""
    audits = report.get("audits", {})

    def rel(url: str) -> str:
        return url[len(base):] if isinstance(url, str) and url.startswith(base) else url

    blocking = _items(audits, "render-blocking-resources") or _items(
        audits, "render-blocking-insight")
    unused = _items(audits, "unused-css-rules")
    score = (report.get("categories", {}).get("performance") or {}).get("score")
    return {
        "score": round(score * 100) if score is not None else None,
        "fcp_ms": _numeric(audits, "first-contentful-paint"),
        "lcp_ms": _numeric(audits, "largest-contentful-paint"),
        "tbt_ms": _numeric(audits, "total-blocking-time"),
        "cls": _numeric(audits, "cumulative-layout-shift"),
        "speed_index_ms": _numeric(audits, "speed-index"),
        "total_bytes": int(_numeric(audits, "total-byte-weight") or 0),
        "render_blocking": [{"url": rel(i.get("url")), "wasted_ms": round(i.get("wastedMs") or 0)}
                            for i in blocking],
        "unused_css_bytes": sum(int(i.get("wastedBytes") or 0) for i in unused),
        "unused_css": [{"url": rel(i.get("url")), "wasted_bytes": int(i.get("wastedBytes") or 0)}
                       for i in unused],
        "benchmark_index": (report.get("environment") or {}).get("benchmarkIndex"),
    }


def default_pages(site_dir: Path) -> dict[str, str]:
    """Home, catalogue and the first fiche page (in path order) of a built site."""
    site_dir = Path(site_dir)
    fiches = sorted(p.parent.relative_to(site_dir).as_posix() + "/"
                    for p in site_dir.glob("fiches/*/*/index.html"))
    pages = {"home": "", "catalogue": "catalogue/"}
    if fiches:
        pages["fiche"] = fiches[0]
    return pages


def audit(site_dir: Path, pages: dict[str, str], runs: int = 1) -> dict:
    """Lighthouse mobile performance of each page of `site_dir` (label → path under the site).

    Per label: the median run's figures (`score` 0–100, `fcp_ms`, `lcp_ms`, `tbt_ms`, `cls`,
    `speed_index_ms`, `total_bytes`, `render_blocking` [{url, wasted_ms}], `unused_css_bytes`,
    `unused_css`), every run's score in `scores`, `seconds` per run and the Lighthouse version.
    """
    site_dir = Path(site_dir)
    if not (site_dir / "index.html").is_file():
        raise RuntimeError(f"Pas de site construit dans {site_dir} (index.html manquant).")
    cli = install(ROOT)
    _chrome()
    results: dict[str, dict] = {}
    with serve(site_dir) as base:
        for label, path in pages.items():
            url = base + path.lstrip("/")
            measured = []
            for _ in range(max(1, runs)):
                start = time.monotonic()
                summary = summarise(run_lighthouse(cli, url), base)
                summary["seconds"] = round(time.monotonic() - start, 1)
                measured.append(summary)
            scores = [m["score"] for m in measured if m["score"] is not None]
            middle = statistics.median_low(scores) if scores else None
            chosen = next((m for m in measured if m["score"] == middle), measured[0])
            results[label] = {**chosen, "path": path, "scores": scores,
                              "median_score": statistics.median(scores) if scores else None,
                              "lighthouse": LIGHTHOUSE_VERSION}
    return results


def _print(results: dict) -> None:
    for label, r in results.items():
        print(f"{label:10} {r['path'] or '/'}")
        print(f"  score {r['score']} (runs {r['scores']})  FCP {r['fcp_ms']:.0f} ms  "
              f"LCP {r['lcp_ms']:.0f} ms  TBT {r['tbt_ms']:.0f} ms  CLS {r['cls']}  "
              f"SI {r['speed_index_ms']:.0f} ms  {r['total_bytes'] / 1024:.0f} KiB  "
              f"({r['seconds']} s, benchmarkIndex {r['benchmark_index']})")
        for item in r["render_blocking"]:
            print(f"  bloquant : {item['url']} ({item['wasted_ms']} ms)")
        if r["unused_css_bytes"]:
            print(f"  CSS inutilisé : {r['unused_css_bytes'] / 1024:.1f} KiB "
                  + ", ".join(f"{i['url']} {i['wasted_bytes'] / 1024:.1f}"
                              for i in r["unused_css"]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Performance Lighthouse (mobile) d'un site "
                                     "construit, servi comme par GitHub Pages.")
    parser.add_argument("site", type=Path, help="dossier du site construit")
    parser.add_argument("--runs", type=int, default=1, help="mesures par page (médiane)")
    parser.add_argument("--page", action="append", default=[], metavar="NOM=CHEMIN",
                        help="page à mesurer (par défaut : accueil, catalogue, une fiche)")
    parser.add_argument("--json", type=Path, help="écrire aussi les résultats dans ce fichier")
    args = parser.parse_args(argv)
    pages = dict(p.split("=", 1) for p in args.page) if args.page else default_pages(args.site)
    try:
        results = audit(args.site, pages, args.runs)
    except RuntimeError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    _print(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n",
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
