"""The offline mirror: reproducible ZIP writer, SHA256SUMS, LISEZMOI, offline build of a project."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import stat
import subprocess
import zipfile
from types import SimpleNamespace

import pytest
from conftest import make_project, run_build, small_corpus

from fichotheque.cli import main
from fichotheque.mirror import archive as mirror_archive
from fichotheque.mirror import cli as mirror_cli
from fichotheque.mirror import offline as mirror
from fichotheque.mirror import zim
from fichotheque.web.settings import SiteConfig, Structure

DAY = dt.date(2026, 11, 22)


# -- date ----------------------------------------------------------------------------------

def test_date_comes_from_option_then_source_date_epoch_then_today():
    epoch = str(mirror.build_epoch(dt.date(2025, 3, 4)) + 3600)
    assert mirror.mirror_date("2026-01-31", {"SOURCE_DATE_EPOCH": epoch}) == dt.date(2026, 1, 31)
    assert mirror.mirror_date(None, {"SOURCE_DATE_EPOCH": epoch}) == dt.date(2025, 3, 4)
    assert mirror.mirror_date(None, {}, today=DAY) == DAY
    assert mirror.zip_name(DAY) == "fichotheque-2026-11-22.zip"


@pytest.mark.parametrize(("value", "environ", "expected"), [
    ("22/11/2026", {}, "date « 22/11/2026 » invalide"),
    (None, {"SOURCE_DATE_EPOCH": "hier"}, "SOURCE_DATE_EPOCH « hier » invalide"),
])
def test_bad_date_is_a_clear_error(value, environ, expected):
    with pytest.raises(mirror.MirrorError, match=expected):
        mirror.mirror_date(value, environ)


# -- ZIP writer ----------------------------------------------------------------------------

def _entries(tmp_path):
    site = tmp_path / "site"
    files = {"index.html": b"<p>accueil</p>", "fiches/a.html": b"<p>a</p>" * 50,
             "assets/logo.png": b"\x89PNG fake", "fiches/b/b.pdf": b"%PDF-1.7 fake"}
    for name, data in files.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_bytes(data)
    (site / "assets" / "bundle.js.map").write_text("{}")
    return site, files


def test_zip_round_trip_sorted_fixed_dates_and_modes(tmp_path):
    site, files = _entries(tmp_path)
    (site / "fiches" / "a.html").chmod(0o600)
    entries = [*mirror.site_entries(site), (mirror.README_NAME, b"lisez-moi")]
    target = mirror_archive.write_zip(tmp_path / "out" / "m.zip", entries, DAY)

    with zipfile.ZipFile(target) as archive:
        infos = archive.infolist()
        names = [i.filename for i in infos]
        assert names == sorted(names)
        assert set(names) == {*files, mirror.README_NAME}  # the source map is left out
        for info in infos:
            assert info.date_time == (2026, 11, 22, 0, 0, 0)
            assert stat.S_IMODE(info.external_attr >> 16) == 0o644
            assert stat.S_ISREG(info.external_attr >> 16)
            expected = b"lisez-moi" if info.filename == mirror.README_NAME else files[info.filename]
            assert archive.read(info) == expected
        assert archive.getinfo("assets/logo.png").compress_type == zipfile.ZIP_STORED
        assert archive.getinfo("fiches/a.html").compress_type == zipfile.ZIP_DEFLATED
        assert archive.testzip() is None
    assert [p.name for p in target.parent.iterdir()] == ["m.zip"]  # no temporary file left


def test_zip_bytes_do_not_depend_on_order_or_file_times(tmp_path):
    site, _ = _entries(tmp_path)
    entries = mirror.site_entries(site)
    first = mirror_archive.write_zip(tmp_path / "1.zip", entries, DAY).read_bytes()
    for path in site.rglob("*"):
        path.touch()
    second = mirror_archive.write_zip(tmp_path / "2.zip", list(reversed(entries)), DAY).read_bytes()
    assert first == second
    other_day = mirror_archive.write_zip(tmp_path / "3.zip", entries,
                                         dt.date(2026, 11, 23)).read_bytes()
    assert other_day != first


def test_failed_zip_leaves_the_previous_one_untouched(tmp_path):
    target = mirror_archive.write_zip(tmp_path / "m.zip", [("a.txt", b"ancien")], DAY)
    before = target.read_bytes()
    with pytest.raises(FileNotFoundError):
        mirror_archive.write_zip(target, [("a.txt", b"x"), ("b.txt", tmp_path / "absent")], DAY)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["m.zip"]


def test_sha256sums_lists_every_mirror_file_and_checks_with_sha256sum(tmp_path):
    mirror_archive.write_zip(tmp_path / "fichotheque-2026-11-22.zip", [("a.txt", b"a")], DAY)
    (tmp_path / "fichotheque-2026-11-22.zim").write_bytes(b"zim")
    (tmp_path / "notes.txt").write_text("pas un miroir")
    sums = mirror_archive.write_sha256sums(tmp_path)
    lines = sums.read_text(encoding="utf-8").splitlines()
    assert lines == [
        f"{hashlib.sha256((tmp_path / name).read_bytes()).hexdigest()}  {name}"
        for name in ("fichotheque-2026-11-22.zim", "fichotheque-2026-11-22.zip")
    ]
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path,
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_private_key_never_goes_into_the_zip(tmp_path):
    key = tmp_path / "badges" / "cle.pem"
    key.parent.mkdir()
    key.write_bytes(b"-----BEGIN PRIVATE KEY-----\nMIIB...\n-----END PRIVATE KEY-----\n")
    with pytest.raises(mirror.MirrorError, match=r"badges/cle\.pem contient une clé privée"):
        mirror.check_no_private_key([("badges/cle.pem", key)])


def test_lisezmoi_says_what_it_is_how_to_open_it_when_and_where_online():
    site = SiteConfig(project_dir=".", site_name="Fichothèque",
                      site_url="https://exemple.org/fiches/",
                      structure=Structure(name="Réseau des EPN", email="epn@exemple.org"))
    text = mirror_archive.readme_text(site, DAY)
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    assert "copie hors ligne du 22 novembre 2026" in text
    assert "index.html" in text and "Décompressez" in text
    assert "https://exemple.org/fiches/" in text
    assert "Réseau des EPN (epn@exemple.org)" in text


def test_online_url_of_a_page():
    base = "https://exemple.org/site/"
    assert mirror.online_url("badges/obtenir.md", base) == base + "badges/obtenir/"
    assert mirror.online_url("badges/verifier/index.md", base) == base + "badges/verifier/"
    assert mirror.online_url("index.md", base) == base


@pytest.mark.parametrize(("src_uri", "meta", "expected"), [
    ("badges/obtenir.md", {}, True),
    ("badges/verifier/index.md", {}, True),
    ("badges/index.md", {}, False),
    ("badges/verifier.md", {"online_only": False}, False),
    ("inscription.md", {"online_only": True}, True),
])
def test_which_pages_need_the_online_site(src_uri, meta, expected):
    page = SimpleNamespace(file=SimpleNamespace(src_uri=src_uri), meta=meta)
    assert mirror.is_online_only(page) is expected


def test_human_size_in_french():
    assert mirror_cli.human_size(950) == "950 octets"
    assert mirror_cli.human_size(4_321_000) == "4,3 Mo"


# -- offline build of a small project ------------------------------------------------------

ONLINE_ONLY_PAGE = """---
title: Inscription en ligne
online_only: true
---

