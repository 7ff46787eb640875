"""Shared test helpers: tiny real projects built from a dict of files, and the real site."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PROJECT_PARTS = ("mkdocs.yml", "docs", "macros", "hooks", "badges", ".gitignore")

VALID_META = {
    "title": "Créer un mot de passe solide",
    "description": "Choisir et retenir un mot de passe robuste.",
    "module": "securite",
    "level": "debutant",
    "duration": 45,
    "audience": "[grand-public]",
    "licence": "CC-BY-SA-4.0",
    "authors": "[Collectif Fichothèque]",
    "updated": "2026-11-01",
    "competences": "[pix:4.1, clea:4]",
    "tags": "[mot de passe, sécurité]",
}

VALID_BODY = """
## Objectif

Savoir créer un mot de passe solide.

## Matériel

- Un ordinateur.

## Déroulé

1. Choisir quatre mots au hasard.
2. Les assembler en une phrase de passe.

## Exercice

Créer une phrase de passe pour un compte fictif.

## À retenir

- Un mot de passe différent pour chaque site.

## Pour aller plus loin

- Demander conseil en médiathèque.

## Pour l'animateur

### Accueil — 10 min

Prévoir 45 minutes.

### Pratique — 35 min

Chacun crée sa phrase de passe.

### Corrigé

Exemple attendu : girafe-tambour-orange.

### Difficultés fréquentes

- La peur d'oublier.

### Adapter

- Lire à voix haute.
"""

MODULE_YML = """title: {title}
description: Se protéger en ligne.
order: {order}
colour: "#B3261E"
icon: material/shield-lock
badge: {slug}
"""


def fiche_text(body: str = VALID_BODY, drop: tuple[str, ...] = (), **meta) -> str:
    """A fiche's Markdown: VALID_META with `meta` overrides (None removes a key)."""
    values = {**VALID_META, **meta}
    duration = str(values.get("duration"))
    if "### Pratique — 35 min" in body and duration.isdigit() and int(duration) > 15:
        # the session plan of VALID_BODY follows the duration asked for (10 min + the rest)
        body = body.replace("### Pratique — 35 min", f"### Pratique — {int(duration) - 10} min")
    lines = ["---"]
    for key, value in values.items():
        if value is None or key in drop:
            continue
        lines.append(f"{key}: {value}")
    lines.append("---")
    return "\n".join(lines) + "\n" + textwrap.dedent(body).lstrip("\n")


def module_yml(slug: str, title: str | None = None, order: int = 1) -> str:
    return MODULE_YML.format(slug=slug, title=title or slug.capitalize(), order=order)


def write_files(base: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = base / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def make_project(base: Path, files: dict[str, str | bytes] | None = None,
                 with_site_files: bool = True) -> Path:
    """A project folder with the real site config and the given files (fiches, …)."""
    base.mkdir(parents=True, exist_ok=True)
    if with_site_files:
        for part in PROJECT_PARTS:
            src = ROOT / part
            if src.is_dir():
                shutil.copytree(src, base / part, ignore=shutil.ignore_patterns("__pycache__"))
            elif src.is_file():
                shutil.copy2(src, base / part)
    write_files(base, files or {})
    return base


def small_corpus() -> dict[str, str]:
    """Two modules, three valid fiches."""
    return {
        "fiches/securite/_module.yml": module_yml("securite", "Sécurité numérique", 1),
        "fiches/securite/mots-de-passe.md": fiche_text(),
        "fiches/securite/hameconnage.md": fiche_text(
            title="Reconnaître l'hameçonnage", description="Repérer un faux message.",
            competences="[pix:4.2, digcomp:4.2]", level="intermediaire", duration=60,
            audience="[grand-public, aidants]"),
        "fiches/messagerie/_module.yml": module_yml("messagerie", "Messagerie", 2),
        "fiches/messagerie/pieces-jointes.md": fiche_text(
            title="Envoyer une pièce jointe", description="Joindre un document à un e-mail.",
            module="messagerie", competences="[pix:2.1]"),
    }


def run_build(project: Path, site_dir: Path | None = None, *extra: str,
              env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the real MkDocs build of a project, without PDFs unless `env` asks for them."""
    site_dir = site_dir or project / "site"
    command = [sys.executable, "-m", "mkdocs", "build", "-f", str(project / "mkdocs.yml"),
               "-d", str(site_dir), *extra]
    # PDFs only when a test asks (FICHOTHEQUE_PDF=1): a plain `mkdocs build` renders them,
    # which most tests do not need.
    full_env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "FICHOTHEQUE_PDF": "0", **(env or {})}
    return subprocess.run(command, capture_output=True, text=True, env=full_env, cwd=project)


@pytest.fixture
def project(tmp_path):
    """A project with the small corpus; call `project.write({...})` to add or change files."""
    return make_project(tmp_path / "projet", small_corpus())


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The repository's own site, built once per test session the way `make site` builds it."""
    site_dir = tmp_path_factory.mktemp("site") / "site"
    command = [sys.executable, "-m", "fichotheque", "--root", str(ROOT), "build",
               "--site-dir", str(site_dir)]
    result = subprocess.run(command, capture_output=True, text=True,
                            env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    assert result.returncode == 0, result.stdout + result.stderr
    return site_dir


# -- one headless Chromium for the whole session (Playwright's sync API allows one loop) -------
CHROMIUM = os.environ.get("FICHOTHEQUE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; never downloads a browser."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium introuvable ({CHROMIUM}) : sudo apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
