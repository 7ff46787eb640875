"""Open Badges 2.0 for the modules: ledger, JSON-LD documents, images, baking, signing, checks.

Files of the project (`badges/`): `emetteur.yml` (issuer), `<badge-id>.yml` (one BadgeClass
per module), `registre.yml` (append-only ledger). Published under `site/badges/` at the stable
URLs of DESIGN.md by `publish.py` (called from `hooks/badges.py`).
"""

from __future__ import annotations

BADGES_DIR = "badges"
LEDGER_FILE = "registre.yml"
ISSUER_FILE = "emetteur.yml"
LEDGER_PATH = f"{BADGES_DIR}/{LEDGER_FILE}"

# Environment variable holding the path of the RSA private key used to sign assertions.
KEY_ENV = "FICHOTHEQUE_BADGE_KEY"


class BadgeError(Exception):
    """A problem the user can fix (bad input, broken file): one French sentence."""
