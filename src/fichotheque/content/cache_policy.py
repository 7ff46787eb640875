"""`.cache/` holds what this machine's builds made (lint results, PDFs, badge images, the split
search index); it never comes from the repository.

Every cache is read by content hash, and a hit is used as is: a PDF found there is published,
a search file is copied into the site. `.gitignore` keeps the folder out of commits, but a
contribution can still add files to it on purpose (`git add -f`), and a build would then
publish them. So a build, and `fichotheque check`, stop when git tracks anything under
`.cache/`. Outside a git repository (a downloaded archive), nothing is tracked.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from fichotheque.content.problems import ERROR, Problem

FOLDER = ".cache"
RULE = "cache"


def tracked_files(root: Path | str) -> list[str]:
    """Files under `.cache/` that git tracks in the repository at `root` (none without git)."""
    try:
        result = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--", FOLDER],
                                capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return []
    if result.returncode != 0:  # not a repository
        return []
    return sorted(p for p in result.stdout.decode("utf-8", "replace").split("\0") if p)


def check(root: Path | str) -> list[Problem]:
    files = tracked_files(root)
    if not files:
        return []
    count = len(files)
    shown = ", ".join(files[:3]) + (f" et {count - 3} autre(s)" if count > 3 else "")
    return [Problem(
        files[0], None,
        f"{count} fichier{'s' if count > 1 else ''} du dossier {FOLDER}/ "
        f"{'sont suivis' if count > 1 else 'est suivi'} par git ({shown}) ; ce dossier est "
        "refait sur chaque machine, et une copie venue du dépôt pourrait remplacer des PDF ou "
        "l'index de recherche publiés",
        ERROR, hint=f"retirez-les du dépôt (git rm -r --cached {FOLDER}) et ajoutez la ligne "
        f"« {FOLDER}/ » au fichier .gitignore", rule=RULE)]
