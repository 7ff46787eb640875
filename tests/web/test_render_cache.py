"""Each page's Markdown converted once and kept in `.cache/pages/` (`render_cache`), and
converted ahead on the other core during a first build (`render_ahead`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import make_project, small_corpus

from fichotheque.web import render_cache
from fichotheque.web.render_ahead import RenderAhead
from fichotheque.web.render_cache import RenderCache, Rendered, settings_key

ENTRIES = Path(".cache") / "pages"
LINKING_PAGE = """# Page liée

Voir [la fiche sur les mots de passe](fiches/securite/mots-de-passe.md#exercice) et
[l'accueil](index.md).

## Une section

Du texte avec une abréviation : CAF.

*[CAF]: Caisse d'allocations familiales
"""

# The probe records, in the build's own process, how many pages it converted itself, and
# slows each conversion down so that the process converting ahead has time to get ahead.
PROBE = """
import json, os, sys, time
from fichotheque.web import render_ahead, render_cache
report, slow = sys.argv[1], float(sys.argv[5])
calls = {"converted": 0, "started": 0, "stopped": 0, "children": None}
render, start, stop = (render_cache.render_page, render_ahead.RenderAhead.start.__func__,
                       render_ahead.RenderAhead.stop)
parent = os.getpid()
def counted(page, config, files):
    if os.getpid() == parent:
        calls["converted"] += 1
        time.sleep(slow)
    return render(page, config, files)
def counted_start(cls, *args):
    ahead = start(cls, *args)
    calls["started"] += ahead is not None
    return ahead
def counted_stop(self):
    calls["stopped"] += 1
    stop(self)
render_cache.render_page = counted
render_ahead.RenderAhead.start = classmethod(counted_start)
render_ahead.RenderAhead.stop = counted_stop
from mkdocs.__main__ import cli
sys.argv = ["mkdocs", "build", *sys.argv[6:], "-f", sys.argv[3], "-d", sys.argv[4]]
try:
    cli()
finally:
    try:
        os.waitpid(-1, os.WNOHANG)
        calls["children"] = "left"
    except ChildProcessError:
        calls["children"] = "none"
    with open(report, "w", encoding="utf-8") as out:
        json.dump(calls, out)
"""


def build(project: Path, site: Path, tmp_path: Path, slow: float = 0.0,
          config: str = "mkdocs.yml", quiet: bool = True
          ) -> tuple[dict, subprocess.CompletedProcess]:
    report = tmp_path / f"{site.name}.json"
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(report), "", str(project / config), str(site),
         str(slow), *(["-q"] if quiet else [])],
        capture_output=True, text=True, cwd=project,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "FICHOTHEQUE_PDF": "0"})
    assert result.returncode == 0, result.stderr
    return json.loads(report.read_text(encoding="utf-8")), result


def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes()
            for p in sorted(site.rglob("*")) if p.is_file()}


def without_cache(project: Path) -> str:
    """The same configuration without the hook: MkDocs converts every page itself."""
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    assert "  - hooks/render.py\n" in text
    (project / "sans-cache.yml").write_text(text.replace("  - hooks/render.py\n", ""),
                                            encoding="utf-8")
    return "sans-cache.yml"


def entries(project: Path) -> list[Path]:
    return sorted((project / ENTRIES).glob("*.json"))


@pytest.fixture
def site_project(tmp_path):
    return make_project(tmp_path / "projet", {**small_corpus(), "docs/liee.md": LINKING_PAGE})


def test_a_build_from_the_cache_is_the_same_site(site_project, tmp_path):
    reference, _ = build(site_project, tmp_path / "reference", tmp_path,
                         config=without_cache(site_project))
    assert reference["started"] == 0
    first, _ = build(site_project, tmp_path / "first", tmp_path)
    stored = entries(site_project)
    assert len(stored) > 20  # every page of the small site
    assert first["converted"] > 0
    again, _ = build(site_project, tmp_path / "again", tmp_path)
    assert again["converted"] == 0  # every page from the cache
    expected = site_files(tmp_path / "reference")
    assert site_files(tmp_path / "first") == expected
    assert site_files(tmp_path / "again") == expected
    page = (tmp_path / "again" / "liee" / "index.html").read_text(encoding="utf-8")
    assert 'href="../fiches/securite/mots-de-passe/#exercice"' in page
    assert '<abbr title="Caisse d\'allocations familiales">CAF</abbr>' in page


def test_an_edited_page_alone_is_converted_again(site_project, tmp_path):
    build(site_project, tmp_path / "first", tmp_path)
    before = set(entries(site_project))
    page = site_project / "docs" / "liee.md"
    page.write_text(LINKING_PAGE.replace("Du texte", "Un autre texte"), encoding="utf-8")
    build(site_project, tmp_path / "again", tmp_path)
    # One new entry (by this process or the one ahead), the others kept.
    assert len(set(entries(site_project)) - before) == 1
    assert before <= set(entries(site_project))
    html = (tmp_path / "again" / "liee" / "index.html").read_text(encoding="utf-8")
    assert "Un autre texte" in html and "Du texte" not in html


def test_a_new_page_converts_every_page_again(site_project, tmp_path):
    """Links are checked against every file of the site: another set of files, other keys."""
    build(site_project, tmp_path / "first", tmp_path)
    before = set(entries(site_project))
    (site_project / "docs" / "autre.md").write_text("# Autre\n\nUne page.\n", encoding="utf-8")
    build(site_project, tmp_path / "again", tmp_path)
    assert len(set(entries(site_project)) - before) == len(before) + 1


def test_a_conversion_that_warns_is_not_kept_and_warns_again(site_project, tmp_path):
    (site_project / "docs" / "liee.md").write_text(
        LINKING_PAGE + "\nVoir aussi [une page absente](absente.md).\n", encoding="utf-8")
    for name in ("first", "again"):
        calls, result = build(site_project, tmp_path / name, tmp_path, quiet=False)
        assert "absente.md" in result.stderr
    assert calls["converted"] == 1  # that page only, each time


def test_a_quiet_build_does_not_silence_the_next_one(site_project, tmp_path):
    """`-q` hides warnings: what it converts is kept apart from a normal build's entries."""
    (site_project / "docs" / "liee.md").write_text(
        LINKING_PAGE + "\nVoir aussi [une page absente](absente.md).\n", encoding="utf-8")
    _, result = build(site_project, tmp_path / "quiet", tmp_path, quiet=True)
    assert "absente.md" not in result.stderr
    _, result = build(site_project, tmp_path / "normal", tmp_path, quiet=False)
    assert "absente.md" in result.stderr


def test_damaged_entries_are_converted_again(site_project, tmp_path):
    build(site_project, tmp_path / "first", tmp_path)
    damages = ["", "{pas du json", json.dumps({"format": render_cache.FORMAT}),
               json.dumps({"format": render_cache.FORMAT, "content": 3, "toc": [],
                           "title": None, "anchors": [], "links": None}),
               json.dumps({"format": 0, "content": "", "toc": [], "title": None,
                           "anchors": [], "links": None})]
    stored = entries(site_project)
    for path, damage in zip(stored, damages * len(stored), strict=False):
        path.write_text(damage, encoding="utf-8")
    again, _ = build(site_project, tmp_path / "again", tmp_path)
    assert again["converted"] == len(stored)
    assert site_files(tmp_path / "again") == site_files(tmp_path / "first")


def test_a_fiche_from_the_cache_is_still_sanitized(site_project, tmp_path):
    """What the cache holds is untrusted like the Markdown: a fiche is cleaned after it."""
    build(site_project, tmp_path / "first", tmp_path)
    for path in entries(site_project):
        data = json.loads(path.read_text(encoding="utf-8"))
        data["content"] += '<script>alert("cache")</script><p onclick="x()">ajout</p>'
        path.write_text(json.dumps(data), encoding="utf-8")
    again, _ = build(site_project, tmp_path / "again", tmp_path)
    assert again["converted"] == 0
    page = (tmp_path / "again" / "fiches" / "messagerie" / "pieces-jointes" / "index.html")
    html = page.read_text(encoding="utf-8")
    assert "ajout" in html  # the entry was used...
    assert 'alert("cache")' not in html and "onclick" not in html  # ...and cleaned


def test_a_first_build_converts_pages_ahead_on_the_other_core(site_project, tmp_path):
    calls, _ = build(site_project, tmp_path / "ahead", tmp_path, slow=0.05)
    pages = len(entries(site_project))
    assert calls["started"] == 1 and calls["stopped"] == 1
    assert 0 < calls["converted"] < pages  # the process did the others
    assert calls["children"] == "none"  # ended and waited for at on_env
    build(site_project, tmp_path / "reference", tmp_path,
                         config=without_cache(site_project))
    assert site_files(tmp_path / "ahead") == site_files(tmp_path / "reference")


def test_no_process_ahead_while_a_thread_runs(tmp_path):
    cache = RenderCache(tmp_path)
    cache.settings = "0" * 64
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert RenderAhead.start(cache, config=None, files=None) is None
    finally:
        stop.set()
        thread.join()


def test_a_setting_without_a_stable_written_form_turns_the_cache_off():
    class Files(list):
        pass

    class Opaque:
        pass

    config = {"markdown_extensions": ["toc"], "mdx_configs": {"toc": {"permalink": False}},
              "use_directory_urls": True, "validation": {}}
    key = settings_key(config, Files())
    assert key is not None and len(key) == 64
    assert settings_key({**config, "mdx_configs": {"toc": {"permalink": True}}}, Files()) != key
    assert settings_key({**config, "use_directory_urls": False}, Files()) != key
    assert settings_key({**config, "mdx_configs": {"x": {"y": Opaque()}}}, Files()) is None
    named = {"x": {"index": settings_key}}  # a function: by its dotted name
    assert settings_key({**config, "mdx_configs": named}, Files()) is not None


def test_entries_round_trip_and_reject_wrong_shapes():
    rendered = Rendered("<p>x</p>", render_cache._freeze(
        [{"level": 1, "id": "a", "name": "A", "children": [
            {"level": 2, "id": "b", "name": "B", "children": []}]}]),
        "A", ("a", "b"), (("fiches/x.md", (("c", "fiches/x.md#c"),)),))
    assert Rendered.from_json(rendered.to_json()) == rendered
    data = json.loads(rendered.to_json())
    for key, bad in [("toc", [{"level": "1", "id": "a", "name": "A", "children": []}]),
                     ("anchors", [1]), ("links", [["x"]]), ("title", 3)]:
        assert Rendered.from_json(json.dumps({**data, key: bad})) is None


def test_finish_keeps_what_was_used_and_removes_old_entries(tmp_path):
    cache = RenderCache(tmp_path)
    day = 24 * 3600
    now = time.time()
    used, recent, old = "a" * 64, "b" * 64, "c" * 64
    for key in (used, recent, old):
        (tmp_path / f"{key}.json").write_text("{}", encoding="utf-8")
    stray = tmp_path / f".{old}.json.tmp-1-x"
    stray.write_text("", encoding="utf-8")
    other = tmp_path / "autre.txt"
    other.write_text("", encoding="utf-8")
    for path, age in [(f"{used}.json", 40), (f"{recent}.json", 3), (f"{old}.json", 40),
                      (stray.name, 2)]:
        os.utime(tmp_path / path, (now - age * day, now - age * day))
    cache.used = {used}
    cache.finish(now)
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == [f"{used}.json", f"{recent}.json"]
    assert (tmp_path / f"{used}.json").stat().st_mtime > now - day  # refreshed
