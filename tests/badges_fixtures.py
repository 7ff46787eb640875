"""Helpers shared by the badge tests: a tiny project with a fixture ledger, built for real.

The ledger is written with the same functions as `fichotheque badges award/revoke`, with
fixed dates so verdicts do not depend on the clock. Recipients use reserved example domains.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from conftest import make_project, run_build, small_corpus

from fichotheque.badges import KEY_ENV, LEDGER_PATH, ledger, sign, signatures

ROOT = Path(__file__).resolve().parent.parent
OB_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "openbadges"
SITE_URL = "https://fichotheque.github.io/fichotheque/"
ALICE = "Alice.Martin@Example.org"
BOB = "bob@example.net"
CLAIRE = "claire@example.com"
ISSUED = dt.datetime(2026, 3, 14, 10, 30, tzinfo=dt.UTC)


@dataclass
class BadgeProject:
    root: Path
    site: Path
    key: Path
    valid: str  # award ids
    revoked: str
    expired: str


def write_ledger(root: Path, key: Path | None = None) -> tuple[str, str, str]:
    """Three awards; with `key`, each signed as `award` does when a key is configured (the
    revoked one was signed before its revocation, as in real life)."""
    path = root / LEDGER_PATH
    known = ["securite", "messagerie"]
    valid = ledger.award(path, "securite", ALICE, known, evidence="Ateliers de mars 2026",
                         now=ISSUED).id
    revoked = ledger.award(path, "messagerie", BOB, known, now=ISSUED).id
    if key:
        signatures.sign_project(root, key)
    ledger.revoke(path, revoked, "Délivré par erreur", now=ISSUED + dt.timedelta(days=2))
    expired = ledger.award(path, "messagerie", CLAIRE, known, expires="2026-06-30",
                           now=ISSUED).id
    if key:
        signatures.sign_project(root, key)
    return valid, revoked, expired


def badge_project(base: Path, signed: bool = True, key_at_build: bool = True) -> BadgeProject:
    """A small project with three awards (valid, revoked, expired), built once.

    `signed`: a key was used when awarding (signatures stored in badges/signatures/);
    `key_at_build`: the key is also configured for the build.
    """
    root = make_project(base / "projet", small_corpus())
    key = base / "cles" / "cle.pem"  # outside the project, as `keygen` requires
    sign.keygen(key, root)
    valid, revoked, expired = write_ledger(root, key if signed else None)
    env = {KEY_ENV: str(key)} if signed and key_at_build else {}
    result = run_build(root, root / "site", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return BadgeProject(root, root / "site", key, valid, revoked, expired)


def fichotheque(*args: str, cwd: Path | None = None, env: dict | None = None):
    """Run the CLI as a user does; returns the CompletedProcess."""
    full_env = {k: v for k, v in os.environ.items() if k != KEY_ENV}
    full_env.update(NO_MKDOCS_2_WARNING="1", **(env or {}))
    return subprocess.run([sys.executable, "-m", "fichotheque", *args], capture_output=True,
                          text=True, cwd=cwd, env=full_env)


# -- the reference validator, in its own venv -------------------------------------------------

VALIDATOR_VENV = Path(os.environ.get("FICHOTHEQUE_OB_VALIDATOR_VENV",
                                     ROOT / ".cache" / "ob-validator-venv"))


def validator_python() -> Path:
    """The validator venv's python, created by scripts/ob-validator-venv.sh if needed."""
    python = VALIDATOR_VENV / "bin" / "python"
    result = subprocess.run(["bash", str(ROOT / "scripts" / "ob-validator-venv.sh"),
                             str(VALIDATOR_VENV)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, "validateur Open Badges non installé :\n" + result.stderr
    return python


def run_validator(python: Path, site: Path, target: str, email: str = "") -> dict:
    import json

    command = [str(python), str(Path(__file__).parent / "ob_validator.py"), "--site", str(site),
               "--site-url", SITE_URL, "--contexts", str(OB_FIXTURES), target]
    if email:
        command[2:2] = ["--email", email]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def copy_site(site: Path, dest: Path) -> Path:
    shutil.copytree(site, dest)
    return dest
