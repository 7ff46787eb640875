"""Builds survive faults: kill -9, Ctrl-C, a full disk, a read-only folder, a damaged cache.

The previous site and the previous offline ZIP stay byte-identical whatever happens to a build;
what a killed build left behind is cleaned by the next one; a damaged PDF in `.cache/pdf/` is
rendered again, never copied into the site.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import make_project, small_corpus
from pypdf import PdfReader

from fichotheque import files
from fichotheque.content.lint.cache import LintCache
from fichotheque.content.loading import load_corpus
from fichotheque.content.problems import Problem
from fichotheque.pdf import render as pdf
from fichotheque.pdf.cache import PdfCache
from fichotheque.web import settings

DATE = "2026-11-22"
ZIP = f"fichotheque-{DATE}.zip"


# -- helpers ---------------------------------------------------------------------------------

def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", FICHOTHEQUE_PDF_WORKERS="1", **extra)
    env.pop("FICHOTHEQUE_PDF", None)
    return env


def cli(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fichotheque", "--root", str(project), *args],
                          capture_output=True, text=True, env=_env(), cwd=project, timeout=300)


def start(project: Path, *args: str) -> subprocess.Popen:
    """A command in its own process group (so that a signal reaches it and its workers), with
    Ctrl-C handled as in a terminal even when the tests run in the background."""
    return subprocess.Popen(
        [sys.executable, "-m", "fichotheque", "--root", str(project), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(), cwd=project,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def wait_for_rendering(project: Path, process: subprocess.Popen, timeout: float = 120) -> None:
    """Until the first PDF is in the cache: the build is in the middle of its PDFs."""
    cache = project / ".cache" / "pdf"
    deadline = time.monotonic() + timeout
    while not list(cache.glob("*.pdf")):
        if process.poll() is not None:
            out, err = process.communicate()
            pytest.fail(f"the command ended before rendering its PDFs:\n{out}\n{err}")
        if time.monotonic() > deadline:
            os.killpg(process.pid, signal.SIGKILL)
            pytest.fail("no PDF rendered in time")
        time.sleep(0.02)
    assert process.poll() is None, "the build ended before it could be interrupted"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(folder: Path) -> list[str]:
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if ".tmp-" in p.name or ".old-" in p.name)


@pytest.fixture
def project(tmp_path):
    root = make_project(tmp_path / "projet", small_corpus())
    for badge in (root / "badges").glob("*.yml"):  # badge classes of modules not copied
        if badge.stem not in ("emetteur", "registre") \
                and not (root / "fiches" / badge.stem).is_dir():
            badge.unlink()
    return root


@pytest.fixture
def built(project):
    """The project with a previous site built (without PDFs: quick)."""
    result = cli(project, "build", "--no-pdf")
    assert result.returncode == 0, result.stderr
    return project


# -- kill -9 and Ctrl-C ----------------------------------------------------------------------

@pytest.mark.slow
def test_kill_9_during_the_pdfs_leaves_the_previous_site_whole(built):
    before = snapshot(built / "site")
    process = start(built, "build")
    wait_for_rendering(built, process)
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate(timeout=60)
    assert snapshot(built / "site") == before
    assert leftovers(built) == [f"site.tmp-{process.pid}"]  # really killed mid-way

    result = cli(built, "build", "--no-pdf")  # the next build cleans up after it
    assert result.returncode == 0, result.stderr
    assert leftovers(built) == []
    assert (built / "site/index.html").is_file()


@pytest.mark.slow
def test_kill_9_during_the_mirror_leaves_the_previous_zip_whole(project):
    result = cli(project, "mirror", "--no-pdf", "--date", DATE, "--output", "dist")
    assert result.returncode == 0, result.stderr
    dist = project / "dist"
    before = snapshot(dist)
    assert ZIP in before

    process = start(project, "mirror", "--date", DATE, "--output", "dist")
    wait_for_rendering(project, process)
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate(timeout=60)
    assert snapshot(dist) == before
    assert leftovers(project / ".cache") == [f"miroir.tmp-{process.pid}"]

    result = cli(project, "mirror", "--no-pdf", "--date", DATE, "--output", "dist")
    assert result.returncode == 0, result.stderr
    assert leftovers(project / ".cache") == [] and leftovers(dist) == []
    assert snapshot(dist) == before  # same content, same date: the very same bytes


@pytest.mark.slow
@pytest.mark.parametrize("command", [("build",), ("mirror", "--date", DATE)])
def test_ctrl_c_says_interrompu_and_keeps_the_previous_output(built, command):
    before = {"site": snapshot(built / "site")}
    process = start(built, *command)
    wait_for_rendering(built, process)
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert err.rstrip().endswith("Interrompu.")
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert {"site": snapshot(built / "site")} == before
    assert leftovers(built) == [] and leftovers(built / ".cache") == []
    assert not (built / "dist" / ZIP).exists()


UNKNOWN_BADGE_AWARD = """- id: "0f8fad5b-d9cb-469f-a165-70867728950e"
  badge: "inconnu"
  recipient: "sha256$0000000000000000000000000000000000000000000000000000000000000000"
  salt: "sel"
  issued_on: "2026-11-01T10:00:00+00:00"
