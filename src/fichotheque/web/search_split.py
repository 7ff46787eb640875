"""A split search index for large sites on slow connections.

With a few hundred fiches the search worker receives Material's whole `search_index.json`
and builds its index in the browser (about 1.5 MB, 320 KB compressed, for 119 fiches). At
3,000 fiches that file would be about 23 MB: a phone on a slow link would download it all
before the first result. From `SPLIT_FROM` fiches (online builds only: the offline ZIP keeps
the whole index, read from `file://`), the build writes instead:

- `search/search_index.json` with the configuration only (no documents): Material still
  starts our worker with it;
- `search/mots/<n>.json`: the index itself, split by the first three letters of each
  indexed key (a few kilobytes each); a query fetches only the files of its words and of
  their synonyms;
- `search/pages/<n>.json`: title, address, tags, level, duration and summary of the pages,
  by blocks of `CHUNK` pages; a query fetches only the blocks of the results it shows.

The keys and weights are computed exactly as the worker computes them from the documents
(`fichotheque-search.js`: `fold`, `stem`, `foldedKeys`, `addField`, `buildIndex`); the test
`tests/web/test_search_split.py` checks that both give the same index on the real site.
"""

from __future__ import annotations

import html
import json
import math
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

SPLIT_FROM = 500
CHUNK = 10
PREFIX = 3
LEAD_CHARS = 250
FIELD = {"title": 10, "tags": 7, "lead": 3, "heading": 2, "text": 1}
TEXT_CAP = 3
MANIFEST_KEY = "decoupage"
WORDS_DIR = "mots"
PAGES_DIR = "pages"

# The worker's STOP list (fichotheque-search.js): words dropped from the index and queries.
STOP = frozenset((
    "a ai as au aux avec avoir besoin c ca car ce cela ces cet cette comme comment d dans de des "
    "dois doit donc du elle elles en est et etre faire fait il ils j je l la le les leur leurs "
    "lui m ma mais me mes moi mon n ne nos notre nous on ou par pas peux pour puis qu quand que "
    "quel quelle quelles quels qui quoi s sa se ses si son sont sur suis t ta te tes toi ton tres "
    "trop tu un une veux voudrais vos votre vous y"
).split())

_WORD = re.compile(r"[^\W_]+(?:[-.][^\W_]+)*")
_APOSTROPHES = re.compile(r"['’`]")
_MARKS = re.compile("[\u0300-\u036f]")
_TAGS = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"\s+")
_FIRST_P = re.compile(r"<p>([\s\S]*?)</p>")
_DIGIT = re.compile(r"[0-9]")


def fold(text: str) -> str:
    text = _MARKS.sub("", unicodedata.normalize("NFD", text.lower()))
    return text.replace("œ", "oe").replace("æ", "ae")


def stem(word: str) -> str:
    if len(word) <= 3 or _DIGIT.search(word):
        return word
    if (word.endswith("s") and not word.endswith("ss")) or word.endswith("ux"):
        word = word[:-1]
    if len(word) >= 9 and word.endswith(("ation", "ement")):
        return word[:-5]
    if len(word) > 4 and word.endswith(("er", "ez", "ee")):
        return word[:-2]
    if len(word) > 3 and word.endswith("e"):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    return _WORD.findall(_APOSTROPHES.sub(" ", text))


def folded_keys(folded: str) -> tuple[list[str], str | None]:
    """(keys, joined): « wi-fi » gives (["wi", "fi", "wifi"], "wifi")."""
    parts = [p for p in re.split(r"[-.]", folded) if p and p not in STOP]
    if "-" not in folded and "." not in folded:
        return [stem(p) for p in parts], None
    joined = stem(re.sub(r"[-.]", "", folded)) if "-" in folded else None
    keys = [stem(p) for p in parts]
    return ([*keys, joined] if joined else keys), joined


def sequence_keys(folded: str) -> list[str]:
    keys, joined = folded_keys(folded)
    return [joined] if joined else keys


def phrase_id(keys: list[str]) -> str:
    return " " + " ".join(keys) if len(keys) > 1 else keys[0]


def phrases_of(synonyms: dict) -> dict[str, list[list[str]]]:
    """Expressions of the synonym list by first key, as the worker's `prepareSynonyms`."""
    texts = [t for group in synonyms.get("groupes", []) for t in group]
    for source, targets in (synonyms.get("voir_aussi") or {}).items():
        texts.append(source)
        texts.extend(targets)
    phrases: dict[str, list[list[str]]] = defaultdict(list)
    for text in texts:
        keys = [k for w in words(str(text)) for k in sequence_keys(fold(w))]
        if len(keys) > 1 and keys not in phrases[keys[0]]:
            phrases[keys[0]].append(keys)
    return phrases


