"""Fichothèque benchmark suite: HTML build, check, PDFs, badges, offline ZIP, page weight.

For each corpus size N it generates a synthetic corpus (`corpus.py`), builds three projects
from the same Markdown — ours (hooks + macros), plain MkDocs-Material with the same
navigation layout, and Hugo as the floor — and times every stage as the median of several
runs taken side by side (interleaved). Peak memory is the largest sum of the resident sizes
of a command's process tree, sampled every 50 ms. Figures go to `results-<label>.json`, and
`RESULTS.md` is rendered from every results file in the output folder.

Stages whose component is not there (no `fichotheque pdf`, no badge baker, no mirror, no
Hugo) are reported as "not available", never simulated.

Usage:
    python benchmarks/run.py --sizes 100 1000            # what `make bench` runs
    python benchmarks/run.py --sizes 3000 --runs 1 --label large --stages html,check,weight
    python benchmarks/run.py --sizes 10 --runs 1 --output /tmp/b   # smoke run
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gzip
import html.parser
import importlib.util
import io
import json
import os
import platform
import re
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402
import editloop  # noqa: E402
import lighthouse  # noqa: E402
import search_latency  # noqa: E402

PY = sys.executable
SOURCE = ROOT  # where the project files come from (--source); its src/ wins on PYTHONPATH
PROJECT_PARTS = ("mkdocs.yml", "docs", "hooks", "macros", "badges")
STAGES = ("html", "check", "pdf", "mirror", "badges", "weight", "edit", "search", "lighthouse")
WEB_FROM = 1000  # first-search and Lighthouse stages: only at this N and above (minutes each)
SEARCH_QUERIES = ["mot de passe", "impots", "arnaque", "ordonnance", "messagerie"]
MATERIAL_PLUGINS = {"search", "tags", "blog", "social", "offline", "privacy", "optimize", "info",
                    "group", "meta", "typeset", "projects"}
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
GIB = 1024 ** 3
MIRROR_DATE = "2026-11-01"

# -- running and measuring commands ------------------------------------------------------------

@dataclass
class Run:
    """One timed command: wall and CPU seconds, peak memory, output lines with timestamps."""

    wall: float
    cpu: float
    peak: int  # bytes, largest sampled sum of RSS over the process tree
    maxrss: int  # bytes, largest single process (getrusage), a floor for `peak`
    code: int
    stdout: str = ""
    stderr: str = ""
    marks: list[tuple[float, str]] = field(default_factory=list)  # (seconds, stderr line)

    @property
    def memory(self) -> int:
        return max(self.peak, self.maxrss)


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                found += [int(x) for x in fh.read().split()]
    except OSError:
        pass
    return found


def _memory(pid: int) -> int:
    """Proportional set size of one process: the pages it shares with its parent (a forked
    PDF worker) count once across the tree, not once per process as with RSS."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    with open(f"/proc/{pid}/statm") as fh:  # no smaps_rollup: RSS, an overestimate
        return int(fh.read().split()[1]) * PAGE_SIZE


def _tree_rss(pid: int) -> int:
    total, todo, seen = 0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            total += _memory(p)
        except (OSError, IndexError, ValueError):
            continue
        todo += _children(p)
    return total


def run(cmd: list[str], cwd: Path | None = None, env: dict | None = None,
        check: bool = True) -> Run:
    """Run `cmd`, sampling its process tree's memory; raise on failure when `check`."""
    full_env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONDONTWRITEBYTECODE="1",
                    **(env or {}))
    if SOURCE != ROOT:
        full_env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(SOURCE / "src"), full_env.get("PYTHONPATH")]))
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=full_env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    out: list[bytes] = []
    marks: list[tuple[float, str]] = []
    peak = [0]
    done = threading.Event()

    def read_out():
        out.append(proc.stdout.read())

    def read_err():
        for raw in iter(proc.stderr.readline, b""):
            marks.append((time.perf_counter() - start, raw.decode("utf-8", "replace").rstrip()))

    def sample():
        while not done.wait(0.05):
            peak[0] = max(peak[0], _tree_rss(proc.pid))

    threads = [threading.Thread(target=f, daemon=True) for f in (read_out, read_err, sample)]
    for t in threads:
        t.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    for t in threads:
        t.join()
    result = Run(wall=wall, cpu=usage.ru_utime + usage.ru_stime, peak=peak[0],
                 maxrss=usage.ru_maxrss * 1024, code=proc.returncode,
                 stdout=b"".join(out).decode("utf-8", "replace"),
                 stderr="\n".join(line for _, line in marks), marks=marks)
    if check and result.code != 0:
        tail = "\n".join((result.stderr or result.stdout).splitlines()[-15:])
        raise RuntimeError(f"command failed ({result.code}): {' '.join(map(str, cmd))}\n{tail}")
    return result


