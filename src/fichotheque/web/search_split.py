"""A split search index for large sites on slow connections.

With a few hundred fiches the search worker receives Material's whole `search_index.json`
and builds its index in the browser (about 1.5 MB, 320 KB compressed, for 119 fiches). At
3,000 fiches that file would be about 23 MB: a phone on a slow link would download it all
before the first result. From `SPLIT_FROM` fiches (online builds only: the offline ZIP keeps
the whole index, read from `file://`), the build writes instead:

- `search/search_index.json` with the configuration only (no documents): Material still
  starts our worker with it;
- `search/mots/<prefix>.json`: the index itself, split by the first three letters of each
  indexed key (a few kilobytes each), named after those letters (`shard_name`) so that the
  page can ask for it as soon as three letters are typed, before the worker is ready
  (`recherche.js`). Each file also holds, under the key `""`, what a one-word query needs
  so that it costs a single round trip on a slow phone connection: the keys of the
  synonyms of its words (copied from their own files, listed in `couverts`) and the title,
  address, tags, level, duration and summary of the `RESULTS` best pages of each key
  (`pages`);
- `search/pages/<n>.json`: the same page details by blocks of `CHUNK` pages, for the results
  the word files do not describe (queries of several words).

The keys and weights are computed exactly as the worker computes them from the documents
(`fichotheque-search.js`: `fold`, `stem`, `foldedKeys`, `addField`, `buildIndex`); the test
`tests/web/test_search_split.py` checks that both give the same index on the real site.
"""

from __future__ import annotations

import functools
import html
import json
import math
import re
import unicodedata
from collections import Counter, defaultdict
from itertools import chain
from pathlib import Path

SPLIT_FROM = 500
CHUNK = 10
# Results the worker shows from a split index (its SPLIT_RESULTS); each word file describes
# the pages of this many best results of each of its keys.
RESULTS = 10
OTHER_PAGE = 0.5  # the worker's factor for pages that are not fiches
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
_MARKS = re.compile("[\u0300-\u036f]")
_TAGS = re.compile(r"<[^>]*>")
_FIRST_P = re.compile(r"<p>([\s\S]*?)</p>")
_DIGIT = re.compile(r"[0-9]")
_JOINERS = re.compile(r"[-.]")


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
    # The worker first turns apostrophes into spaces; `_WORD` never matches one, so the
    # words are the same without that step.
    return _WORD.findall(text)


@functools.cache  # a site has a few thousand words, each seen hundreds of times
def folded_keys(folded: str) -> tuple[tuple[str, ...], str | None]:
    """(keys, joined): « wi-fi » gives (("wi", "fi", "wifi"), "wifi")."""
    if "-" not in folded and "." not in folded:
        return ((stem(folded),) if folded and folded not in STOP else ()), None
    parts = [p for p in _JOINERS.split(folded) if p and p not in STOP]
    joined = stem(_JOINERS.sub("", folded)) if "-" in folded else None
    keys = tuple(stem(p) for p in parts)
    return ((*keys, joined) if joined else keys), joined


def sequence_keys(folded: str) -> tuple[str, ...]:
    keys, joined = folded_keys(folded)
    return (joined,) if joined else keys


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
    # as `re.sub(r"\s+", " ", …).strip()`: both split on the same (Unicode) spaces
    return " ".join(html.unescape(_TAGS.sub(" ", str(markup or ""))).split())


class _Page:
    def __init__(self, doc: dict):
        self.doc = doc
        self.title = plain(doc.get("title"))
        self.lead = plain(doc.get("text"))
        self.weights: dict[str, float] = defaultdict(float)

    # What `split` reads of a page once weighed; a process hands pages over in this form.
    DOC_KEYS = ("location", "tags", "fiche")

    def parts(self) -> tuple[dict, str, str, dict[str, float]]:
        return ({k: self.doc[k] for k in self.DOC_KEYS if k in self.doc}, self.title,
                self.lead, dict(self.weights))

    @classmethod
    def from_parts(cls, parts: tuple[dict, str, str, dict[str, float]]) -> _Page:
        page = cls.__new__(cls)
        page.doc, page.title, page.lead, page.weights = parts
        return page


