"""Rebuild the site in a background thread, see what changed, and save + publish with git.

The build function is injected (tests pass a fast one); by default it is
`fichotheque.sitebuild.build_site`. Git runs without ever asking a question on the terminal
(`GIT_TERMINAL_PROMPT=0`); its failures come back as plain French sentences.
"""

from __future__ import annotations

import logging
import os
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from fichotheque.badges import LEDGER_PATH, BadgeError, ledger
from fichotheque.badges.keys import KEYS_DIR
from fichotheque.badges.signatures import SIGNATURES_DIR
from fichotheque.errors import UserError

IDLE, RUNNING, DONE, FAILED = "idle", "running", "done", "failed"
GIT_TIMEOUT = 180


def default_build(root: Path) -> None:
    from fichotheque.sitebuild import build_site

    build_site(root)


class _LastMessage(logging.Handler):
    """Keeps the last line MkDocs logged, shown as the build's progress."""

    def __init__(self, job: BuildJob):
        super().__init__(logging.INFO)
        self.job = job

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = " ".join(record.getMessage().split())
        except Exception:  # a badly formatted record must not break the build
            return
        if text:
            self.job.last_message = text[:200]


@dataclass
class BuildJob:
    """One site build at a time, in a thread; its state is read by the page."""

    root: Path
    build: Callable[[Path], object] = default_build
    state: str = IDLE
    started: float = 0.0
    finished: float = 0.0
    error: str = ""
    last_message: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)

    def start(self) -> bool:
        """Start a build; False when one is already running."""
        with self._lock:
            if self.state == RUNNING:
                return False
            self.state, self.error, self.last_message = RUNNING, "", ""
            self.started, self.finished = time.monotonic(), 0.0
            self._thread = threading.Thread(target=self._run, name="bureau-build", daemon=True)
            self._thread.start()
        return True

    def _run(self) -> None:
        handler = _LastMessage(self)
        logger = logging.getLogger("mkdocs")
        logger.addHandler(handler)
        try:
            self.build(self.root)
        except (UserError, BadgeError) as exc:
            self._end(FAILED, str(exc))
        except SystemExit as exc:
            self._end(FAILED, f"la construction s'est arrêtée (code {exc.code})")
        except Exception as exc:  # shown on the page; the desk keeps running
            self._end(FAILED, f"erreur inattendue pendant la construction : {exc}")
        else:
            self._end(DONE, "")
        finally:
            logger.removeHandler(handler)

    def _end(self, state: str, error: str) -> None:
        with self._lock:
            self.state, self.error, self.finished = state, error, time.monotonic()

    def wait(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def seconds(self) -> int:
        if not self.started:
            return 0
        end = self.finished or time.monotonic()
        return int(end - self.started)

    def as_json(self) -> dict:
        return {"state": self.state, "seconds": self.seconds, "error": self.error,
                "message": self.last_message}


# -- git ----------------------------------------------------------------------------------------

def _git(root: Path, *args: str, timeout: int = 30) -> subprocess.CompletedProcess:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "GIT_PAGER": "cat"}
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                          timeout=timeout, env=env)


def _ok(root: Path, *args: str) -> str | None:
    try:
        result = _git(root, *args)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout if result.returncode == 0 else None


@dataclass(frozen=True)
class Changes:
    """What the page shows under « Ce qui a changé »."""

    is_git: bool
    remote: str = ""
    branch: str = ""
    status: tuple[str, ...] = ()  # `git status --porcelain` lines
    ledger_stat: str = ""  # `git diff --stat -- badges/registre.yml`
    new_awards: int = 0
    new_revocations: int = 0
    ahead: int = 0  # local commits not yet sent to the remote

    @property
    def ledger_changed(self) -> bool:
        return bool(self.ledger_stat.strip())

    @property
    def to_save(self) -> bool:
        return self.ledger_changed or (bool(self.remote) and self.ahead > 0)


def is_git_repo(root: Path) -> bool:
    top = _ok(root, "rev-parse", "--show-toplevel")
    return top is not None and Path(top.strip()).resolve() == Path(root).resolve()


def changes(root: Path) -> Changes:
    root = Path(root)
    if not is_git_repo(root):
        return Changes(is_git=False)
    remotes = (_ok(root, "remote") or "").split()
    branch = (_ok(root, "rev-parse", "--abbrev-ref", "HEAD") or "").strip()
    status = tuple(line for line in (_ok(root, "status", "--porcelain") or "").splitlines()
                   if line.strip())
    stat = _ok(root, "diff", "--stat", "HEAD", "--", LEDGER_PATH)
    if stat is None:  # no commit yet
        stat = _ok(root, "diff", "--stat", "--", LEDGER_PATH) or ""
    if not stat.strip() and any(line[3:] == LEDGER_PATH for line in status):
        stat = f" {LEDGER_PATH} | nouveau fichier"
    new_awards, new_revocations = _ledger_counts(root)
    return Changes(True, remotes[0] if remotes else "", branch, status, stat.rstrip(),
                   new_awards, new_revocations, _ahead(root, bool(remotes)))


def _ahead(root: Path, has_remote: bool) -> int:
    if not has_remote:
        return 0
    count = _ok(root, "rev-list", "--count", "@{upstream}..HEAD")
    if count is None:  # no upstream yet: every commit is to send
        count = _ok(root, "rev-list", "--count", "HEAD")
    return int(count.strip()) if count and count.strip().isdigit() else 0