def plain(markup) -> str:
    return _SPACES.sub(" ", html.unescape(_TAGS.sub(" ", str(markup or "")))).strip()


class _Page:
    def __init__(self, doc: dict):
        self.doc = doc
        self.title = plain(doc.get("title"))
        self.lead = plain(doc.get("text"))
        self.weights: dict[str, float] = defaultdict(float)


def _add_field(page: _Page, text: str, weight: float, once: bool, phrases) -> None:
    counts: dict[str, int] = defaultdict(int)
    sequence: list[str] = []
    for word in words(fold(text)):
        keys, joined = folded_keys(word)
        for key in keys:
            counts[key] += 1
        sequence.extend([joined] if joined else keys)
    for i, key in enumerate(sequence):
        for keys in phrases.get(key, ()):
            if sequence[i:i + len(keys)] == keys:
                counts[phrase_id(keys)] += 1
    for key, count in counts.items():
        page.weights[key] += weight if once else weight * min(TEXT_CAP, 1 + math.log(count))


def build_pages(docs: list[dict], synonyms: dict) -> list[_Page]:
    """The worker's `buildIndex`: one entry per page, with the weight of each key."""
    phrases = phrases_of(synonyms)
    pages: list[_Page] = []
    by_path: dict[str, _Page] = {}
    for doc in docs:
        path = str(doc.get("location", "")).split("#")[0]
        page = by_path.get(path)
        if page is None:
            page = by_path[path] = _Page(doc)
            pages.append(page)
            _add_field(page, page.title, FIELD["title"], True, phrases)
            _add_field(page, " . ".join(doc.get("tags") or []), FIELD["tags"], True, phrases)
            _add_field(page, page.lead, FIELD["lead"], True, phrases)
            continue
        title, text = plain(doc.get("title")), plain(doc.get("text"))
        if fold(title) == fold(page.title):
            first = _FIRST_P.search(str(doc.get("text") or ""))
            summary = plain(first.group(1)) if first else text
            if not page.lead:
                page.lead = summary
            _add_field(page, summary, FIELD["lead"], True, phrases)
            rest = text[len(summary):] if text.startswith(summary) else text
            if rest.strip():
                _add_field(page, rest, FIELD["text"], False, phrases)
        else:
            _add_field(page, title, FIELD["heading"], True, phrases)
            _add_field(page, text, FIELD["text"], False, phrases)
    return pages


def shard_of(key: str) -> str:
    return key.lstrip(" ")[:PREFIX]


def split(index: dict) -> tuple[dict, dict[str, dict], list[list]]:
    """(small index for Material, word files by prefix, page blocks)."""
    synonyms = (index.get("config") or {}).get("synonymes") or {}
    pages = build_pages(index.get("docs") or [], synonyms)
    shards: dict[str, dict[str, list[float]]] = defaultdict(dict)
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for number, page in enumerate(pages):
        for key, weight in page.weights.items():
            postings[key].append((number, weight))
    for key in sorted(postings):
        flat: list[float] = []
        previous = 0
        for number, weight in postings[key]:
            flat.extend((number - previous, round(weight, 2)))
            previous = number
        shards[shard_of(key)][key] = flat
    names = {prefix: f"{i}.json" for i, prefix in enumerate(sorted(shards))}
    blocks = []
    for start in range(0, len(pages), CHUNK):
        blocks.append([[p.doc.get("location", ""), p.title, p.doc.get("tags") or [],
                        p.doc.get("fiche") or 0, p.lead[:LEAD_CHARS]]
                       for p in pages[start:start + CHUNK]])
    config = dict(index.get("config") or {})
    config[MANIFEST_KEY] = {
        "pages": len(pages), "bloc": CHUNK, "prefixe": PREFIX, "mots": names,
        "autres_pages": [n for n, p in enumerate(pages) if not p.doc.get("fiche")],
    }
    small = {**index, "config": config, "docs": []}
    return small, {names[p]: s for p, s in shards.items()}, blocks


def write_split(site_dir: Path, index: dict) -> int:
    """Write the split index into `site_dir/search/`; the number of files written."""
    folder = Path(site_dir) / "search"
    small, shards, blocks = split(index)
    for name in (WORDS_DIR, PAGES_DIR):
        (folder / name).mkdir(parents=True, exist_ok=True)
    for name, content in shards.items():
        _dump(folder / WORDS_DIR / name, content)
    for number, block in enumerate(blocks):
        _dump(folder / PAGES_DIR / f"{number}.json", block)
    _dump(folder / "search_index.json", small)
    return len(shards) + len(blocks) + 1


def _dump(path: Path, data) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), "utf-8")