@functools.cache
def _word_keys(folded: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(keys counted, keys in the sequence where expressions are looked for) of a word."""
    keys, joined = folded_keys(folded)
    return keys, ((joined,) if joined else keys)


@functools.cache
def _text_factor(count: int) -> float:
    return min(TEXT_CAP, 1 + math.log(count))


def _add_field(page: _Page, text: str, weight: float, once: bool, phrases) -> None:
    found = list(map(_word_keys, words(fold(text))))
    counts = Counter(chain.from_iterable([keys for keys, _ in found]))
    sequence = list(chain.from_iterable([seq for _, seq in found]))
    if not phrases.keys().isdisjoint(sequence):  # most fields hold no expression
        for i in [i for i, key in enumerate(sequence) if key in phrases]:
            for keys in phrases[sequence[i]]:
                if sequence[i:i + len(keys)] == keys:
                    counts[phrase_id(keys)] += 1
    weights = page.weights
    if once:
        for key in counts:
            weights[key] += weight
    else:
        for key, count in counts.items():
            weights[key] += weight * _text_factor(count)


def page_from_parts(parts: tuple[dict, str, str, dict[str, float]]) -> _Page:
    """A page weighed by another process (`_Page.parts`), as `split` reads it."""
    return _Page.from_parts(parts)


class PageWeights:
    """The worker's `buildIndex`, fed documents as they come: one entry per page (documents
    of a page follow each other), with the weight of each key."""

    def __init__(self, synonyms: dict):
        self.phrases = phrases_of(synonyms)
        self.pages: list[_Page] = []
        self._by_path: dict[str, _Page] = {}

    def add(self, docs: list[dict]) -> None:
        phrases = self.phrases
        for doc in docs:
            path = str(doc.get("location", "")).split("#")[0]
            page = self._by_path.get(path)
            if page is None:
                page = self._by_path[path] = _Page(doc)
                self.pages.append(page)
                _add_field(page, page.title, FIELD["title"], True, phrases)
                _add_field(page, " . ".join(doc.get("tags") or []), FIELD["tags"], True,
                           phrases)
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


def build_pages(docs: list[dict], synonyms: dict) -> list[_Page]:
    """The worker's `buildIndex` over every document (see `PageWeights`)."""
    weights = PageWeights(synonyms)
    weights.add(docs)
    return weights.pages


def shard_of(key: str) -> str:
    return key.lstrip(" ")[:PREFIX]


_SAFE = re.compile(r"[a-z0-9]")


def shard_name(prefix: str) -> str:
    """`imp` → `imp.json`; other letters as `_<hex code point>_` (`ß` → `_df_.json`), as
    `recherche.js` computes it from the typed word."""
    return "".join(c if _SAFE.fullmatch(c) else f"_{ord(c):x}_" for c in prefix) + ".json"


def synonym_lookups(synonyms: dict) -> dict[str, set[str]]:
    """For the first key of each expression of the synonym list, the index keys a query
    group starting with it may look up (the worker's `makeGroups` and `variantKeys`): its
    group's other expressions and their « voir aussi » words."""
    phrases = {phrase_id(k) for lists in phrases_of(synonyms).values() for k in lists}

    def keys_of(text) -> list[str]:
        return [k for w in words(str(text)) for k in sequence_keys(fold(w))]

    def lookup(keys: list[str]) -> list[str]:
        joined = phrase_id(keys)
        return [joined] if len(keys) > 1 and joined in phrases else keys

    related: dict[str, list[list[str]]] = defaultdict(list)
    sources = []
    for text, targets in (synonyms.get("voir_aussi") or {}).items():
        keys = keys_of(text)
        if keys:
            sources.append(keys)
            related[" ".join(keys)].extend(t for t in map(keys_of, targets) if t)
    needs: dict[str, set[str]] = defaultdict(set)
    for group in synonyms.get("groupes", []):
        members = [k for k in map(keys_of, group) if k]
        variants = members + [r for m in members for r in related.get(" ".join(m), [])]
        for member in members:
            for variant in variants:
                needs[member[0]].update(lookup(variant))
    for keys in sources:
        for variant in [keys, *related[" ".join(keys)]]:
            needs[keys[0]].update(lookup(variant))
    return needs