def _ledger_counts(root: Path) -> tuple[int, int]:
    """Awards and revocations added to the ledger since the last commit."""
    try:
        now = ledger.load(root / LEDGER_PATH)
        text = _ok(root, "show", f"HEAD:./{LEDGER_PATH}")
        old = ledger.parse(text, f"HEAD:{LEDGER_PATH}") if text else ledger.Ledger()
    except BadgeError:
        return 0, 0
    return (max(len(now.awards) - len(old.awards), 0),
            max(len(now.revocations) - len(old.revocations), 0))


def ledger_diff(root: Path) -> str:
    """The lines added to the ledger since the last commit (hashes only, never an e-mail)."""
    diff = _ok(Path(root), "diff", "HEAD", "--", LEDGER_PATH)
    if diff is None:
        diff = _ok(Path(root), "diff", "--", LEDGER_PATH) or ""
    return diff


def default_commit_message(found: Changes) -> str:
    parts = []
    if found.new_awards:
        parts.append(f"{found.new_awards} attribution{'s' if found.new_awards > 1 else ''}")
    if found.new_revocations:
        parts.append(f"{found.new_revocations} révocation"
                     f"{'s' if found.new_revocations > 1 else ''}")
    return "Badges : " + (", ".join(parts) or "registre mis à jour") + " (bureau)"


def _explain(stderr: str, step: str) -> str:
    text = stderr.lower()
    if "please tell me who you are" in text or "user.email" in text:
        return ("git ne connaît pas encore votre nom : dans un terminal, une fois pour toutes, "
                "tapez git config --global user.name \"Votre nom\" puis "
                "git config --global user.email \"votre@adresse\"")
    if "nothing to commit" in text or "nothing added to commit" in text:
        return "rien à enregistrer : le registre des badges n'a pas changé"
    if "rejected" in text or "fetch first" in text or "non-fast-forward" in text:
        return ("le dépôt en ligne contient des changements que cet ordinateur n'a pas encore : "
                "récupérez-les (git pull) puis recommencez")
    if ("authentication" in text or "could not read username" in text
            or "permission denied" in text or "terminal prompts disabled" in text):
        return ("le dépôt en ligne a refusé l'envoi : cet ordinateur n'a pas l'autorisation "
                "d'écrire (identifiants ou clé manquants)")
    if "could not resolve host" in text or "unable to access" in text:
        return "le dépôt en ligne est injoignable : vérifiez la connexion à Internet"
    detail = " ".join(stderr.split())[:300]
    return f"l'étape « {step} » a échoué" + (f" ({detail})" if detail else "")


@dataclass(frozen=True)
class Outcome:
    ok: bool
    committed: bool
    pushed: bool
    message: str  # plain French


def save_and_publish(root: Path, message: str, push: bool = True) -> Outcome:
    """`git add` + `git commit` of the ledger only (when it changed), then `git push` when
    asked (also what an earlier failed push left to send)."""
    root = Path(root)
    message = " ".join(message.split())[:200] or "Badges : registre mis à jour (bureau)"
    found = changes(root)
    if not found.is_git:
        return Outcome(False, False, False, "ce dossier n'est pas suivi par git")
    if not found.ledger_changed and not (push and found.ahead):
        return Outcome(False, False, False, "rien à enregistrer : le registre des badges n'a "
                       "pas changé depuis le dernier enregistrement")
    # the ledger, with the signatures and public keys that go with it (when badges are signed)
    paths = [LEDGER_PATH, *(rel for rel in (SIGNATURES_DIR, KEYS_DIR) if (root / rel).is_dir())]
    steps = [("enregistrement", ("add", "--", *paths)),
             ("enregistrement", ("commit", "-m", message, "--", *paths))]
    for step, args in steps if found.ledger_changed else ():
        try:
            result = _git(root, *args)
        except (OSError, subprocess.SubprocessError) as exc:
            return Outcome(False, False, False, f"git n'a pas pu être lancé ({exc})")
        if result.returncode != 0:
            return Outcome(False, False, False, _explain(result.stderr + result.stdout, step))
    committed = found.ledger_changed
    if not push or not found.remote:
        return Outcome(True, committed, False, "Changements enregistrés dans l'historique de "
                       "cet ordinateur (sans envoi : ce dossier n'a pas de dépôt en ligne).")
    try:
        upstream = _ok(root, "rev-parse", "--abbrev-ref", "@{upstream}")
        args = ("push",) if upstream else ("push", "-u", found.remote, "HEAD")
        result = _git(root, *args, timeout=GIT_TIMEOUT)
    except subprocess.TimeoutExpired:
        return Outcome(False, committed, False, "l'envoi vers le dépôt en ligne a pris trop de "
                       "temps ; les changements sont enregistrés sur cet ordinateur, réessayez "
                       "plus tard")
    except (OSError, subprocess.SubprocessError) as exc:
        return Outcome(False, committed, False, f"git n'a pas pu être lancé ({exc})")
    if result.returncode != 0:
        return Outcome(False, committed, False, "les changements sont enregistrés sur cet "
                       "ordinateur mais pas envoyés : " + _explain(result.stderr, "envoi"))
    return Outcome(True, committed, True, "Changements enregistrés et envoyés au dépôt en ligne."
                   if committed else "Changements envoyés au dépôt en ligne.")
