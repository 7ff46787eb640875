"""scripts/check-site-url.py: the Pages deployment stops when `site_url` is not where GitHub
Pages publishes the site (badges, QR codes and the catalogue print absolute URLs)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from urllib.parse import urlsplit

import pytest
from conftest import ROOT

SCRIPT = ROOT / "scripts" / "check-site-url.py"


def _load():
    spec = importlib.util.spec_from_file_location("check_site_url", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check = _load()

CONFIG = """\
site_name: Essai
site_url: {url}
markdown_extensions:
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
extra:
  mirror_url: !ENV [FICHOTHEQUE_MIRROR_URL, ""]
"""


def project(tmp_path, url):
    (tmp_path / "mkdocs.yml").write_text(CONFIG.format(url=url), encoding="utf-8")
    return tmp_path


def run(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True,
                          timeout=60)


@pytest.mark.parametrize(("repository", "url"), [
    ("fichotheque/fichotheque", "https://fichotheque.github.io/fichotheque/"),
    ("EPN-Testville/Fiches", "https://epn-testville.github.io/Fiches/"),
    ("epn-testville/EPN-Testville.github.io", "https://epn-testville.github.io/"),
])
def test_default_pages_address_of_a_repository(repository, url):
    assert check.pages_url(repository) == url


@pytest.mark.parametrize("repository", ["fichotheque", "/fichotheque", "a/b/c", ""])
def test_a_malformed_repository_is_refused(repository):
    with pytest.raises(check.SiteUrlError, match="propriétaire/nom"):
        check.pages_url(repository)


@pytest.mark.parametrize(("site_url", "pages"), [
    ("https://fichotheque.github.io/fichotheque/", "https://fichotheque.github.io/fichotheque"),
    ("https://Fichotheque.GitHub.io/fichotheque", "https://fichotheque.github.io/fichotheque/"),
    ("https://fiches.epn-testville.fr/", "https://fiches.epn-testville.fr"),
    ("https://fiches.epn-testville.fr:443/", "https://fiches.epn-testville.fr"),
])
def test_same_address_passes(site_url, pages):
    assert check.compare(site_url, pages) == ""


@pytest.mark.parametrize(("site_url", "pages"), [
    # A fork keeps the upstream site_url: its badges would point at the upstream site.
    ("https://fichotheque.github.io/fichotheque/", "https://epn-testville.github.io/fichotheque"),
    ("https://fichotheque.github.io/fichotheque/", "https://fichotheque.github.io/fiches"),
    ("https://fichotheque.github.io/", "https://fichotheque.github.io/fichotheque"),
    # Path case matters on Pages.
    ("https://fichotheque.github.io/Fichotheque/", "https://fichotheque.github.io/fichotheque"),
    # A custom domain set in Settings → Pages but not in mkdocs.yml.
    ("https://fichotheque.github.io/fichotheque/", "https://fiches.epn-testville.fr"),
    # Promising https links to a site served over http only would break every badge link.
    ("http://fiches.epn-testville.fr/", "https://fiches.epn-testville.fr"),
])
def test_different_address_stops_with_a_french_message(site_url, pages):
    with pytest.raises(check.SiteUrlError) as caught:
        check.compare(site_url, pages)
    message = str(caught.value)
    assert site_url in message and pages.rstrip("/") + "/" in message
    assert "Corrigez « site_url »" in message and "mkdocs.yml" in message


def test_https_site_on_a_pages_domain_still_served_over_http_is_a_note():
    note = check.compare("https://fiches.epn-testville.fr/", "http://fiches.epn-testville.fr")
    assert "Enforce HTTPS" in note


@pytest.mark.parametrize(("site_url", "pages", "words"), [
    ("", "https://fichotheque.github.io/fichotheque", "est vide"),
    ("   ", "https://fichotheque.github.io/fichotheque", "est vide"),
    ("https://fichotheque.github.io/fichotheque/", "", "inconnue"),
    ("fichotheque.github.io/fichotheque", "https://fichotheque.github.io/fichotheque",
     "adresse web complète"),
    ("https://fichotheque.github.io/", "ftp://fichotheque.github.io/", "adresse web complète"),
])
def test_missing_or_incomplete_addresses_are_explained(site_url, pages, words):
    with pytest.raises(check.SiteUrlError, match=words):
        check.compare(site_url, pages)


def test_command_passes_when_mkdocs_yml_matches(tmp_path):
    root = project(tmp_path, "https://epn-testville.github.io/fiches/")
    result = run("--root", str(root), "--expected", "https://epn-testville.github.io/fiches")
    assert result.returncode == 0, result.stderr
    assert "Adresse du site vérifiée : https://epn-testville.github.io/fiches/" in result.stdout
    result = run("--root", str(root), "--repository", "epn-testville/fiches")
    assert result.returncode == 0, result.stderr


def test_command_stops_on_a_fork_that_kept_the_upstream_address(tmp_path):
    root = project(tmp_path, "https://fichotheque.github.io/fichotheque/")
    result = run("--root", str(root), "--repository", "epn-testville/fichotheque")
    assert result.returncode == 1
    assert result.stderr.startswith("Erreur : mkdocs.yml : « site_url » vaut "
                                    "https://fichotheque.github.io/fichotheque/")
    assert "https://epn-testville.github.io/fichotheque/" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_command_explains_an_unreadable_mkdocs_yml(tmp_path):
    (tmp_path / "mkdocs.yml").write_text("site_url: [https://x\n", encoding="utf-8")
    result = run("--root", str(tmp_path), "--expected", "https://x.github.io/y")
    assert result.returncode == 1
    assert result.stderr.startswith("Erreur : mkdocs.yml") and "Traceback" not in result.stderr
    result = run("--root", str(tmp_path / "absent"), "--expected", "https://x.github.io/y")
    assert result.returncode == 1 and "Traceback" not in result.stderr


def test_this_repository_is_configured_for_its_own_pages_address():
    """mkdocs.yml's site_url is the Pages address of its repo_url: what pages.yml checks."""
    from fichotheque.web import settings

    site = settings.load(ROOT)
    parts = urlsplit(site.repo_url)
    assert parts.hostname == "github.com"
    repository = parts.path.strip("/")
    assert check.compare(site.site_url, check.pages_url(repository)) == ""
