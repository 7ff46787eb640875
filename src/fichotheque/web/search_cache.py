"""The split search index of the last build, kept in `.cache/recherche/` by content hash.

Splitting the index of a large site (`search_split`) is the longest step after the pages
themselves (about 1 s at 1,000 fiches) and a pure function of what it reads: Material's
`search_index.json`, the fiches' level and duration, the synonyms, and the code that
splits. When none of them changed since the last build, the files are written from the cache
instead of being computed again.

Layout: `.cache/recherche/<key>.json` holds every file of the split (`search_split.split_files`), as
`{"cle": <key>, "fichiers": {<path in search/>: <text>}}`, in one file: a first build writes
one cache file instead of a thousand (file creation is what costs on a slow disk), and a
warm build reads one. It is written under a temporary name and renamed, so an entry is
complete or absent; only the newest is kept. The cache is an optimisation and is checked,
never trusted: an entry that does not parse, names another key, or holds a path outside the
split's folders only means the split is computed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from functools import cache
from pathlib import Path

from fichotheque.web import search_split

FOLDER = Path(".cache") / "recherche"
SUFFIX = ".json"
# The only paths of the split: `search_index.json`, `mots/<name>.json`, `pages/<n>.json`.
_PATH = re.compile(rf"search_index\.json|{search_split.WORDS_DIR}/[a-z0-9_]+\.json"
                   rf"|{search_split.PAGES_DIR}/[0-9]+\.json")


@cache
def _code() -> bytes:
    """The source of the modules that shape the files (`search.py` enriches the index,
    `search_split.py` splits it, this module stores them): a change of code is a new key."""
    here = Path(__file__).parent
    return b"".join((here / name).read_bytes()
                    for name in ("search.py", "search_split.py", "search_cache.py"))


def key(raw_index: bytes, fiches: dict, synonyms_config: dict) -> str:
    digest = hashlib.sha256()
    for part in (raw_index,
                 json.dumps(fiches, sort_keys=True, ensure_ascii=False).encode(),
                 json.dumps(synonyms_config, sort_keys=True, ensure_ascii=False).encode(),
                 _code()):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def has_entry(cache_dir: Path) -> bool:
    """Whether the cache holds an entry (the split of some earlier build)."""
    try:
        return any(p.suffix == SUFFIX and not p.name.startswith(".")
                   for p in Path(cache_dir).iterdir())
    except OSError:
        return False


def cached_files(cache_dir: Path, entry: str) -> dict[str, str] | None:
    """The files of a complete, well-formed cached entry, or None."""
    try:
        data = json.loads((Path(cache_dir) / f"{entry}{SUFFIX}").read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("cle") != entry:
        return None
    files = data.get("fichiers")
    if not isinstance(files, dict) or "search_index.json" not in files:
        return None
    if not all(isinstance(n, str) and _PATH.fullmatch(n) and isinstance(t, str)
               for n, t in files.items()):
        return None
    return files


def restore(cache_dir: Path, entry: str, search_dir: Path) -> bool:
    """Write a cached entry's files into the site's `search/`; False if there is none."""
    files = cached_files(cache_dir, entry)
    if files is None:
        return False
    try:
        search_split.write_files(search_dir, files)
    except OSError:
        return False  # the caller computes the split, which rewrites every file
    return True


def store(cache_dir: Path, entry: str, files: dict[str, str]) -> None:
    """Keep `files` (the split written into the site) under `entry`, in place of older entries."""
    cache_dir = Path(cache_dir)
    target = cache_dir / f"{entry}{SUFFIX}"
    scratch = cache_dir / f".{entry}.{os.getpid()}.tmp"
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        scratch.write_text(json.dumps({"cle": entry, "fichiers": files}, ensure_ascii=False),
                           "utf-8")
        scratch.replace(target)
    except OSError:
        _remove(scratch)
        return  # no cache this time; the site is complete
    for old in cache_dir.iterdir():
        if old != target:
            _remove(old)


def _remove(path: Path) -> None:
    """An older entry (also the folders of the previous layout); errors are ignored."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink()
    except OSError:
        pass
