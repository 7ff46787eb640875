"""The benchmark suite stays runnable: the synthetic corpus passes `check`, the runner runs.

No timing is asserted here (figures belong in benchmarks/RESULTS.md, from `make bench`).
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import openbadges_bakery
import pytest

from fichotheque.content.loading import load_corpus
from fichotheque.content.model import REQUIRED_SECTIONS
from fichotheque.content.referentiels import competences

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import corpus  # noqa: E402
import run as bench  # noqa: E402


@pytest.fixture(scope="module")
def ten(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    corpus.generate(root, 10)
    return root


def test_generated_fiches_pass_check(ten):
    loaded = load_corpus(ten)
    assert loaded.errors == []
    assert len(loaded.fiches) == 10
    assert len(loaded.modules) >= 8
    known = set(competences())
    for fiche in loaded.fiches:
        assert fiche.competences and set(fiche.competences) <= known
        assert fiche.has_facilitator_notes
        titles = [s.title for s in fiche.sections if s.level == 2]
        assert [t for t in titles if t in REQUIRED_SECTIONS] == list(REQUIRED_SECTIONS)
        assert 550 <= len(fiche.body.split()) <= 1300


def test_check_command_accepts_the_corpus(ten):
    result = subprocess.run([sys.executable, "-m", "fichotheque", "--root", str(ten), "check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_generator_is_deterministic_and_varied(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    corpus.generate(a, 12)
    corpus.generate(b, 12)
    files_a = sorted(p.relative_to(a) for p in a.rglob("*.md"))
    assert files_a == sorted(p.relative_to(b) for p in b.rglob("*.md"))
    assert all((a / p).read_bytes() == (b / p).read_bytes() for p in files_a)
    bodies = [(a / p).read_text(encoding="utf-8") for p in files_a]
    assert len(set(bodies)) == len(bodies)
    vocabulary = set(" ".join(bodies).lower().split())
    assert len(vocabulary) > 800  # a search index over this must not be trivially small


def test_direct_chunk_baking_round_trips():
    png = bench._badge_image()
    assertion = bench._assertion(7)
    baked = bench.bake_direct(png, assertion)
    assert openbadges_bakery.unbake(io.BytesIO(baked)) == assertion


def test_plain_project_keeps_the_nav_layout(ten, tmp_path):
    ours = bench.copy_project(tmp_path / "ours", ten / "fiches")
    plain = bench.plain_project(tmp_path / "plain", ours, ten / "fiches")
    config = bench.load_config(plain / "mkdocs.yml")
    assert "hooks" not in config
    assert all((next(iter(p)) if isinstance(p, dict) else p) in bench.MATERIAL_PLUGINS
               for p in config["plugins"])
    flat = json.dumps(config["nav"], ensure_ascii=False)
    modules = load_corpus(ten).modules
    assert all(f"fiches/{m.slug}/index.md" in flat for m in modules)
    assert f"{modules[0].fiches[0].slug}.md" not in flat  # fiches stay out of the sidebar
    assert (plain / "docs" / modules[0].fiches[0].src_uri).is_file()


def test_runner_end_to_end_on_ten_fiches(tmp_path):
    """PDF and mirror stages are left to `make bench` (they are slow, not broken)."""
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--sizes", "10", "--runs", "1",
         "--stages", "html,check,weight,badges", "--awards", "20", "--output", str(out)],
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    results = (out / "RESULTS.md").read_text(encoding="utf-8")
    for heading in ("## Machine and versions", "## Targets", "## HTML build (PDFs off)",
                    "## `fichotheque check`", "## PDF export", "## Badge baking",
                    "## Offline ZIP", "## Page weight and search index",
                    "## Peak memory per stage"):
        assert heading in results
    assert "## Stage failures" not in results
    data = json.loads((out / "results-bench.json").read_text(encoding="utf-8"))
    stages = data["sizes"]["10"]["stages"]
    assert len(stages["html"]["ours"]["wall"]) == 1 and stages["html"]["plain"]["wall"]
    assert stages["check"]["wall"] and stages["check"]["memory"][0] > 0
    assert stages["weight"]["html"] > 0 and stages["weight"]["third_party"] == []
    assert data["badges"]["available"] is False or data["badges"]["counts"]["20"]["ours"]["ok"]


def test_edit_stage_times_each_preview_server(tmp_path):
    """`make bench` times edit-to-reload in a real browser for ours, plain `--dirty` and Hugo
    (when installed), and leaves the edited fiche as it was."""
    out, work = tmp_path / "out", tmp_path / "work"
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--sizes", "10", "--runs", "1",
         "--stages", "html,edit", "--output", str(out), "--work", str(work), "--keep"],
        capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    edit = json.loads((out / "results-bench.json").read_text(encoding="utf-8"))[
        "sizes"]["10"]["stages"]["edit"]
    names = ["ours", "plain_dirty", "ours_full"] + (["hugo"] if shutil.which("hugo") else [])
    for name in names:
        assert edit[name]["available"], (name, edit[name])
        assert len(edit[name]["edits"]) >= 2 and all(t > 0 for t in edit[name]["edits"])
    # ours waits for the search index after each edit (« Index de recherche à jour »)
    assert len(edit["ours"]["background"]) == len(edit["ours"]["edits"])
    fiche = edit["fiche"]
    generated = work / "n10" / "src" / fiche
    assert (work / "n10" / "ours" / fiche).read_bytes() == generated.read_bytes()
    results = (out / "RESULTS.md").read_text(encoding="utf-8")
    assert "## Edit-to-reload (`make serve`)" in results
    assert "| Edit-to-reload (`make serve`) ÷ Hugo's server | 1000 |" in results


def test_pdf_stage_reads_the_progress_lines_fichotheque_prints():
    """The PDF stage lists what was re-rendered from `fichotheque pdf`'s progress lines."""
    from fichotheque import progress

    shown = progress.line(3, 12, "PDF", "fiches/securite/mots-de-passe/mots-de-passe.pdf")
    match = bench.PDF_LINE.match(shown)
    assert match and match["output"] == "fiches/securite/mots-de-passe/mots-de-passe.pdf"


def test_a_later_session_renews_only_the_stages_it_measured():
    import report

    first = {"date": "2026-12-01", "sizes": {"1000": {"n": 1000, "stages": {
        "html": {"ours": {"wall": [20.0]}}, "search": {"slowest": 2.5}}}}}
    second = {"date": "2026-12-02", "sizes": {"1000": {"n": 1000, "stages": {
        "html": {"ours": {"wall": [15.0]}}}}}}
    merged = report.merged_sizes([first, second])
    data, session = merged[1000]
    assert data["stages"]["html"]["ours"]["wall"] == [15.0]  # renewed
    assert data["stages"]["search"] == {"slowest": 2.5}  # kept from the first session
    assert session is second