"""


@pytest.mark.slow
def test_a_late_error_keeps_the_previous_site(built):
    before = snapshot(built / "site")
    ledger = built / "badges" / "registre.yml"
    ledger.write_text(ledger.read_text(encoding="utf-8") + UNKNOWN_BADGE_AWARD, encoding="utf-8")
    result = cli(built, "build", "--no-pdf")
    assert result.returncode == 1
    assert "« inconnu »" in result.stderr
    assert result.stderr.rstrip().endswith(
        "Erreur : la construction du site a échoué (voir les messages ci-dessus) ; "
        "le site précédent est conservé")
    assert "Traceback" not in result.stderr and "\x1b[" not in result.stderr
    assert snapshot(built / "site") == before
    assert leftovers(built) == []


# -- full disk, read-only folder -------------------------------------------------------------

@contextlib.contextmanager
def _tmpfs(path: Path, options: str, content: dict[str, bytes] | None = None):
    """A small file system at `path` (root only); `ro` is applied after writing `content`."""
    path.mkdir(parents=True, exist_ok=True)
    writable = ",".join(o for o in options.split(",") if o != "ro") or "rw"
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", writable, "tmpfs", str(path)],
                             capture_output=True)
    if mounted.returncode:
        pytest.skip("pas de montage possible ici")
    try:
        for name, data in (content or {}).items():
            (path / name).parent.mkdir(parents=True, exist_ok=True)
            (path / name).write_bytes(data)
        if "ro" in options.split(","):
            subprocess.run(["mount", "-o", "remount,ro", str(path)], check=True)
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


@contextlib.contextmanager
def read_only(path: Path, content: dict[str, bytes]):
    """A folder nobody may write into: a read-only mount for root, else chmod 555."""
    if os.geteuid() == 0:
        with _tmpfs(path, "size=4m,ro", content) as folder:
            yield folder
        return
    path.mkdir(parents=True)
    for name, data in content.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_bytes(data)
    for folder in [path, *[p for p in path.rglob("*") if p.is_dir()]]:
        folder.chmod(0o555)
    try:
        yield path
    finally:
        for folder in [path, *[p for p in path.rglob("*") if p.is_dir()]]:
            folder.chmod(0o755)


OLD_SITE = {"site/index.html": b"<p>ancien site</p>"}


@pytest.mark.slow
def test_read_only_output_is_one_french_line(project, tmp_path):
    with read_only(tmp_path / "lecture-seule", OLD_SITE) as folder:
        result = cli(project, "build", "--no-pdf", "--site-dir", str(folder / "site"))
        assert result.returncode == 1
        assert f"Erreur : Impossible d'écrire dans {folder}" in result.stderr
        assert "dossier en lecture seule ou sans droit d'écriture" in result.stderr
        assert "Traceback" not in result.stderr
        assert snapshot(folder) == {"site/index.html": b"<p>ancien site</p>"}

        result = cli(project, "mirror", "--no-pdf", "--date", DATE, "--output", str(folder))
        assert result.returncode == 1
        assert f"Erreur : Impossible d'écrire dans {folder}" in result.stderr
        assert "Traceback" not in result.stderr
    assert leftovers(project / ".cache") == []


@pytest.mark.slow
def test_full_disk_is_one_french_line_and_keeps_the_previous_site(project, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("remplir un disque demande un montage (root)")
    with _tmpfs(tmp_path / "petit-disque", "size=512k", OLD_SITE) as disk:
        result = cli(project, "build", "--no-pdf", "--site-dir", str(disk / "site"))
        assert result.returncode == 1
        assert f"Erreur : Plus de place sur le disque pour écrire dans {disk / 'site'}" \
            in result.stderr
        assert "Traceback" not in result.stderr
        assert snapshot(disk) == {"site/index.html": b"<p>ancien site</p>"}


def test_os_errors_are_described_in_french(tmp_path):
    full = OSError(errno.ENOSPC, "No space left on device",
                   str(tmp_path / f"site.tmp-{os.getpid()}" / "fiches" / "x.pdf"))
    assert files.describe_os_error(full) == (
        f"Plus de place sur le disque pour écrire dans {tmp_path / 'site'} : libérez de la "
        "place puis relancez la commande")
    read_only_fs = OSError(errno.EROFS, "Read-only file system", str(tmp_path / "dist" / "a.zip"))
    assert files.describe_os_error(read_only_fs).startswith(
        f"Impossible d'écrire dans {tmp_path} : dossier en lecture seule")
    assert "introuvable" in files.describe_os_error(
        FileNotFoundError(errno.ENOENT, "No such file", str(tmp_path / "absent.md")))


# -- the folder swap itself ------------------------------------------------------------------

def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_building_dir_swaps_only_on_success(tmp_path):
    target = tmp_path / "site"
    target.mkdir()
    (target / "index.html").write_text("ancien")
    with pytest.raises(RuntimeError), files.building_dir(target) as work:
        (work / "index.html").write_text("à moitié")
        raise RuntimeError("une attribution nomme un badge inconnu")
    assert (target / "index.html").read_text() == "ancien"
    assert leftovers(tmp_path) == []

    with files.building_dir(target) as work:
        assert work.parent == tmp_path and work.name == f"site.tmp-{os.getpid()}"
        (work / "index.html").write_text("nouveau")
        assert (target / "index.html").read_text() == "ancien"  # not before the end
    assert (target / "index.html").read_text() == "nouveau"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_leftovers_of_dead_runs_are_cleaned_and_a_cut_swap_is_undone(tmp_path):
    dead, alive = _dead_pid(), os.getppid()
    (tmp_path / f"site.tmp-{dead}").mkdir()
    (tmp_path / f"site.old-{dead}").mkdir()  # cut between the two renames: site is missing
    (tmp_path / f"site.old-{dead}" / "index.html").write_text("ancien")
    (tmp_path / f"site.tmp-{alive}").mkdir()  # another build still running: left alone
    (tmp_path / f"notes.tmp-{dead}").write_text("pas à nous")  # another name: left alone
    files.clean_stale(tmp_path, "site")
    assert (tmp_path / "site" / "index.html").read_text() == "ancien"
    assert leftovers(tmp_path) == [f"notes.tmp-{dead}", f"site.tmp-{alive}"]


def test_write_atomic_flushes_and_leaves_no_temp_file(tmp_path, monkeypatch):
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd) or real_fsync(fd))
    files.write_atomic(tmp_path / "registre.yml", "a: 1\n")
    assert (tmp_path / "registre.yml").read_text() == "a: 1\n"
    assert len(synced) == 2  # the file, then the folder that holds the new name
    assert [p.name for p in tmp_path.iterdir()] == ["registre.yml"]


# -- damaged caches --------------------------------------------------------------------------

def _render(project: Path):
    corpus = load_corpus(project)
    return pdf.build(corpus, settings.load(project), project / "site", workers=1)


@pytest.mark.slow
def test_damaged_pdfs_in_the_cache_are_rendered_again(project, caplog):
    first = _render(project)
    assert len(first.rendered) == 8
    store = PdfCache(project / ".cache" / "pdf")
    by_output = {entry["output"]: key for key, entry in store.entries.items()}
    learner = "fiches/securite/mots-de-passe/mots-de-passe.pdf"
    facilitator = "fiches/securite/hameconnage/hameconnage-animateur.pdf"
    good = (learner, facilitator)

    truncated = store.path(by_output[learner])
    truncated.write_bytes(truncated.read_bytes()[: truncated.stat().st_size // 2])
    garbled = store.path(by_output[facilitator])  # same size, one byte changed
    data = bytearray(garbled.read_bytes())
    data[len(data) // 2] ^= 0xFF
    garbled.write_bytes(bytes(data))

    with caplog.at_level("INFO", logger="mkdocs.plugins.fichotheque.pdf"):
        second = _render(project)
    assert sorted(second.rendered) == sorted([learner, facilitator])
    assert "2 fichier(s) du cache abîmé(s)" in caplog.text
    repaired = PdfCache(project / ".cache" / "pdf")
    for name in good:
        published = (project / "site" / name).read_bytes()
        entry = repaired.entries[by_output[name]]  # same content, same key
        assert len(published) == entry["size"]
        assert hashlib.sha256(published).hexdigest() == entry["sha256"]
        assert published.startswith(b"%PDF-") and b"%%EOF" in published[-64:]
        assert PdfReader(project / "site" / name).pages
    assert _render(project).rendered == []  # the repaired cache is trusted again


def test_unreadable_pdf_manifest_only_costs_a_render(tmp_path):
    folder = tmp_path / "pdf"
    folder.mkdir()
    for content in ("{pas du json", "[" * 100_000, '{"format": 1, "entries": {"k": 5}}',
                    '{"format": 1, "entries": {"k": {"pages": "deux"}}}'):
        (folder / "manifest.json").write_text(content)
        store = PdfCache(folder)
        assert store.entries == {} and store.pages("k") is None
    (folder / "manifest.json").write_bytes(b"\xff\xfe\x00garbage")
    assert PdfCache(folder).entries == {}


def test_damaged_lint_cache_is_ignored_never_trusted(tmp_path):
    folder = tmp_path / "lint"
    folder.mkdir()
    good = Problem("fiches/a/b.md", 3, "fiche très courte", "warning", None, "longueur")
    digest = LintCache.digest(b"fiche")
    entries = {
        "ok": {"sha256": digest, "deps": [["file", "fiches/a/c.md", True]],
               "problems": [good.__dict__]},
        "wrong-types": {"sha256": digest, "deps": [], "problems": [
            {**good.__dict__, "line": "trois"}]},
        "unknown-key": {"sha256": digest, "deps": [], "problems": [{**good.__dict__, "x": 1}]},
        "bad-deps": {"sha256": digest, "deps": [["file"]], "problems": []},
        "not-a-list": {"sha256": digest, "deps": [], "problems": 7},
        "raises": {"sha256": digest, "deps": [["boom", "x", 1]], "problems": []},
    }
    (folder / "manifest.json").write_text(json.dumps(
        {"format": 1, "context": "ctx", "entries": entries}))
    store = LintCache(folder, "ctx")

    def holds(deps):
        if deps and deps[0][0] == "boom":
            raise KeyError("boom")
        return True

    assert store.get("ok", digest, holds) == [good]
    for rel in ("wrong-types", "unknown-key", "bad-deps", "not-a-list", "raises"):
        assert store.get(rel, digest, holds) is None, rel
    for content in ("{tronqué", "[" * 100_000, "null"):
        (folder / "manifest.json").write_text(content)
        assert LintCache(folder, "ctx").entries == {}