# Inscription en ligne

<div id="formulaire">Remplissez le formulaire.</div>
"""


def _keep_badges_of_present_modules(project):
    """The repository's badge classes for modules the small corpus lacks would fail the build."""
    for badge in (project / "badges").glob("*.yml"):
        module = project / "fiches" / badge.stem
        if badge.stem not in ("emetteur", "registre") and not module.is_dir():
            badge.unlink()


@pytest.fixture(scope="module")
def small_mirror(tmp_path_factory):
    """A small project mirrored twice with the same date (no PDF: the e2e test covers them)."""
    base = tmp_path_factory.mktemp("miroir")
    project = make_project(base / "projet", {**small_corpus(),
                                             "docs/inscription.md": ONLINE_ONLY_PAGE})
    _keep_badges_of_present_modules(project)
    first = mirror_archive.make_mirror(project, base / "dist1", DAY, pdf=False)
    second = mirror_archive.make_mirror(project, base / "dist2", DAY, pdf=False)
    return project, first, second


def _read(m: mirror.Mirror, name: str) -> str:
    with zipfile.ZipFile(m.path) as archive:
        return archive.read(name).decode("utf-8")


def test_small_mirror_is_reproducible(small_mirror):
    _, first, second = small_mirror
    assert first.path.name == "fichotheque-2026-11-22.zip"
    assert first.path.read_bytes() == second.path.read_bytes()
    assert first.sha256 == second.sha256 == hashlib.sha256(first.path.read_bytes()).hexdigest()
    sums = (first.path.parent / mirror.SUMS_NAME).read_text(encoding="utf-8")
    assert sums == f"{first.sha256}  {first.path.name}\n"
    with zipfile.ZipFile(first.path) as archive:
        assert first.files == len(archive.namelist())
        assert first.size == first.path.stat().st_size


