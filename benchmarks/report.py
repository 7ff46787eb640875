"""Render `RESULTS.md` from every `results-*.json` in a folder (written by `run.py`).

The latest session wins for a given corpus size; the targets table says met / missed (by how
much) / not measured. `ANALYSIS.md` beside this file (the why, written by hand after a run)
is appended when present.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import report_web

HERE = Path(__file__).resolve().parent
GIB = 1024 ** 3
INDEX_SCALING_LIMIT = 10 * 1024 * 1024

TARGETS = (
    # key, label, corpus size (None: independent), limit, kind ("max" or "min")
    ("html_ratio_plain", "HTML build ÷ plain Material (same nav)", 1000, 1.3, "max"),
    ("html_ratio_plain_cold", "… first build, empty `.cache/` (fresh clone)", 1000, 1.3, "max"),
    ("html_wall", "HTML build, wall", 1000, 25.0, "max"),
    ("html_growth", "HTML build growth N 1,000 → 3,000", 3000, 3.3, "max"),
    ("check_wall", "`fichotheque check`", 1000, 3.0, "max"),
    ("pdf_full", "PDF full export, all cores", 1000, 180.0, "max"),
    ("pdf_speedup", "PDF all cores vs one worker", 1000, 1.7, "min"),
    ("pdf_incremental", "PDF after one fiche changes", 1000, 5.0, "max"),
    ("pdf_incremental_set", "… re-renders exactly its 2 PDFs + its booklet", 1000, None, "bool"),
    ("bake_10000", "Baking 10,000 awards", None, 10.0, "max"),
    ("bake_ratio", "Baking ÷ direct PNG-chunk floor", None, 2.0, "max"),
    ("zip_wall", "Offline ZIP packing", 1000, 10.0, "max"),
    ("zip_deterministic", "… byte-identical on rebuild", 1000, None, "bool"),
    ("page_html", "Fiche page, uncompressed", 1000, 350 * 1024, "max"),
    ("page_gzip", "Fiche page, gzipped", 1000, 80 * 1024, "max"),
    ("third_party", "Third-party requests (fiche page + search)", 1000, 0, "max"),
    ("search_per_fiche", "Search index per fiche", 1000, 9 * 1024, "max"),
    ("peak_memory", "Peak memory, any stage", 3000, 2 * GIB, "max"),
    *report_web.TARGETS,
)
UNITS = {"html_ratio_plain": "ratio", "html_ratio_plain_cold": "ratio", "html_growth": "ratio",
         "pdf_speedup": "ratio",
         "bake_ratio": "ratio", "page_html": "bytes", "page_gzip": "bytes",
         "search_per_fiche": "bytes", "peak_memory": "bytes", "third_party": "count",
         **report_web.UNITS}


def med(values) -> float | None:
    values = [v for v in (values or []) if v is not None]
    return statistics.median(values) if values else None


def reason(data: dict) -> str:
    """Why a stage is not available: its reason, or the last line of its error."""
    if data.get("reason"):
        return data["reason"]
    lines = [line for line in (data.get("error") or "").splitlines() if line.strip()]
    return f"failed: `{lines[-1].strip()[:300]}`" if lines else "failed"


def ratio(a, b) -> str:
    """The ratio of two medians, formatted (— when either is missing)."""
    return fmt_x(med(a) / med(b)) if med(a) and med(b) else "—"


def fmt_s(value) -> str:
    if value is None:
        return "—"
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def fmt_b(value) -> str:
    if value is None:
        return "—"
    for unit, size in (("GiB", GIB), ("MiB", 1024 ** 2), ("KiB", 1024)):
        if value >= size:
            return f"{value / size:.1f} {unit}"
    return f"{value} B"


def fmt_x(value) -> str:
    return "—" if value is None else f"{value:.2f}×"


def fmt(key: str, value) -> str:
    unit = UNITS.get(key, "seconds")
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return {"ratio": fmt_x, "bytes": fmt_b, "count": str, "seconds": fmt_s}[unit](value)


def load_sessions(folder: Path) -> list[dict]:
    sessions = []
    for path in sorted(Path(folder).glob("results-*.json")):
        try:
            sessions.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    return sorted(sessions, key=lambda s: s.get("date", ""))


def merged_sizes(sessions: list[dict]) -> dict[int, tuple[dict, dict]]:
    """N → (size results, the latest session with results at N); for each stage the latest
    session that measured it wins (`run.py --stages html,check` renews those stages only)."""
    found: dict[int, tuple[dict, dict]] = {}
    for session in sessions:
        for n, data in session.get("sizes", {}).items():
            earlier = found.get(int(n), ({}, None))[0]
            stages = {**earlier.get("stages", {}), **data.get("stages", {})}
            found[int(n)] = ({**earlier, **data, "stages": stages}, session)
    return dict(sorted(found.items()))


def latest_badges(sessions: list[dict]) -> tuple[dict | None, dict | None]:
    for session in reversed(sessions):
        if "badges" in session:
            return session["badges"], session
    return None, None


def stage(sizes, n, name) -> dict | None:
    entry = sizes.get(n)
    if not entry:
        return None
    data = entry[0]["stages"].get(name)
    return data if data and data.get("available", True) else None


def measure(key: str, sizes, badges) -> tuple[object, str]:
    """(value, note) of a target; value None when not measured."""
    found = report_web.measure(key, sizes)
    if found is not None:
        return found
    html = stage(sizes, 1000, "html")
    if key.startswith("html_ratio_plain"):  # at 1,000, or at 3,000 for the `_3000` keys
        if key.endswith("_3000"):
            html = stage(sizes, 3000, "html")
        ours = "ours_cold" if "_cold" in key else "ours"
        if html and "plain" in html and ours in html:
            cpu = med(html[ours]["cpu"]) / med(html["plain"]["cpu"])
            return med(html[ours]["wall"]) / med(html["plain"]["wall"]), \
                (f"{fmt_s(med(html[ours]['wall']))} vs {fmt_s(med(html['plain']['wall']))}; "
                 f"CPU time ratio {fmt_x(cpu)}")
    elif key == "html_wall" and html:
        return med(html["ours"]["wall"]), ""
    elif key == "html_growth":
        big = stage(sizes, 3000, "html")
        if html and big:
            same = sizes[1000][1] is sizes[3000][1]
            return (med(big["ours"]["wall"]) / med(html["ours"]["wall"]),
                    f"{fmt_s(med(html['ours']['wall']))} → {fmt_s(med(big['ours']['wall']))}"
                    + ("" if same else " (two sessions)"))
    elif key == "check_wall":
        data = stage(sizes, 1000, "check")
        if data:
            return med(data["wall"]), ""
    elif key.startswith("pdf"):
        data = stage(sizes, 1000, "pdf")
        if data:
            cores = str(data["cores"])
            if key == "pdf_full":
                return med(data["full"][cores]["wall"]), f"{data['pdfs']} PDF, {cores} workers"
            if key == "pdf_speedup":
                # One worker at N = 1,000 takes too long for `make bench`: the largest N
                # where both were measured, side by side, stands for it.
                for n in sorted((n for n in sizes if n <= 1000), reverse=True):
                    d = stage(sizes, n, "pdf")
                    if d and "1" in d["full"] and str(d["cores"]) != "1":
                        one = med(d["full"]["1"]["wall"])
                        all_ = med(d["full"][str(d["cores"])]["wall"])
                        return one / all_, (f"{fmt_s(one)} → {fmt_s(all_)} at N = {n:,}, "
                                            f"{len(d['full']['1']['wall'])} run(s)")
                return None, ""
            inc = data["incremental"]
            if key == "pdf_incremental":
                return med(inc["wall"]), ""
            if key == "pdf_incremental_set":
                ok = all(r == inc["expected"] for r in inc["rendered"])
                return ok, "re-rendered: " + "; ".join(", ".join(r) or "none"
                                                       for r in inc["rendered"][:1])
    elif key.startswith("bake") and badges and badges.get("available"):
        data = badges["counts"].get("10000")
        if data:
            ours = med(data["ours"]["seconds"])
            if key == "bake_10000":
                return ours, ""
            return ours / med(data["direct"]["seconds"]), \
                f"{fmt_s(ours)} vs {fmt_s(med(data['direct']['seconds']))}"
    elif key.startswith("zip"):
        data = stage(sizes, 1000, "mirror")
        if data:
            if key == "zip_wall":
                return med(data["zip"]), f"whole command {fmt_s(med(data['wall']))}"
            return data["deterministic"], ""
    elif key in ("page_html", "page_gzip", "third_party", "search_per_fiche"):
        data = stage(sizes, 1000, "weight")
        if data:
            if key == "page_html":
                return data["html"], data["page"]
            if key == "page_gzip":
                return data["gzip"], "gzip -6"
            if key == "third_party":
                return len(data["third_party"]), f"checked with {data['method']}"
            if data.get("search_fiche_entries") and data.get("search_split"):
                return data["search_fiche_entries"] / data["fiches"], \
                    (f"split index: every search file, {fmt_b(data['search_fiche_entries'])}; "
                     "a query downloads a few of them")
            if data.get("search_fiche_entries"):
                return data["search_fiche_entries"] / data["fiches"], \
                    f"fiche entries; whole index {fmt_b(data['search_index'])}"
    elif key == "peak_memory" and sizes.get(3000):
        peaks = stage_peaks(sizes[3000][0])
        if peaks:
            name, value = max(peaks.items(), key=lambda kv: kv[1])
            missing = [s for s in ("html", "check", "pdf", "mirror")
                       if not stage(sizes, 3000, s)]
            return value, f"largest: {name}" + (
                f"; **not measured at this N: {', '.join(missing)}**" if missing else "")
    return None, ""


def stage_peaks(size: dict) -> dict[str, int]:
    peaks = {}
    for name, data in size["stages"].items():
        if not data or not data.get("available", True):
            continue
        if name == "html":
            peaks["html (ours)"] = max(data["ours"]["memory"])
        elif name == "pdf":
            for workers, runs in data["full"].items():
                peaks[f"pdf ({workers} workers)"] = max(runs["memory"])
        elif "memory" in data:
            peaks[name] = max(data["memory"])
    return peaks


def status(key: str, limit, kind: str, value) -> str:
    if value is None:
        return "not measured"
    if kind == "bool":
        return "**met**" if value else "**missed**"
    ok = value <= limit if kind == "max" else value >= limit
    if ok:
        return "**met**"
    if limit == 0:
        return f"**missed** ({value} instead of 0)"
    gap = (value / limit - 1) * 100 if kind == "max" else (1 - value / limit) * 100
    return f"**missed** (by {gap:.0f} %)"


def stage_rows(sizes, name: str, line) -> list[str]:
    """One bullet per size that ran stage `name`: `line(n, data)`, or why it is missing."""
    rows = []
    for n, (data, _) in sizes.items():
        d = data["stages"].get(name)
        if d is None:
            continue
        if not d.get("available", True):
            rows.append(f"- N = {n:,}: **not available** — {reason(d)}")
        else:
            rows.append(line(n, d))
    return rows or ["- not run"]


def render(sessions: list[dict]) -> str:
    sizes = merged_sizes(sessions)
    badges, _ = latest_badges(sessions)
    last = sessions[-1]
    m, v = last["machine"], last["versions"]
    loads = [x for s in sessions for size in s.get("sizes", {}).values()
             for x in size.get("load", []) if x is not None]
    # Sampled after each stage, so the benchmark's own processes count (the PDF stage keeps
    # every core busy): only a load well above the core count means other jobs were running.
    busy = bool(loads) and max(loads) > (m.get("nproc") or 1) + 0.5
    out = ["# Fichothèque — benchmark results", "",
           "Written by `benchmarks/run.py` (`make bench`: N = 100 and 1,000; `make bench-large`: "
           "N = 3,000). Every figure is the median of the runs noted, taken side by side "
           "(interleaved). Do not edit by hand: re-run the benchmark; the analysis comes from "
           "`benchmarks/ANALYSIS.md`.", "",
           "## Machine and versions", "",
           "- Sessions: " + "; ".join(
               f"{s['date']} ({s['label']}, N = {', '.join(s.get('sizes', {})) or '—'}, "
               f"{s['runs']} run{'s' if s['runs'] > 1 else ''}, "
               f"{s.get('seconds', 0) / 60:.1f} min)" for s in sessions),
           f"- Machine: {m['nproc']} cores, {fmt_b(m['memory'])} RAM, {m['cpu']}, {m['system']}",
           "- Versions: " + ", ".join(f"{k} {val or 'absent'}" for k, val in v.items()),
           f"- Load average (1 min) after each stage, the benchmark's own processes included: "
           f"{min(loads):.1f} to {max(loads):.1f}"
           if loads else "- Load average: not available"]
    if busy:
        out.append("- **These figures were taken on a shared, busy machine** (other jobs were "
                   "running at the same time, load above the core count at times): absolute "
                   "times are pessimistic and noisy; the side-by-side ratios are the robust "
                   "figures.")
    out += ["", "## Targets", "",
            "| Target | N | Limit | Measured | Status | Detail |", "|---|---|---|---|---|---|"]
    for key, label, n, limit, kind in TARGETS:
        value, note = measure(key, sizes, badges)
        shown_limit = "—" if limit is None else (("≥ " if kind == "min" else "≤ ")
                                                  + fmt(key, limit))
        verdict = status(key, limit, kind, value)
        if "not measured at this N" in note and verdict == "**met**":
            verdict = "**met by the stages measured** (incomplete)"
        out.append(f"| {label} | {n or '—'} | {shown_limit} | {fmt(key, value)} | "
                   f"{verdict} | {note} |")

    out += ["", "## HTML build (PDFs off)", "",
            "Ours = the real `mkdocs.yml`, `docs/`, `hooks/`, `macros/`, `badges/` + the synthetic "
            "fiches. Plain = MkDocs-Material alone on the same Markdown with the same navigation "
            "layout (module pages in the nav, fiches `not_in_nav`; the pages our hooks generate "
            "written as static Markdown). Hugo = the same Markdown with a two-file layout, the "
            "floor.", "",
            "| N | ours wall | ours CPU | ours memory | plain wall | plain CPU | plain memory | "
            "hugo wall | hugo CPU | ours ÷ plain (wall) | ours ÷ plain (CPU) | "
            "ours ÷ hugo (wall) | ours ÷ hugo (CPU) |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for n, (data, _) in sizes.items():
        h = data["stages"].get("html")
        if not h or "ours" not in h:
            continue
        o, p = h["ours"], h.get("plain", {})
        hg = h.get("hugo", {}) if h.get("hugo", {}).get("available", True) else {}
        out.append(f"| {n:,} | {fmt_s(med(o['wall']))} | {fmt_s(med(o['cpu']))} | "
                   f"{fmt_b(med(o['memory']))} | {fmt_s(med(p.get('wall')))} | "
                   f"{fmt_s(med(p.get('cpu')))} | "
                   f"{fmt_b(med(p.get('memory')))} | {fmt_s(med(hg.get('wall')))} | "
                   f"{fmt_s(med(hg.get('cpu')))} | {ratio(o['wall'], p.get('wall'))} | "
                   f"{ratio(o['cpu'], p.get('cpu'))} | "
                   f"{ratio(o['wall'], hg.get('wall'))} | {ratio(o['cpu'], hg.get('cpu'))} |")

    cold = [(n, data["stages"]["html"]) for n, (data, _) in sizes.items()
            if "ours_cold" in (data["stages"].get("html") or {})]
    if cold:
        out += ["", "First build from an empty `.cache/` (a fresh clone, or CI without a cache: "
                "every fiche is linted and the badge images drawn again); the table above is "
                "the next build, which finds them in `.cache/`.", "",
                "| N | ours, cold wall | ours, cold CPU | ÷ plain (wall) | ÷ plain (CPU) |",
                "|---|---|---|---|---|"]
        for n, h in cold:
            c, p = h["ours_cold"], h.get("plain", {})
            out.append(f"| {n:,} | {fmt_s(med(c['wall']))} | {fmt_s(med(c['cpu']))} | "
                       f"{ratio(c['wall'], p.get('wall'))} | {ratio(c['cpu'], p.get('cpu'))} |")

    out += report_web.edit_section(sizes) + report_web.search_section(sizes)
    out += report_web.lighthouse_section(sizes)
    out += ["", "## `fichotheque check`", "", "| N | wall | CPU | memory |", "|---|---|---|---|"]
    for n, (data, _) in sizes.items():
        c = data["stages"].get("check")
        if c and c.get("available", True):
            out.append(f"| {n:,} | {fmt_s(med(c['wall']))} | {fmt_s(med(c['cpu']))} | "
                       f"{fmt_b(med(c['memory']))} |")
        elif c:
            out.append(f"| {n:,} | not available: {reason(c)} | | |")

    out += ["", "## PDF export", ""]

    def pdf_line(n, d) -> str:
        cores = str(d["cores"])
        all_ = med(d["full"][cores]["wall"])
        runs = len(d["full"][cores]["wall"])
        if "1" in d["full"] and cores != "1":
            one = med(d["full"]["1"]["wall"])
            timing = (f"{fmt_s(one)} with 1 worker, {fmt_s(all_)} with {cores} "
                      f"(speed-up {fmt_x(one / all_)}; {runs} run(s) each)")
        else:
            timing = f"{fmt_s(all_)} with {cores} worker(s) ({runs} run(s))"
        inc = d["incremental"]
        return (f"- N = {n:,}: {d['pdfs']} PDF ({fmt_b(d['pdf_bytes'])}); full export "
                f"{timing}; "
                f"peak memory {fmt_b(max(d['full'][cores]['memory']))} with {cores} workers. "
                f"After changing `{inc['fiche']}`: {fmt_s(med(inc['wall']))}, re-rendered "
                f"{', '.join(inc['rendered'][0]) or 'nothing'} (expected "
                f"{', '.join(inc['expected'])}).")

    out += stage_rows(sizes, "pdf", pdf_line)

    out += ["", "## Badge baking", ""]
    if not badges:
        out.append("- not run")
    elif not badges.get("available"):
        out.append(f"- **not available** — {reason(badges)}")
    else:
        out += ["Ours = `fichotheque.badges.bake.bake` (bytes in, bytes out, written to disk); "
                "bakery = openbadges-bakery called directly; direct = one iTXt chunk inserted "
                "after IHDR (the floor). In-process seconds, files written included.", "",
                "| awards | ours | openbadges-bakery | direct chunk (floor) | ours ÷ floor | "
                "ours per second | memory (ours) |", "|---|---|---|---|---|---|---|"]
        for count, d in badges["counts"].items():
            o, b, f = (med(d[k]["seconds"]) for k in ("ours", "bakery", "direct"))
            out.append(f"| {int(count):,} | {fmt_s(o)} | {fmt_s(b)} | {fmt_s(f)} | "
                       f"{fmt_x(o / f)} | {int(count) / o:,.0f} | "
                       f"{fmt_b(max(d['ours']['memory']))} |")

    out += ["", "## Offline ZIP (`fichotheque mirror`)", ""]
    out += stage_rows(sizes, "mirror", lambda n, d: (
        f"- N = {n:,}: whole command (offline build + ZIP) {fmt_s(med(d['wall']))}, "
        f"ZIP packing {fmt_s(med(d['zip']))}; {fmt_b(d['size'])}, "
        f"{d['files']} files, {'with' if d['with_pdf'] else 'without'} PDFs; "
        f"byte-identical on rebuild: {'yes' if d['deterministic'] else 'NO'}; "
        f"peak memory {fmt_b(max(d['memory']))}."))

    out += ["", "## Page weight and search index", "",
            "| N | fiche page | gzipped | largest fiche page | same-site assets | plain page | "
            "third-party requests | search index | per fiche | plain index |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    big_index = None
    for n, (data, _) in sizes.items():
        d = data["stages"].get("weight")
        if not d or not d.get("available", True):
            continue
        per = (d["search_fiche_entries"] / d["fiches"]
               if d.get("search_fiche_entries") else None)
        if d.get("search_index") and d["search_index"] > INDEX_SCALING_LIMIT:
            big_index = (n, d["search_index"])
        out.append(f"| {n:,} | {fmt_b(d['html'])} | {fmt_b(d['gzip'])} | "
                   f"{fmt_b(d['largest_html'])} | {fmt_b(d['assets'])} | "
                   f"{fmt_b(d.get('plain_html'))} | {len(d['third_party'])} ({d['method']}) | "
                   f"{fmt_b(d.get('search_index'))} | {fmt_b(per)} | "
                   f"{fmt_b(d.get('plain_search_index'))} |")
    if big_index:
        out += ["", f"The search index passes 10 MiB at N = {big_index[0]:,} "
                f"({fmt_b(big_index[1])}): every visitor downloads it whole before the first "
                "result. See « How search should scale » in the analysis below."]

    out += ["", "## Peak memory per stage", "",
            "Sampled every 50 ms: the proportional set size (PSS) summed over the command's "
            "process tree, so that memory a forked PDF worker shares with its parent counts once; "
            "never less than the largest single process's RSS.", "",
            "| N | stage | peak (process tree) |", "|---|---|---|"]
    for n, (data, _) in sizes.items():
        for name, value in stage_peaks(data).items():
            out.append(f"| {n:,} | {name} | {fmt_b(value)} |")
    if badges and badges.get("available"):
        for count, d in badges["counts"].items():
            peak = fmt_b(max(d["ours"]["memory"]))
            out.append(f"| — | badges, {int(count):,} awards (ours) | {peak} |")

    failures = [(n, name, d.get("error")) for n, (data, _) in sizes.items()
                for name, d in data["stages"].items() if d and d.get("error")]
    if failures:
        out += ["", "## Stage failures", ""]
        out += [f"- N = {n:,}, {name}: `{(err or '').strip().splitlines()[-1][:300]}`"
                for n, name, err in failures]
    analysis = HERE / "ANALYSIS.md"
    if analysis.exists():
        out += ["", analysis.read_text(encoding="utf-8").strip()]
    return "\n".join(out) + "\n"


def write_report(folder: Path | str) -> Path:
    folder = Path(folder)
    sessions = load_sessions(folder)
    target = folder / "RESULTS.md"
    tmp = target.with_suffix(".md.tmp")
    tmp.write_text(render(sessions), encoding="utf-8")
    tmp.replace(target)
    return target


if __name__ == "__main__":
    import sys

    print(write_report(sys.argv[1] if len(sys.argv) > 1 else HERE))
