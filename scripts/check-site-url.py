#!/usr/bin/env python3
"""Stop a GitHub Pages deployment when `site_url` (mkdocs.yml) is not where Pages publishes.

Badges, QR codes on the PDFs, the feed and `catalogue.json` all print absolute URLs built from
`site_url`: a site deployed elsewhere would hand out links that lead nowhere, and issued badges
would never verify. Used by .github/workflows/pages.yml:

    python scripts/check-site-url.py --expected "$PAGES_BASE_URL"     # configure-pages output
    python scripts/check-site-url.py --repository owner/name          # default Pages address

Exit 0 when they match, 1 with a French message otherwise.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent


class SiteUrlError(Exception):
    """A mismatch or a missing value, explained in French."""


def normalise(url: str) -> tuple[str, str, str]:
    """(scheme, host, path) with case-insensitive parts lowered and no trailing slash."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SiteUrlError(f"« {url} » n'est pas une adresse web complète "
                           "(attendu : https://nom.github.io/depot/)")
    host = parts.hostname.lower()
    if parts.port and parts.port != {"http": 80, "https": 443}[parts.scheme]:
        host = f"{host}:{parts.port}"
    return parts.scheme.lower(), host, parts.path.rstrip("/")


def pages_url(repository: str) -> str:
    """The address GitHub Pages gives `owner/name` when no custom domain is set."""
    owner, sep, name = repository.strip().partition("/")
    if not sep or not owner or not name or "/" in name:
        raise SiteUrlError(f"dépôt « {repository} » : écrivez-le propriétaire/nom")
    host = f"{owner.lower()}.github.io"
    return f"https://{host}/" if name.lower() == host else f"https://{host}/{name}/"


def compare(site_url: str, expected: str) -> str:
    """Raise SiteUrlError unless `site_url` points where the site is published.

    Returns a note (possibly empty) for a harmless difference.
    """
    if not site_url.strip():
        raise SiteUrlError(
            "mkdocs.yml : « site_url » est vide. Indiquez l'adresse où GitHub Pages publie le "
            f"site : site_url: {expected.rstrip('/')}/")
    if not expected.strip():
        raise SiteUrlError("l'adresse de publication GitHub Pages est inconnue "
                           "(l'étape « configure-pages » n'a rien donné)")
    scheme, host, path = normalise(site_url)
    pages_scheme, pages_host, pages_path = normalise(expected)
    if (host, path) != (pages_host, pages_path) or (scheme, pages_scheme) == ("http", "https"):
        raise SiteUrlError(
            f"mkdocs.yml : « site_url » vaut {site_url.strip()}, mais GitHub Pages publie ce "
            f"dépôt à l'adresse {expected.rstrip('/')}/. Les liens des badges, des codes QR des "
            "PDF et du catalogue mèneraient à une mauvaise adresse. Corrigez « site_url » (et "
            "« extra.structure.url ») dans mkdocs.yml, ou réglez le domaine dans Settings → "
            "Pages du dépôt.")
    if scheme != pages_scheme:
        return ("Remarque : GitHub Pages sert encore le site en http ; cochez « Enforce HTTPS » "
                "dans Settings → Pages.")
    return ""


def read_site_url(root: Path) -> str:
    from fichotheque.errors import UserError
    from fichotheque.web import settings

    if not (root / settings.CONFIG_FILE).is_file():
        raise SiteUrlError(f"pas de fichier {settings.CONFIG_FILE} dans {root}")
    try:
        return settings.load(root).site_url
    except UserError as exc:
        raise SiteUrlError(str(exc)) from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Vérifier que site_url (mkdocs.yml) est l'adresse où GitHub Pages publie.")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--expected", metavar="URL",
                       help="adresse de publication (sortie base_url de actions/configure-pages)")
    where.add_argument("--repository", metavar="PROPRIÉTAIRE/NOM",
                       help="dépôt GitHub : l'adresse par défaut de GitHub Pages en est déduite")
    parser.add_argument("--root", type=Path, default=ROOT,
                        help="racine du projet (par défaut : celle de ce script)")
    args = parser.parse_args(argv)
    try:
        expected = args.expected if args.expected is not None else pages_url(args.repository)
        site_url = read_site_url(args.root)
        note = compare(site_url, expected)
    except SiteUrlError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    print(f"Adresse du site vérifiée : {site_url}")
    if note:
        print(note)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