def median(values) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def summary(runs: list[Run]) -> dict:
    return {"wall": [r.wall for r in runs], "cpu": [r.cpu for r in runs],
            "memory": [r.memory for r in runs]}


def cli_has(command: str, cwd: Path) -> bool:
    """Whether `fichotheque <command>` exists in this checkout."""
    r = run([PY, "-m", "fichotheque", command, "--help"], cwd=cwd, check=False)
    return r.code == 0


# -- the three projects ------------------------------------------------------------------------

class _Tagged:
    """A YAML value with a custom tag (`!!python/name:…`, `!ENV`), kept as written."""

    def __init__(self, tag: str, node: yaml.Node):
        self.tag = tag
        self.node = node


class _Loader(yaml.SafeLoader):
    pass


class _Dumper(yaml.SafeDumper):
    pass


_Loader.add_multi_constructor("", lambda loader, suffix, node: _Tagged(suffix, node))
_Loader.add_multi_constructor("tag:yaml.org,2002:python/",
                              lambda loader, suffix, node: _Tagged(
                                  "tag:yaml.org,2002:python/" + suffix, node))
_Dumper.add_representer(_Tagged, lambda dumper, value: _retag(value))


def _retag(value: _Tagged) -> yaml.Node:
    node = value.node
    node.tag = value.tag
    return node


def load_config(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)