def test_small_mirror_uses_html_urls_local_shim_and_inline_search_index(small_mirror):
    _, first, _ = small_mirror
    with zipfile.ZipFile(first.path) as archive:
        names = set(archive.namelist())
        assert {"index.html", "LISEZMOI.txt", "fiches/securite/hameconnage.html",
                "search/search_index.js", mirror.SHIM, "telecharger.html"} <= names
        assert not any(name.endswith(".map") for name in names)
        pages = [archive.read(n).decode("utf-8") for n in names if n.endswith(".html")]
    assert all("unpkg.com" not in page and "iframe-worker/shim\"" not in page for page in pages)
    home = _read(first, "index.html")
    assert f'<script src="{mirror.SHIM}"></script>' in home
    assert _read(first, "search/search_index.js").startswith("var __index = ")
    index = json.loads(_read(first, "search/search_index.json"))
    assert "Reconnaître l'hameçonnage" in {doc["title"] for doc in index["docs"]}
    # The build date comes from the mirror date, not from the clock.
    assert set(re.findall(r"<lastmod>(.*?)</lastmod>", _read(first, "sitemap.xml"))) == {
        "2026-11-22"}


def test_online_only_page_explains_itself_in_the_mirror(small_mirror):
    _, first, _ = small_mirror
    page = _read(first, "inscription.html")
    assert "Cette page a besoin d" in page and "copie hors ligne" in page
    assert "https://fichotheque.github.io/fichotheque/inscription/" in page
    assert 'id="formulaire"' not in page
    # The download page knows it is inside the mirror.
    download = _read(first, "telecharger.html")
    assert "Vous consultez déjà la copie hors ligne" in download
    assert "Pas encore de copie publiée ici" not in download


def test_online_only_page_is_untouched_in_the_normal_build(small_mirror, tmp_path):
    project, _, _ = small_mirror
    result = run_build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site" / "inscription" / "index.html").read_text(encoding="utf-8")
    assert 'id="formulaire"' in page and "Cette page a besoin d" not in page
    download = (tmp_path / "site" / "telecharger" / "index.html").read_text(encoding="utf-8")
    assert "Vous consultez déjà la copie hors ligne" not in download
    assert "Pas encore de copie publiée ici" in download
    assert mirror.SHIM not in page


def test_download_page_links_to_the_published_zip(small_mirror, tmp_path):
    project, _, _ = small_mirror
    config = project / "mkdocs.yml"
    original = config.read_text(encoding="utf-8")
    url = "https://exemple.org/telechargements/fichotheque.zip"
    config.write_text(re.sub(r"^  mirror_url: .*$", f"  mirror_url: {url}", original,
                             count=1, flags=re.M), encoding="utf-8")
    try:
        result = run_build(project, tmp_path / "site")
    finally:
        config.write_text(original, encoding="utf-8")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site" / "telecharger" / "index.html").read_text(encoding="utf-8")
    assert f'href="{url}"' in page and "Pas encore de copie publiée ici" not in page


# -- Kiwix ZIM ------------------------------------------------------------------------------