def _best_pages(flat: list[float], others: set[int]) -> list[int]:
    """The RESULTS pages a one-key query ranks first: weight (halved for pages that are
    not fiches), then page number, as the worker orders them."""
    scored, page = [], 0
    for i in range(0, len(flat), 2):
        page += int(flat[i])
        scored.append((-flat[i + 1] * (OTHER_PAGE if page in others else 1), page))
    return [p for _, p in sorted(scored)[:RESULTS]]


def split(index: dict, pages: list[_Page] | None = None
          ) -> tuple[dict, dict[str, dict], list[list]]:
    """(small index for Material, word files by name, page blocks); `pages`: the index's
    documents already weighed (`PageWeights`), if they were."""
    synonyms = (index.get("config") or {}).get("synonymes") or {}
    if pages is None:
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
    rows = [[p.doc.get("location", ""), p.title, p.doc.get("tags") or [],
             p.doc.get("fiche") or 0, p.lead[:LEAD_CHARS]] for p in pages]
    others = {n for n, p in enumerate(pages) if not p.doc.get("fiche")}
    # The synonyms' keys, copied into the file of the words they are synonyms of.
    covered: dict[str, set[str]] = defaultdict(set)
    for first, lookups in synonym_lookups(synonyms).items():
        for wanted in lookups:
            if shard_of(wanted) != shard_of(first):
                covered[shard_of(first)].add(wanted)
    files: dict[str, dict] = {}
    for prefix in sorted(set(shards) | set(covered)):
        content = dict(shards.get(prefix, {}))
        for wanted in sorted(covered.get(prefix, ())):
            own = shards.get(shard_of(wanted), {})
            content.update((k, v) for k, v in own.items() if k.startswith(wanted))
        described = sorted({p for flat in content.values() for p in _best_pages(flat, others)})
        content[""] = {"pages": {str(n): rows[n] for n in described},
                       "couverts": sorted(covered.get(prefix, ()))}
        files[prefix] = content
    names = {prefix: shard_name(prefix) for prefix in files}
    blocks = [rows[start:start + CHUNK] for start in range(0, len(pages), CHUNK)]
    config = dict(index.get("config") or {})
    config[MANIFEST_KEY] = {
        "pages": len(pages), "bloc": CHUNK, "prefixe": PREFIX, "mots": names,
        "autres_pages": sorted(others),
    }
    small = {**index, "config": config, "docs": []}
    return small, {names[p]: s for p, s in files.items()}, blocks


def split_files(index: dict, pages: list[_Page] | None = None) -> dict[str, str]:
    """The split index as files: their paths in `search/` and their JSON text."""
    small, shards, blocks = split(index, pages)
    files = {f"{WORDS_DIR}/{name}": _json(content) for name, content in shards.items()}
    files.update((f"{PAGES_DIR}/{number}.json", _json(block))
                 for number, block in enumerate(blocks))
    files["search_index.json"] = _json(small)
    return files


def write_files(search_dir: Path, files: dict[str, str]) -> None:
    """Write `files` (paths in `search/` and their text) into `search_dir`."""
    search_dir = Path(search_dir)
    for name in (WORDS_DIR, PAGES_DIR):
        (search_dir / name).mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (search_dir / name).write_text(text, "utf-8")


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