def copy_project(target: Path, fiches_src: Path) -> Path:
    """Our project: the real site files (mkdocs.yml, docs/, hooks/, …) + the synthetic fiches."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", ".cache")
    for part in PROJECT_PARTS:
        src = SOURCE / part
        if src.is_dir():
            shutil.copytree(src, target / part, ignore=ignore)
        elif src.is_file():
            shutil.copy2(src, target / part)
    shutil.copytree(fiches_src, target / "fiches")
    return target


def _md(text: str) -> str:
    return re.sub(r"([\\`*_{}\[\]()#+!|~>])", r"\\\1", " ".join(str(text).split()))


def _modules(project: Path):
    from fichotheque.content.loading import load_corpus

    loaded = load_corpus(project)
    if loaded.errors:
        raise RuntimeError(f"synthetic corpus invalid: {loaded.errors[0].format()}")
    return loaded


def plain_project(target: Path, ours: Path, fiches_src: Path) -> Path:
    """Plain MkDocs-Material: no hooks, no macros, the fiches copied into docs/.

    Same theme, Markdown extensions and navigation layout as ours: the module pages are in
    the nav, the fiches are `not_in_nav`. The pages our hook generates (module pages,
    overview, catalogue) are written as static Markdown with the same tables.
    """
    if target.exists():
        shutil.rmtree(target)
    docs = target / "docs"
    shutil.copytree(ours / "docs", docs)
    shutil.copytree(fiches_src, docs / "fiches",
                    ignore=shutil.ignore_patterns("_module.yml"))
    loaded = _modules(ours)
    for module in loaded.modules:
        rows = [f"| [{_md(f.title)}]({f.slug}.md) | {f.level_label} | {f.duration} min | "
                f"{_md(f.description)} |" for f in module.fiches]
        (docs / "fiches" / module.slug / "index.md").write_text(
            f"# {_md(module.title)}\n\n{_md(module.description)}\n\n"
            "| Fiche | Niveau | Durée | Ce que l'on apprend |\n|---|---|---|---|\n"
            + "\n".join(rows) + "\n", encoding="utf-8")
    overview = docs / "fiches" / "index.md"
    if not overview.exists():
        overview.write_text("# Fiches\n\n" + "\n".join(
            f"- [{_md(m.title)}]({m.slug}/index.md) — {_md(m.description)}"
            for m in loaded.modules) + "\n", encoding="utf-8")
    catalogue = docs / "catalogue" / "index.md"
    if not catalogue.exists():
        catalogue.parent.mkdir(parents=True, exist_ok=True)
        rows = [f"| [{_md(f.title)}](../fiches/{m.slug}/{f.slug}.md) | {_md(m.title)} | "
                f"{f.level_label} | {f.duration} min |" for m in loaded.modules for f in m.fiches]
        head = "# Catalogue\n\n| Fiche | Module | Niveau | Durée |\n|---|---|---|---|\n"
        catalogue.write_text(head + "\n".join(rows) + "\n", encoding="utf-8")

    config = load_config(ours / "mkdocs.yml")
    config.pop("hooks", None)
    config["plugins"] = [p for p in config.get("plugins") or []
                         if (next(iter(p)) if isinstance(p, dict) else p) in MATERIAL_PLUGINS]
    if isinstance(config.get("theme"), dict):
        config["theme"].pop("custom_dir", None)
    section = ["fiches/index.md"] + [{m.title: f"fiches/{m.slug}/index.md"}
                                     for m in loaded.modules]

    def rewrite(items):
        result = []
        for item in items:
            if item == "fiches/index.md":
                result.append({"Fiches": section})
            elif isinstance(item, dict):
                (title, value), = item.items()
                if value == "fiches/index.md":
                    result.append({title: section})
                elif isinstance(value, list):
                    result.append({title: rewrite(value)})
                elif isinstance(value, str) and (docs / value).exists():
                    result.append(item)
            elif isinstance(item, str) and (docs / item).exists():
                result.append(item)
        return result

    if config.get("nav"):
        config["nav"] = rewrite(config["nav"])
    (target / "mkdocs.yml").write_text(
        yaml.dump(config, Dumper=_Dumper, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


HUGO_CONFIG = """baseURL = "https://example.org/"
languageCode = "fr"
title = "Fichothèque"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
"""
HUGO_SINGLE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main><h1>{{ .Title }}</h1>{{ .Content }}</main></body></html>
"""
HUGO_LIST = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main><h1>{{ .Title }}</h1>{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
</main></body></html>
"""


def hugo_project(target: Path, ours: Path, fiches_src: Path) -> Path:
    """The floor: Hugo with a two-file layout turning the same Markdown into HTML."""
    if target.exists():
        shutil.rmtree(target)
    content = target / "content" / "fiches"
    shutil.copytree(fiches_src, content, ignore=shutil.ignore_patterns("_module.yml"))
    for module in _modules(ours).modules:
        (content / module.slug / "_index.md").write_text(
            f"---\ntitle: {json.dumps(module.title, ensure_ascii=False)}\n---\n\n"
            f"{_md(module.description)}\n", encoding="utf-8")
    layouts = target / "layouts" / "_default"
    layouts.mkdir(parents=True)
    (layouts / "single.html").write_text(HUGO_SINGLE, encoding="utf-8")
    (layouts / "list.html").write_text(HUGO_LIST, encoding="utf-8")
    (target / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    return target


# -- stages ------------------------------------------------------------------------------------

def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def stage_html(ctx: dict, runs: int) -> dict:
    """Full HTML build (PDFs off): ours vs plain Material (same nav) vs Hugo, interleaved."""
    work: Path = ctx["work"]
    ours = lambda out: [PY, "-m", "mkdocs", "build", "-q", "-f",  # noqa: E731
                        str(ctx["ours"] / "mkdocs.yml"), "-d", str(out)]
    # « ours_cold » starts from an empty `.cache/` (a fresh clone, CI without a cache: lint
    # results and badge images are made again); « ours » right after it finds them there.
    variants = {
        "ours_cold": ours,
        "ours": ours,
        "plain": lambda out: [PY, "-m", "mkdocs", "build", "-q", "-f",
                              str(ctx["plain"] / "mkdocs.yml"), "-d", str(out)],
    }
    hugo = shutil.which("hugo")
    if hugo:
        variants["hugo"] = lambda out: [hugo, "--quiet", "-s", str(ctx["hugo"]), "-d", str(out)]
    results: dict[str, list[Run]] = {name: [] for name in variants}
    for i in range(runs):
        for name, command in variants.items():
            out = work / f"site-{name}"
            if out.exists():
                shutil.rmtree(out)
            if name == "ours_cold":
                shutil.rmtree(ctx["ours"] / ".cache", ignore_errors=True)
            log(f"N={ctx['n']} html {name} run {i + 1}/{runs}")
            results[name].append(run(command(out), cwd=ctx[name.removesuffix("_cold")],
                                     env={"FICHOTHEQUE_PDF": "0"}))
    data = {name: summary(r) for name, r in results.items()}
    if not hugo:
        data["hugo"] = {"available": False, "reason": "hugo absent (apt-get install hugo)"}
    ctx["site"] = work / "site-ours"
    ctx["plain_site"] = work / "site-plain"
    return data


def stage_check(ctx: dict, runs: int) -> dict:
    results = []
    for i in range(runs):
        log(f"N={ctx['n']} check run {i + 1}/{runs}")
        results.append(run([PY, "-m", "fichotheque", "--root", str(ctx["ours"]), "check"]))
    return summary(results)


PDF_LINE = re.compile(r"^PDF \d+/\d+(?: \(\d+ %\))? : (?P<output>\S+)")


def _rendered(r: Run) -> list[str]:
    return sorted({m.group("output") for _, line in r.marks
                   if (m := PDF_LINE.match(line.strip().split("\r")[-1]))})


def stage_pdf(ctx: dict, runs: int) -> dict:
    """Full export (cold cache) with one worker and with every core, then one fiche changed."""
    ours: Path = ctx["ours"]
    if not cli_has("pdf", ours):
        return {"available": False, "reason": "« fichotheque pdf » absent de cette version"}
    site = ctx.get("site")
    if not site or not site.is_dir():
        return {"available": False, "reason": "pas de site HTML construit (étape html omise)"}
    cores = os.cpu_count() or 1
    cache = ours / ".cache" / "pdf"
    # One worker vs all cores only up to --pdf-compare-max: at N = 3,000 it would take an hour.
    full: dict[str, list[Run]] = {"1": [], str(cores): []} if ctx["pdf_compare"] else \
        {str(cores): []}
    for i in range(runs):
        for workers in full:
            if cache.exists():
                shutil.rmtree(cache)
            log(f"N={ctx['n']} pdf full workers={workers} run {i + 1}/{runs}")
            full[workers].append(run([PY, "-m", "fichotheque", "--root", str(ours), "pdf",
                                      "--site-dir", str(site), "--workers", workers]))
    pdfs = sorted(site.rglob("*.pdf"))
    data = {"available": True, "cores": cores, "pdfs": len(pdfs),
            "pdf_bytes": sum(p.stat().st_size for p in pdfs),
            "full": {w: {**summary(r), "rendered": len(_rendered(r[-1]))}
                     for w, r in full.items()}}
    # Incremental: change one fiche, rebuild the HTML, re-run the export on a warm cache.
    loaded = _modules(ours)
    module = loaded.modules[0]
    fiche = module.fiches[len(module.fiches) // 2]
    incremental = []
    for i in range(runs):
        # A learner-visible change (in « À retenir »): both PDFs and the booklet must follow.
        text = fiche.path.read_text(encoding="utf-8")
        fiche.path.write_text(text.replace(
            "## À retenir\n\n", f"## À retenir\n\n- Point ajouté pour la mesure n° {i + 1}.\n",
            1), encoding="utf-8")
        run([PY, "-m", "mkdocs", "build", "-q", "-f", str(ours / "mkdocs.yml"), "-d", str(site)],
            cwd=ours, env={"FICHOTHEQUE_PDF": "0"})
        log(f"N={ctx['n']} pdf incremental run {i + 1}/{runs}")
        incremental.append(run([PY, "-m", "fichotheque", "--root", str(ours), "pdf",
                                "--site-dir", str(site), "--workers", str(cores)]))
    expected = sorted([f"fiches/{module.slug}/{fiche.slug}/{fiche.slug}.pdf",
                       f"fiches/{module.slug}/{fiche.slug}/{fiche.slug}-animateur.pdf",
                       f"fiches/{module.slug}/{module.slug}.pdf"])
    data["incremental"] = {**summary(incremental), "fiche": fiche.rel_path,
                           "rendered": [_rendered(r) for r in incremental],
                           "expected": expected}
    ctx["pdf_done"] = True
    return data


def stage_mirror(ctx: dict, runs: int) -> dict:
    """`fichotheque mirror`: the offline build, then the ZIP (timed from its progress line)."""
    ours: Path = ctx["ours"]
    if not cli_has("mirror", ours):
        return {"available": False, "reason": "« fichotheque mirror » absent de cette version"}
    with_pdf = bool(ctx.get("pdf_done"))
    results, hashes, sizes, zip_times, files = [], [], [], [], []
    for i in range(max(2, runs)):  # two runs at least: the ZIP must be byte-identical
        out = ctx["work"] / f"mirror-{i}"
        if out.exists():
            shutil.rmtree(out)
        log(f"N={ctx['n']} mirror run {i + 1}/{max(2, runs)}" + (" (avec PDF)" if with_pdf else ""))
        command = [PY, "-m", "fichotheque", "--root", str(ours), "mirror", "--output", str(out),
                   "--date", MIRROR_DATE]
        if not with_pdf:
            command.append("--no-pdf")
        r = run(command, cwd=ours)
        results.append(r)
        zips = sorted(out.glob("*.zip"))
        if not zips:
            return {"available": False, "reason": "la commande n'a pas produit de ZIP"}
        sizes.append(zips[0].stat().st_size)
        import hashlib

        hashes.append(hashlib.sha256(zips[0].read_bytes()).hexdigest())
        start = next((t for t, line in r.marks if line.startswith("Compression")), None)
        zip_times.append(r.wall - start if start is not None else None)
        m = re.search(r"(\d+) fichiers", r.stdout)
        files.append(int(m.group(1)) if m else None)
    return {"available": True, "with_pdf": with_pdf, **summary(results), "zip": zip_times,
            "size": sizes[-1], "files": files[-1], "deterministic": len(set(hashes)) == 1}


class _Resources(html.parser.HTMLParser):
    """Resources a page loads by itself (not links it offers)."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "img", "iframe", "audio", "video", "source", "embed") and a.get("src"):
            self.urls.append(a["src"])
        if tag == "link" and a.get("href") and set((a.get("rel") or "").split()) & {
                "stylesheet", "preload", "icon", "modulepreload", "manifest", "prefetch"}:
            self.urls.append(a["href"])


def _browser_requests(site: Path, page_rel: str) -> tuple[list[str], str]:
    """Requests to other hosts when a real headless Chromium opens the page (+ its search)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return [], "static"
    chromium = os.environ.get("FICHOTHEQUE_CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).exists():
        return [], "static"
    import functools
    import http.server

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    foreign: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page()

            def route(r):
                if r.request.url.startswith((base, "data:", "blob:")):
                    r.continue_()
                else:
                    foreign.append(r.request.url)
                    r.abort()

            page.route("**/*", route)
            page.goto(base + page_rel, wait_until="networkidle")
            search = page.locator("input[name=query]")
            if search.count():
                search.first.fill("mot de passe")
                page.wait_for_timeout(1500)
            browser.close()
    finally:
        server.shutdown()
    return foreign, "chromium"


def stage_weight(ctx: dict, runs: int) -> dict:
    """Fiche page weight (median fiche), third-party requests, search index per fiche."""
    site = ctx.get("site")
    if not site or not site.is_dir():
        return {"available": False, "reason": "pas de site HTML construit (étape html omise)"}
    loaded = _modules(ctx["ours"])
    pages = sorted((site / f.url / "index.html" for f in loaded.fiches),
                   key=lambda p: p.stat().st_size)
    page = pages[len(pages) // 2]
    raw = page.read_bytes()
    parser = _Resources()
    parser.feed(raw.decode("utf-8"))
    assets, foreign_static = 0, []
    for url in parser.urls:
        if re.match(r"^(https?:)?//", url):
            foreign_static.append(url)
            continue
        path = (page.parent / url.split("?")[0].split("#")[0]).resolve()
        if path.is_file():
            assets += path.stat().st_size
    index = site / "search" / "search_index.json"
    fiche_index, split = None, False
    if index.exists():
        urls = tuple(f.url for f in loaded.fiches)
        docs = json.loads(index.read_text(encoding="utf-8")).get("docs")
        if docs is None:  # split index (large sites): every search file counts
            split = True
            fiche_index = sum(p.stat().st_size for p in (site / "search").rglob("*.json"))
        else:
            fiche_index = sum(len(json.dumps(d, ensure_ascii=False).encode()) + 1
                              for d in docs if d.get("location", "").startswith(urls))
    foreign, method = _browser_requests(site, page.relative_to(site).parent.as_posix() + "/")
    data = {"available": True, "page": page.relative_to(site).as_posix(), "html": len(raw),
            "gzip": len(gzip.compress(raw, 6)), "largest_html": pages[-1].stat().st_size,
            "assets": assets, "third_party": sorted(set(foreign + foreign_static)),
            "method": method,
            "search_index": index.stat().st_size if index.exists() else None,
            "search_fiche_entries": fiche_index, "search_split": split,
            "fiches": len(loaded.fiches)}
    plain = ctx.get("plain_site")
    if plain and (plain / loaded.fiches[0].url / "index.html").exists():
        plain_page = plain / page.relative_to(site)
        if plain_page.exists():
            data["plain_html"] = plain_page.stat().st_size
        plain_index = plain / "search" / "search_index.json"
        data["plain_search_index"] = plain_index.stat().st_size if plain_index.exists() else None
    return data


# -- edit-to-reload ----------------------------------------------------------------------------

def _mount_path(project: Path) -> str:
    from urllib.parse import urlsplit

    path = urlsplit(str(load_config(project / "mkdocs.yml").get("site_url") or "/")).path
    return path if path.endswith("/") else path + "/"


def stage_edit(ctx: dict, runs: int) -> dict:
    """Edit-to-reload: ours (`mkdocs serve`), plain Material `serve --dirty`, Hugo's server;
    and ours with MkDocs' complete rebuild (what `mkdocs serve` did before), fewer edits."""
    loaded = _modules(ctx["ours"])
    fiches = sorted(loaded.fiches, key=lambda f: f.rel_path)
    fiche = fiches[len(fiches) // 2]
    rel = f"{fiche.module}/{fiche.slug}.md"
    env = {"FICHOTHEQUE_PDF": "0", "NO_MKDOCS_2_WARNING": "1"}
    serve = [PY, "-m", "mkdocs", "serve", "-a", "127.0.0.1:{port}"]
    mount = _mount_path(ctx["ours"])
    edits = max(5, runs * 2)
    servers = [
        editloop.Server("ours", serve, ctx["ours"], ctx["ours"] / "fiches" / rel,
                        f"{mount}{fiche.url}", env, editloop.SEARCH_DONE),
        editloop.Server("plain_dirty", [*serve, "--dirty"], ctx["plain"],
                        ctx["plain"] / "docs" / "fiches" / rel,
                        f"{_mount_path(ctx['plain'])}{fiche.url}", env),
    ]
    hugo = shutil.which("hugo")
    if hugo:
        servers.append(editloop.Server(
            "hugo", [hugo, "server", "-s", str(ctx["hugo"]), "--bind", "127.0.0.1",
                     "--port", "{port}", "--baseURL", "http://127.0.0.1/"],
            ctx["hugo"], ctx["hugo"] / "content" / "fiches" / rel, f"/{fiche.url}"))
    data: dict = {"fiche": f"fiches/{rel}"}
    for server in servers:
        log(f"N={ctx['n']} edit {server.name} ({edits} edits)")
        data[server.name] = editloop.measure_server(server, edits)
    log(f"N={ctx['n']} edit ours_full (2 edits)")
    data["ours_full"] = editloop.measure_server(editloop.Server(
        "ours_full", serve, ctx["ours"], ctx["ours"] / "fiches" / rel, f"{mount}{fiche.url}",
        {**env, "FICHOTHEQUE_SERVE_COMPLET": "1"}), 2)
    if not hugo:
        data["hugo"] = {"available": False, "reason": "hugo absent (apt-get install hugo)"}
    return data


# -- the reader's side: first search result on a slow link, Lighthouse ------------------------

def _fiche_page(ctx: dict) -> str:
    """The median-sized fiche page, as the weight stage picks it."""
    loaded = _modules(ctx["ours"])
    pages = sorted((f.url for f in loaded.fiches),
                   key=lambda u: (ctx["site"] / u / "index.html").stat().st_size)
    return pages[len(pages) // 2]


def stage_search(ctx: dict, runs: int) -> dict:
    site = ctx.get("site")
    if not site or not site.is_dir():
        return {"available": False, "reason": "pas de site HTML construit (étape html omise)"}
    if ctx["n"] < WEB_FROM:
        return {"available": False, "reason": f"mesuré à partir de N = {WEB_FROM:,}"}
    page = _fiche_page(ctx)
    log(f"N={ctx['n']} search slow 3G, {len(SEARCH_QUERIES)} queries × {runs}")
    raw = search_latency.first_result(site, page, SEARCH_QUERIES, network="slow3g", runs=runs)
    queries = {q: {"median": (r.get("first_ms") or 0) / 1000 if r.get("first_ms") else None,
                   "bytes": r.get("search_bytes_after_typing"),
                   "requests": r.get("requests_after_typing")}
               for q, r in raw["queries"].items()}
    missing = [q for q, r in queries.items() if r["median"] is None]
    worst = max((q for q in queries if q not in missing), key=lambda q: queries[q]["median"],
                default=None)
    return {"available": True, "page": page, "queries": queries,
            "worst": None if missing or worst is None else queries[worst]["median"],
            "worst_query": ", ".join(missing) if missing else worst,
            "note": (f"no result shown for {', '.join(missing)}; " if missing else "")
            + f"search files per visit {fmt_bytes(raw.get('search_bytes'))} (median)",
            "raw": raw}


def stage_lighthouse(ctx: dict, runs: int) -> dict:
    """Lighthouse mobile (performance) on home, catalogue and the median fiche page."""
    site = ctx.get("site")
    if not site or not site.is_dir():
        return {"available": False, "reason": "pas de site HTML construit (étape html omise)"}
    if ctx["n"] < WEB_FROM:
        return {"available": False, "reason": f"mesuré à partir de N = {WEB_FROM:,}"}
    pages = {"home": "", "catalogue": "catalogue/", "fiche": _fiche_page(ctx)}
    log(f"N={ctx['n']} lighthouse, {len(pages)} pages × {runs}")
    try:
        raw = lighthouse.audit(site, pages, runs=runs)
    except RuntimeError as exc:  # no node/npm: said, never simulated
        return {"available": False, "reason": str(exc)}

    def seconds(ms):
        return None if ms is None else ms / 1000

    return {"available": True, "pages": {name: {
        "path": r["path"], "score": r["median_score"], "scores": r["scores"],
        "fcp": seconds(r["fcp_ms"]), "lcp": seconds(r["lcp_ms"]), "tbt": r["tbt_ms"] or 0,
        "cls": r["cls"] or 0, "render_blocking": len(r["render_blocking"]),
        "unused_css": r["unused_css_bytes"], "benchmark_index": r.get("benchmark_index"),
        "lighthouse": r.get("lighthouse")} for name, r in raw.items()}}


def fmt_bytes(value) -> str:
    return "—" if value is None else f"{value / 1024:.1f} KiB"


# -- badges ------------------------------------------------------------------------------------

def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(
        ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def bake_direct(png: bytes, assertion: str) -> bytes:
    """The floor: one uncompressed `openbadges` iTXt chunk inserted right after IHDR."""
    ihdr_end = 8 + 12 + struct.unpack(">I", png[8:12])[0]
    itxt = b"openbadges\x00\x00\x00\x00\x00" + assertion.encode("utf-8")
    return png[:ihdr_end] + _chunk(b"iTXt", itxt) + png[ihdr_end:]


def _badge_image() -> bytes:
    try:
        from fichotheque.badges.images import badge_png

        return badge_png("Sécurité numérique", "#B3261E", "securite")
    except Exception:
        from PIL import Image

        buf = io.BytesIO()
        Image.new("RGB", (400, 400), (179, 38, 30)).save(buf, "PNG")
        return buf.getvalue()


def _assertion(i: int) -> str:
    uid = f"{i:08x}-0000-4000-8000-{i:012x}"
    return json.dumps({
        "@context": "https://w3id.org/openbadges/v2", "type": "Assertion",
        "id": f"https://fichotheque.github.io/fichotheque/badges/assertions/{uid}.json",
        "recipient": {"type": "email", "hashed": True, "salt": f"sel{i}",
                      "identity": "sha256$" + f"{i:064x}"},
        "badge": "https://fichotheque.github.io/fichotheque/badges/securite.json",
        "verification": {"type": "hosted"}, "issuedOn": "2026-11-01T10:00:00+00:00",
        "image": f"https://fichotheque.github.io/fichotheque/badges/assertions/{uid}.png",
    }, ensure_ascii=False)


def bake_worker(impl: str, count: int, out_dir: str) -> None:
    """Child process: bake `count` awards with `impl`, print the in-process seconds as JSON."""
    if impl == "ours":
        from fichotheque.badges.bake import bake, unbake
    elif impl == "bakery":
        import openbadges_bakery

        def bake(png, text):
            return openbadges_bakery.bake(io.BytesIO(png), text, io.BytesIO()).getvalue()
        unbake = None
    else:
        bake, unbake = bake_direct, None
    png = _badge_image()
    texts = [_assertion(i) for i in range(count)]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for i, text in enumerate(texts):
        (out / f"{i}.png").write_bytes(bake(png, text))
    seconds = time.perf_counter() - start
    ok = unbake is None or unbake((out / "0.png").read_bytes()) == texts[0]
    print(json.dumps({"seconds": seconds, "ok": ok, "image": len(png)}))


def stage_badges(work: Path, counts: list[int], runs: int) -> dict:
    try:
        found = importlib.util.find_spec("fichotheque.badges.bake") is not None
    except ImportError:
        found = False
    if not found:
        return {"available": False, "reason": "fichotheque.badges.bake absent de cette version"}
    impls = ("ours", "bakery", "direct")
    data: dict = {"available": True, "counts": {}}
    for count in counts:
        found: dict[str, list] = {impl: [] for impl in impls}
        for i in range(runs):
            for impl in impls:
                out = work / f"bake-{impl}"
                if out.exists():
                    shutil.rmtree(out)
                log(f"badges {impl}, {count} awards, run {i + 1}/{runs}")
                r = run([PY, str(Path(__file__).resolve()), "--bake-worker", impl, str(count),
                         str(out)])
                report = json.loads(r.stdout.strip().splitlines()[-1])
                found[impl].append({"seconds": report["seconds"], "wall": r.wall,
                                    "memory": r.memory, "ok": report["ok"]})
        data["counts"][str(count)] = {
            impl: {"seconds": [x["seconds"] for x in v], "wall": [x["wall"] for x in v],
                   "memory": [x["memory"] for x in v], "ok": all(x["ok"] for x in v)}
            for impl, v in found.items()}
    return data


# -- machine -----------------------------------------------------------------------------------

def machine() -> dict:
    cpu = ""
    with contextlib.suppress(OSError):
        cpu = next((line.split(":", 1)[1].strip() for line in
                    Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")), "")
    memory = None
    try:
        kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
        memory = kb * 1024
    except (OSError, StopIteration):
        pass
    return {"nproc": os.cpu_count(), "memory": memory, "cpu": cpu or platform.processor(),
            "system": f"{platform.system()} {platform.release()}"}


def versions() -> dict:
    found = {"python": platform.python_version()}
    for name in ("mkdocs", "mkdocs-material", "mkdocs-macros-plugin", "weasyprint", "pikepdf",
                 "openbadges-bakery", "fichotheque"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    hugo = shutil.which("hugo")
    if hugo:
        out = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout
        m = re.search(r"v(\d+\.\d+\.\d+)", out)
        found["hugo"] = m.group(1) if m else out.strip()
    else:
        found["hugo"] = None
    return found


def loadavg() -> float | None:
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


# -- one benchmark session ---------------------------------------------------------------------

def bench_size(n: int, work: Path, stages: set[str], runs: int, pdf_runs: int,
               pdf_compare: bool = True) -> dict:
    base = work / f"n{n}"
    if base.exists():
        shutil.rmtree(base)
    base.mkdir(parents=True)
    log(f"N={n}: corpus")
    src = base / "src"
    corpus.generate(src, n)
    ctx = {"n": n, "work": base, "pdf_compare": pdf_compare}
    ctx["ours"] = copy_project(base / "ours", src / "fiches")
    ctx["plain"] = plain_project(base / "plain", ctx["ours"], src / "fiches")
    ctx["hugo"] = hugo_project(base / "hugo", ctx["ours"], src / "fiches")
    words = [len(p.read_text(encoding="utf-8").split()) for p in (src / "fiches").rglob("*.md")]
    result = {"n": n, "words": {"min": min(words), "median": median(words), "max": max(words)},
              "load": [loadavg()], "stages": {}}
    steps = (("html", stage_html, runs), ("check", stage_check, runs),
             ("weight", stage_weight, 1), ("edit", stage_edit, runs),
             ("search", stage_search, runs), ("lighthouse", stage_lighthouse, runs),
             ("pdf", stage_pdf, pdf_runs), ("mirror", stage_mirror, pdf_runs))
    for name, function, count in steps:
        if name not in stages:
            continue
        try:
            result["stages"][name] = function(ctx, count)
        except Exception as exc:
            log(f"N={n} {name} FAILED: {exc}")
            result["stages"][name] = {"available": False, "error": str(exc)[-2000:]}
        result["load"].append(loadavg())
    return result


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--bake-worker"]:
        bake_worker(argv[1], int(argv[2]), argv[3])
        return 0
    p = argparse.ArgumentParser(description="Mesurer les performances de Fichothèque.")
    p.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    p.add_argument("--runs", type=int, default=3, help="mesures par chiffre (médiane)")
    p.add_argument("--pdf-runs", type=int, default=None,
                   help="mesures des PDF (par défaut : 2 jusqu'à N=100, puis 1)")
    p.add_argument("--pdf-compare-max", type=int, default=100,
                   help="plus grand N où l'export PDF est aussi mesuré avec un seul processus")
    p.add_argument("--awards", type=int, nargs="*", default=[1000, 10000])
    p.add_argument("--stages", default=",".join(STAGES),
                   help=f"étapes, séparées par des virgules ({', '.join(STAGES)})")
    p.add_argument("--output", default=str(HERE), help="dossier de RESULTS.md")
    p.add_argument("--label", default="bench", help="nom du fichier results-<label>.json")
    p.add_argument("--work", default=None, help="dossier de travail (par défaut : temporaire)")
    p.add_argument("--keep", action="store_true", help="garder le dossier de travail")
    p.add_argument("--source", default=None,
                   help="projet à mesurer (par défaut : ce dépôt ; son src/ passe en premier)")
    args = p.parse_args(argv)
    global SOURCE
    if args.source:
        SOURCE = Path(args.source).resolve()
        sys.path.insert(0, str(SOURCE / "src"))
    stages = {s.strip() for s in args.stages.split(",") if s.strip()}
    unknown = stages - set(STAGES)
    if unknown:
        print(f"Erreur : étape inconnue « {sorted(unknown)[0]} » ; "
              f"étapes possibles : {', '.join(STAGES)}.", file=sys.stderr)
        return 1
    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="fichotheque-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    if not args.source:
        # Other people edit the tree while a long run goes on: measure one frozen copy of it.
        snapshot = work / "source"
        if snapshot.exists():
            shutil.rmtree(snapshot)
        snapshot.mkdir(parents=True)
        ignore = shutil.ignore_patterns("__pycache__", ".cache", "*.egg-info")
        for part in (*PROJECT_PARTS, "src"):
            src = ROOT / part
            if src.is_dir():
                shutil.copytree(src, snapshot / part, ignore=ignore)
            elif src.is_file():
                shutil.copy2(src, snapshot / part)
        SOURCE = snapshot
        sys.path.insert(0, str(SOURCE / "src"))
    started = time.perf_counter()
    session = {"label": args.label, "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
               "runs": args.runs, "machine": machine(), "versions": versions(), "sizes": {}}
    try:
        for n in args.sizes:
            pdf_runs = args.pdf_runs or (min(args.runs, 2) if n <= 100 else 1)
            session["sizes"][str(n)] = bench_size(n, work, stages, args.runs, pdf_runs,
                                                  n <= args.pdf_compare_max)
        if "badges" in stages and args.awards:
            try:
                session["badges"] = stage_badges(work, args.awards, args.runs)
            except Exception as exc:
                session["badges"] = {"available": False, "error": str(exc)[-2000:]}
    finally:
        if not args.keep and not args.work:
            shutil.rmtree(work, ignore_errors=True)
    session["seconds"] = time.perf_counter() - started
    target = output / f"results-{args.label}.json"
    tmp = target.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(session, indent=1, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, target)
    from report import write_report

    path = write_report(output)
    print(f"Résultats : {path} (en {session['seconds'] / 60:.1f} min).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
