"""The split search index of the last build, kept in `.cache/recherche/` by content hash.

Splitting the index of a large site (`search_split`) is the longest step after the pages
themselves (about 1.5 s at 1,000 fiches) and a pure function of what it reads: Material's
`search_index.json`, the fiches' level and duration, the synonyms, and the code that
splits. When none of them changed since the last build, the files are copied from the cache
instead of being computed again.

Layout: `.cache/recherche/<key>/` holds `search_index.json`, `mots/` and `pages/` as
`write_split` wrote them, and a `complet` marker written last; only the newest entry is
kept. The cache is an optimisation: a missing, partial or unwritable entry only means the
split is computed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from functools import cache
from pathlib import Path

from fichotheque.web import search_split

FOLDER = Path(".cache") / "recherche"
MARKER = "complet"
PARTS = ("search_index.json", search_split.WORDS_DIR, search_split.PAGES_DIR)


@cache
def _code() -> bytes:
    """The source of the modules that shape the files (`search.py` enriches the index,
    `search_split.py` splits it): a change of code is a new key."""
    here = Path(__file__).parent
    return b"".join((here / name).read_bytes() for name in ("search.py", "search_split.py"))


def key(raw_index: bytes, fiches: dict, synonyms_config: dict) -> str:
    digest = hashlib.sha256()
    for part in (raw_index,
                 json.dumps(fiches, sort_keys=True, ensure_ascii=False).encode(),
                 json.dumps(synonyms_config, sort_keys=True, ensure_ascii=False).encode(),
                 _code()):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def restore(cache_dir: Path, entry: str, search_dir: Path) -> bool:
    """Copy a complete cached entry into the site's `search/`; False if there is none."""
    source = Path(cache_dir) / entry
    if not (source / MARKER).is_file():
        return False
    try:
        for part in PARTS:
            _copy(source / part, Path(search_dir) / part)
    except OSError:
        return False  # the caller computes the split, which rewrites every file
    return True


def store(cache_dir: Path, entry: str, search_dir: Path) -> None:
    """Keep what `write_split` wrote under `entry`, in place of older entries."""
    cache_dir = Path(cache_dir)
    scratch = cache_dir / f".{entry}.{os.getpid()}"
    try:
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir(parents=True)
        for part in PARTS:
            _copy(Path(search_dir) / part, scratch / part)
        (scratch / MARKER).write_text(entry, encoding="utf-8")
        for old in cache_dir.iterdir():
            if old == scratch:
                continue
            if old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
            else:
                old.unlink()
        scratch.rename(cache_dir / entry)
    except OSError:
        shutil.rmtree(scratch, ignore_errors=True)  # no cache this time; the site is complete


def _copy(source: Path, target: Path) -> None:
    if source.is_dir():
        shutil.copytree(source, target, dirs_exist_ok=True)
    else:
        shutil.copyfile(source, target)