def test_zim_round_trip_with_french_full_text_search(tmp_path):
    from libzim.reader import Archive
    from libzim.search import Query, Searcher

    site = tmp_path / "site"
    pages = {
        "index.html": "<title>Accueil - Fichothèque</title><h1>Des fiches libres</h1>",
        "fiches/securite/hameconnage.html": "<title>Reconnaître l'hameçonnage - Fichothèque"
                                            "</title><h1>Hameçonnage</h1><p>Un faux SMS.</p>",
        "fiches/bureautique/tableur.html": "<title>Tableur - Fichothèque</title><p>Budget</p>",
    }
    for name, text in pages.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(f"<html lang=fr><head><meta charset=utf-8>{text}</html>",
                                 encoding="utf-8")
    (site / "fiches/securite/hameconnage").mkdir()
    (site / "fiches/securite/hameconnage/hameconnage.pdf").write_bytes(b"%PDF-1.7 fake")
    info = SiteConfig(project_dir=tmp_path, site_name="Fichothèque",
                      site_url="https://exemple.org/", structure=Structure(name="Réseau EPN"))
    target = tmp_path / "fichotheque-2026-11-22.zim"
    assert zim.write_zim(target, site, info, DAY) == 4

    archive = Archive(target)
    assert archive.main_entry.get_item().path == "index.html"
    assert archive.get_metadata("Language") == b"fra"
    assert archive.get_metadata("Date") == b"2026-11-22"
    assert "Illustration_48x48@1" in archive.metadata_keys
    entry = archive.get_entry_by_path("fiches/securite/hameconnage.html")
    assert entry.title == "Reconnaître l'hameçonnage"
    pdf = archive.get_entry_by_path("fiches/securite/hameconnage/hameconnage.pdf").get_item()
    assert (pdf.mimetype, bytes(pdf.content)) == ("application/pdf", b"%PDF-1.7 fake")
    for query in ("hameçonnage", "hameconnage"):
        results = Searcher(archive).search(Query().set_query(query))
        assert list(results.getResults(0, 5)) == ["fiches/securite/hameconnage.html"]
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == [target.name]


# -- command line --------------------------------------------------------------------------

def test_cli_reports_size_and_file_count(small_mirror, tmp_path, capsys):
    project, first, _ = small_mirror
    code = main(["--root", str(project), "mirror", "--output", str(tmp_path / "dist"),
                 "--date", "2026-11-22", "--no-pdf"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert (tmp_path / "dist" / "fichotheque-2026-11-22.zip").read_bytes() == \
        first.path.read_bytes()
    assert re.search(r"Miroir hors ligne prêt : .*fichotheque-2026-11-22\.zip — [\d,]+ (ko|Mo), "
                     rf"{first.files} fichiers", out)
    assert "Compression de" in err and "(100 %)" in err


def test_cli_bad_date_is_one_french_line(tmp_path, capsys):
    code = main(["--root", str(tmp_path), "mirror", "--date", "demain"])
    _, err = capsys.readouterr()
    assert code == 1
    assert err.strip().splitlines() == [
        "Erreur : date « demain » invalide : écrivez-la AAAA-MM-JJ, par exemple 2026-11-22"]


def test_cli_outside_a_project_is_one_french_line(tmp_path, capsys):
    code = main(["--root", str(tmp_path), "mirror", "--output", str(tmp_path / "dist")])
    _, err = capsys.readouterr()
    assert code == 1
    assert "pas de fichier mkdocs.yml" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "dist" / "SHA256SUMS").exists()


def test_broken_fiche_stops_the_mirror_without_output(tmp_path, capsys):
    broken = {"fiches/securite/cassee.md": "---\ntitle: x\n---\n"}
    project = make_project(tmp_path / "projet", {**small_corpus(), **broken})
    _keep_badges_of_present_modules(project)
    code = main(["--root", str(project), "mirror", "--output", str(tmp_path / "dist"),
                 "--no-pdf"])
    _, err = capsys.readouterr()
    assert code == 1
    assert "la construction du site hors ligne a échoué" in err
    assert not list((tmp_path / "dist").glob("*.zip"))


def test_zip_reopens_as_a_stream(small_mirror):
    _, first, _ = small_mirror
    with zipfile.ZipFile(io.BytesIO(first.path.read_bytes())) as archive:
        assert archive.read("LISEZMOI.txt").decode("utf-8").startswith("Fichothèque — copie")
