"""The ledger's history in git: nothing ever recorded may disappear or change.

`badges/registre.yml` only grows. Comparing it with the last commit is not enough (commit the
deletion of a revocation, and the last commit agrees with the file), so the check reads every
version of the ledger ever committed on the current branch — and, in a pull request, on its
base — and requires the file of today to hold every award and revocation any of them held,
unchanged. A bad commit cannot be made good by another commit that keeps the loss: only
restoring the entries does.

All versions are read with one `git log` and one `git cat-file --batch`, so a long history costs
two processes, not one per commit. Versions committed while `site_url` was another address
belong to another site's ledger (a fork starts its own, see the adaptation guide) and are
left out.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from fichotheque.badges import LEDGER_PATH, BadgeError
from fichotheque.badges import ledger as ledger_mod
from fichotheque.content.problems import ERROR, WARNING, Problem

RULE = "badges-ledger"
CONFIG_FILE = "mkdocs.yml"
HINT = ("le registre ne fait que s'allonger : remettez l'entrée telle qu'elle était "
        "(« git show {commit}:" + LEDGER_PATH + " » la montre) et, pour retirer un badge, "
        "utilisez « fichotheque badges revoke »")


@dataclass(frozen=True)
class Version:
    """One committed version of the ledger, and the site address it was published at."""

    commit: str
    date: str
    text: str
    site_url: str = ""  # `site_url` of mkdocs.yml in that commit ("" if unknown)


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes | None:
    try:
        result = subprocess.run(["git", "-C", str(root), *args], input=stdin,
                                capture_output=True, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout if result.returncode == 0 else None


def _is_repository(root: Path) -> bool:
    out = _git(root, "rev-parse", "--is-inside-work-tree")
    return out is not None and out.strip() == b"true"


def _blobs(root: Path, revisions: list[str]) -> list[tuple[str, str, str]]:
    """(commit, date, blob id) of every commit touching the ledger, oldest first."""
    out = _git(root, "log", "--reverse", "--format=commit %H %cs", "--raw", "--no-abbrev",
               "--no-renames", *revisions, "--", LEDGER_PATH)
    if out is None:
        return []
    found, commit, date = [], "", ""
    for line in out.decode("utf-8", "replace").splitlines():
        if line.startswith("commit "):
            _, commit, date = line.split(" ", 2)
        elif line.startswith(":") and "\t" in line:
            fields = line.split("\t", 1)[0].split()
            blob = fields[3]  # :mode mode blob-before blob-after status
            if set(blob) != {"0"}:  # deleted in that commit: nothing to read
                found.append((commit, date, blob))
    return found


def _read_blobs(root: Path, names: list[str]) -> dict[str, str]:
    """Texts of blobs named by id or `<commit>:<path>`, in one `git cat-file --batch`."""
    unique = list(dict.fromkeys(names))
    if not unique:
        return {}
    out = _git(root, "cat-file", "--batch", stdin="".join(b + "\n" for b in unique).encode())
    texts: dict[str, str] = {}
    pos = 0
    for name in unique:
        if out is None or pos >= len(out):
            break
        end = out.index(b"\n", pos)
        header = out[pos:end].decode("utf-8", "replace").split()
        if len(header) != 3 or header[1] != "blob":  # "<name> missing"
            pos = end + 1
            continue
        start = end + 1
        size = int(header[2])
        texts[name] = out[start:start + size].decode("utf-8", "replace")
        pos = start + size + 1
    return texts


SITE_URL_RE = re.compile(r"^site_url:\s*[\"']?([^\"'#\s]+)", re.M)


def site_url_of(config_text: str) -> str:
    """`site_url` of a mkdocs.yml text, without reading the rest (old commits may not parse)."""
    match = SITE_URL_RE.search(config_text or "")
    return match.group(1).rstrip("/") + "/" if match else ""


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def base_revisions(environ: dict | None = None) -> list[str]:
    """Revisions whose history counts besides HEAD: the pull request's base branch in CI."""
    env = os.environ if environ is None else environ
    base = env.get("GITHUB_BASE_REF", "").strip()
    return [f"origin/{base}"] if base else []


def versions(root: Path, extra: list[str] | None = None) -> list[Version]:
    """Every committed version of the ledger reachable from HEAD (and `extra`), oldest first."""
    root = Path(root)
    revisions = ["HEAD"]
    for rev in extra or []:
        if _git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}") is not None:
            revisions.append(rev)
    found = _blobs(root, revisions)
    configs = [f"{commit}:{CONFIG_FILE}" for commit, _d, _b in found]
    texts = _read_blobs(root, [blob for _c, _d, blob in found] + configs)
    return [Version(commit, date, texts[blob], site_url_of(texts.get(f"{commit}:{CONFIG_FILE}",
                                                                     "")))
            for commit, date, blob in found if blob in texts]


def _problem(message: str, version: Version, level=ERROR) -> Problem:
    return Problem(LEDGER_PATH, None, message, level,
                   hint=HINT.format(commit=version.commit[:10]), rule=RULE)


def compare(current: ledger_mod.Ledger, history: list[Version]) -> list[Problem]:
    """Problems for each award or revocation of a past version missing or changed today."""
    problems: list[Problem] = []
    reported: set[str] = set()
    for version in history:
        try:
            old = ledger_mod.parse(version.text, f"{version.commit[:10]}:{LEDGER_PATH}")
        except BadgeError:
            continue  # a version that could not be read was refused when it was current
        when = f"(enregistrée dans le commit {version.commit[:10]} du {version.date})"
        for award in old.awards:
            if award.id in reported:
                continue
            now = current.award(award.id)
            if now is None:
                problems.append(_problem(f"attribution {award.id} supprimée {when}", version))
                reported.add(award.id)
            elif now != award:
                problems.append(_problem(f"attribution {award.id} modifiée {when}", version))
                reported.add(award.id)
        for revocation in old.revocations:
            key = "révocation " + revocation.revoked
            if key in reported:
                continue
            if current.revocation(revocation.revoked) != revocation:
                problems.append(_problem(f"révocation de {revocation.revoked} supprimée ou "
                                         f"modifiée {when}", version))
                reported.add(key)
    return problems


def check_append_only(root: Path, extra: list[str] | None = None) -> list[Problem]:
    """What `fichotheque check` reports about the ledger: unreadable, or history rewritten."""
    root = Path(root)
    try:
        current = ledger_mod.load(root / LEDGER_PATH)
    except BadgeError as exc:
        place, _, message = str(exc).partition(": ")
        _file, _, line = place.partition(":")
        return [Problem(LEDGER_PATH, int(line) if line.isdigit() else None, message, rule=RULE)]
    if not _is_repository(root):
        return []
    history = versions(root, base_revisions() if extra is None else extra)
    # A copy of the project published elsewhere (a fork must change site_url) starts a ledger
    # of its own: the awards of the original site are not its to keep.
    here = site_url_of(_read_text(root / CONFIG_FILE))
    history = [v for v in history if not (here and v.site_url and v.site_url != here)]
    problems = compare(current, history)
    shallow = _git(root, "rev-parse", "--is-shallow-repository")
    if shallow is not None and shallow.strip() == b"true":
        problems.append(Problem(
            LEDGER_PATH, None, "historique git incomplet (copie superficielle) : le registre "
            "n'a été comparé qu'aux versions présentes", WARNING,
            hint="dans GitHub Actions, « fetch-depth: 0 » sur actions/checkout", rule=RULE))
    return problems
