"""The contributor's and the reader's side of `RESULTS.md`: edit-to-reload, first search result
on a slow link, Lighthouse mobile (used by `report.py`, which also measures the HTML build
ratios at 3,000 fiches listed here)."""

from __future__ import annotations

import statistics

TARGETS = (
    ("html_ratio_plain_3000", "HTML build ÷ plain Material (same nav)", 3000, 1.3, "max"),
    ("html_ratio_plain_cold_3000", "… first build, empty `.cache/` (fresh clone)", 3000, 1.3,
     "max"),
    ("edit_vs_hugo", "Edit-to-reload (`make serve`) ÷ Hugo's server", 1000, 2.0, "max"),
    ("edit_vs_plain", "Edit-to-reload ÷ plain Material `serve --dirty`", 1000, 1.0, "max"),
    ("search_slow3g", "First search result, emulated slow 3G (slowest query)", 1000, 4.0, "max"),
    ("lighthouse_home", "Lighthouse mobile performance, home", 1000, 95, "min"),
    ("lighthouse_catalogue", "Lighthouse mobile performance, catalogue", 1000, 95, "min"),
    ("lighthouse_fiche", "Lighthouse mobile performance, a fiche", 1000, 95, "min"),
)
UNITS = {"html_ratio_plain_3000": "ratio", "html_ratio_plain_cold_3000": "ratio",
         "edit_vs_hugo": "ratio", "edit_vs_plain": "ratio", "lighthouse_home": "count",
         "lighthouse_catalogue": "count", "lighthouse_fiche": "count"}


def _med(values):
    values = [v for v in (values or []) if v is not None]
    return statistics.median(values) if values else None


def _s(value) -> str:
    return "—" if value is None else (f"{value:.2f} s" if value < 10 else f"{value:.1f} s")


def _stage(sizes, n, name):
    entry = sizes.get(n)
    if not entry:
        return None
    data = entry[0]["stages"].get(name)
    return data if data and data.get("available", True) else None


def _ok(data) -> bool:
    return bool(data) and data.get("available", True) and data.get("median") is not None


def measure(key: str, sizes) -> tuple[object, str] | None:
    """(value, note) for the keys of this module, None for the others."""
    if key.startswith("edit_"):
        data = _stage(sizes, 1000, "edit")
        if not data or not _ok(data.get("ours")):
            return None, ""
        other = data.get("hugo" if key == "edit_vs_hugo" else "plain_dirty")
        if not _ok(other):
            return None, "not measured: " + str((other or {}).get("reason", "absent"))
        ours, theirs = data["ours"]["median"], other["median"]
        return ours / theirs, f"{_s(ours)} vs {_s(theirs)} (median of {len(data['ours']['edits'])})"
    if key == "search_slow3g":
        data = _stage(sizes, 1000, "search")
        if data and data.get("worst") is not None:
            return data["worst"], f"« {data.get('worst_query', '?')} »; {data.get('note', '')}"
        return None, ""
    if key.startswith("lighthouse_"):
        data = _stage(sizes, 1000, "lighthouse")
        page = (data or {}).get("pages", {}).get(key.removeprefix("lighthouse_"))
        if page and page.get("score") is not None:
            return page["score"], (f"LCP {_s(page.get('lcp'))}, CLS {page.get('cls', 0):.3f}, "
                                   f"TBT {page.get('tbt', 0):.0f} ms")
        return None, ""
    return None


def edit_section(sizes) -> list[str]:
    out = ["", "## Edit-to-reload (`make serve`)", "",
           "From just before the fiche is written to the moment the page open in headless "
           "Chromium shows the new words (each server's own live reload). Ours = `mkdocs serve` "
           "with our hooks (only the edited fiche's page is rendered again; the search index "
           "follows in the background, « search updated » below); ours, complete = the same "
           "with `FICHOTHEQUE_SERVE_COMPLET=1` (MkDocs rebuilds everything, as before); plain = "
           "MkDocs-Material `serve --dirty` on the same pages; Hugo = `hugo server` (fast "
           "render).", "",
           "| N | fiche | ours | search updated | ours, complete | plain `--dirty` | Hugo | "
           "ours ÷ Hugo | ours ÷ plain |", "|---|---|---|---|---|---|---|---|---|"]
    rows = 0
    for n, (data, _) in sizes.items():
        d = data["stages"].get("edit")
        if d is None:
            continue
        rows += 1
        if not d.get("available", True):
            out.append(f"| {n:,} | not available: {d.get('error', d.get('reason', ''))[-200:]} "
                       "| | | | | | | |")
            continue

        def med(name, d=d):
            r = d.get(name) or {}
            return r.get("median") if r.get("available", True) else None

        ours, hugo, plain = med("ours"), med("hugo"), med("plain_dirty")
        out.append(
            f"| {n:,} | `{d.get('fiche', '')}` | {_s(ours)} | "
            f"{_s((d.get('ours') or {}).get('background_median'))} | {_s(med('ours_full'))} | "
            f"{_s(plain)} | {_s(hugo)} | "
            f"{f'{ours / hugo:.2f}×' if ours and hugo else '—'} | "
            f"{f'{ours / plain:.2f}×' if ours and plain else '—'} |")
    return out if rows else []


def search_section(sizes) -> list[str]:
    rows = []
    for n, (data, _) in sizes.items():
        d = data["stages"].get("search")
        if d is None:
            continue
        if not d.get("available", True):
            rows.append(f"- N = {n:,}: **not available** — {d.get('error', d.get('reason'))}")
            continue
        queries = "; ".join(f"« {q} » {_s(v.get('median'))}"
                            for q, v in (d.get("queries") or {}).items())
        rows.append(f"- N = {n:,}, {d.get('page', '')}: {queries}. {d.get('note', '')}")
    if not rows:
        return []
    return ["", "## First search result on a slow link", "",
            "Headless Chromium at 390×844, network emulated as Chrome DevTools' « Slow 3G » and "
            "the CPU slowed 4× (as Lighthouse's phone), empty cache; from the first key pressed in "
            "the search field to the first result shown (median per query).", "", *rows]


def lighthouse_section(sizes) -> list[str]:
    rows = []
    for n, (data, _) in sizes.items():
        d = data["stages"].get("lighthouse")
        if d is None:
            continue
        if not d.get("available", True):
            rows.append(f"| {n:,} | not available: {d.get('error', d.get('reason'))} "
                        "| | | | | | |")
            continue
        for name, p in (d.get("pages") or {}).items():
            rows.append(f"| {n:,} | {name} (`{p.get('path', '')}`) | {p.get('score')} | "
                        f"{_s(p.get('fcp'))} | {_s(p.get('lcp'))} | {p.get('tbt', 0):.0f} ms | "
                        f"{p.get('cls', 0):.3f} | {p.get('render_blocking', '—')} |")
    if not rows:
        return []
    return ["", "## Lighthouse, mobile", "",
            "Lighthouse (npm, run on Debian's Chromium), default mobile settings (simulated slow "
            "4G, CPU 4× slower), performance only, the site served locally with gzip as GitHub "
            "Pages does.", "",
            "| N | page | score | FCP | LCP | TBT | CLS | render-blocking |",
            "|---|---|---|---|---|---|---|---|", *rows]
