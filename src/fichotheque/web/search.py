"""Search for beginners: what the build adds to Material's search index.

Material's search plugin writes `search/search_index.json` (one entry per page and per
section). Our search worker (`theme/assets/javascripts/workers/fichotheque-search.js`) ranks
it for French beginners; this module gives it what the pages alone do not say:

- the synonyms and common forms of `data/synonymes.yml` (« mail » = « courriel »…), in the
  index's `config.synonymes`, so that the list stays data that contributors edit;
- each fiche's level and duration (`fiche: {niveau, duree}` on the page's entry), shown
  in the results;
- no entry for the tags page: it lists every keyword of the site and would match any query.

The file is rewritten in place after Material's search plugin wrote it and before the
offline plugin inlines it into `search_index.js` (mirror builds), so both read the same index.
"""

from __future__ import annotations

import copy
import json
import logging
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from fichotheque import safeyaml
from fichotheque.content.model import level_label
from fichotheque.web import search_cache, search_split
from fichotheque.web.pages import duration_text
from fichotheque.web.search_ahead import IndexedAs, SplitAhead, snapshot

log = logging.getLogger("mkdocs.plugins.fichotheque.search")

INDEX_PATH = Path("search") / "search_index.json"
OFFLINE_PLUGIN = "material/offline"
MATERIAL_PLUGINS = ("material/search", "search")
# `1` splits the index whatever the size of the site, `0` never (tests, measurements).
SPLIT_ENV = "FICHOTHEQUE_RECHERCHE_DECOUPEE"
# Added to Material's features when the index is split: recherche.js then asks for word files.
SPLIT_FEATURE = "fichotheque.recherche.decoupee"
SYNONYMS_RESOURCE = "data/synonymes.yml"
CONFIG_KEY = "synonymes"
KEYS = ("groupes", "voir_aussi", "mots_courants")
# Pages that list every word of the site: found by any query, they would only be noise.
EXCLUDED_PAGES = ("tags/", "tags.html")


def _count_fiches(config) -> int:
    """The fiches of the project (`fiches/<module>/<slug>.md` next to `mkdocs.yml`), known
    before the pages are rendered."""
    path = getattr(config, "config_file_path", None) or ""
    folder = Path(path).parent / "fiches" if path else None
    if folder is None or not folder.is_dir():
        return 0
    return sum(1 for p in folder.glob("*/*.md") if not p.name.startswith(("_", "index.")))


class SynonymsError(ValueError):
    """`synonymes.yml` is malformed; the message is one French line."""


@dataclass(frozen=True)
class Synonyms:
    """Groups of words meaning the same thing, and one-way « see also » words."""

    groups: tuple[tuple[str, ...], ...] = ()
    related: dict[str, tuple[str, ...]] = field(default_factory=dict)
    common: tuple[str, ...] = ()

    def as_config(self) -> dict:
        return {"groupes": [list(g) for g in self.groups],
                "voir_aussi": {k: list(v) for k, v in self.related.items()},
                "mots_courants": list(self.common)}


def _words(value, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise SynonymsError(f"{where} : une liste de mots est attendue, "
                            "par exemple [mail, courriel]")
    words = []
    for item in value:
        if not isinstance(item, str | int) or not str(item).strip():
            raise SynonymsError(f"{where} : « {item} » n'est pas un mot")
        words.append(str(item).strip())
    return tuple(words)


def parse_synonyms(data) -> Synonyms:
    """Check the structure of `synonymes.yml` (already parsed) and return it."""
    if not isinstance(data, dict):
        raise SynonymsError("synonymes.yml : les clés « groupes » et « voir_aussi » sont attendues")
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise SynonymsError(f"synonymes.yml : clé inconnue « {unknown[0]} » "
                            f"(seules {', '.join(f'« {k} »' for k in KEYS)} sont lues)")
    raw_groups = data.get("groupes") or []
    if not isinstance(raw_groups, list):
        raise SynonymsError("synonymes.yml : « groupes » doit être une liste de listes de mots")
    groups = tuple(_words(g, f"synonymes.yml, groupe {i}")
                   for i, g in enumerate(raw_groups, start=1))
    too_small = [g for g in groups if len(g) < 2]
    if too_small:
        raise SynonymsError(f"synonymes.yml : le groupe « {too_small[0][0]} » n'a qu'un mot")
    raw_related = data.get("voir_aussi") or {}
    if not isinstance(raw_related, dict):
        raise SynonymsError("synonymes.yml : « voir_aussi » associe un mot à une liste de mots")
    related = {str(k).strip(): _words(v, f"synonymes.yml, voir_aussi « {k} »")
               for k, v in raw_related.items()}
    common = _words(data["mots_courants"], "synonymes.yml, mots_courants") if data.get(
        "mots_courants") else ()
    return Synonyms(groups, related, common)


def load_synonyms(text: str | None = None) -> Synonyms:
    """The synonyms shipped with the package (or from `text`, for tests)."""
    if text is None:
        text = resources.files("fichotheque").joinpath(SYNONYMS_RESOURCE).read_text("utf-8")
    try:
        _, data = safeyaml.load_text(text, "synonymes.yml")
    except safeyaml.YamlError as exc:
        raise SynonymsError(str(exc)) from None
    return parse_synonyms(data)


def fiche_details(meta: dict) -> dict[str, str] | None:
    """`{niveau, duree}` as shown in the results, from a fiche page's front matter."""
    level, duration = meta.get("level"), meta.get("duration")
    if not level or not isinstance(duration, int) or not meta.get("module"):
        return None
    return {"niveau": level_label(str(level)), "duree": duration_text(duration)}


def enrich_doc(doc: dict, fiches: dict[str, dict[str, str]]) -> dict | None:
    """One document of the index as `enrich` leaves it (None: dropped)."""
    location = str(doc.get("location", ""))
    page = location.split("#", 1)[0]
    if page in EXCLUDED_PAGES:
        return None
    if page == location and page in fiches:
        return {**doc, "fiche": fiches[page]}
    return doc


def enrich(index: dict, fiches: dict[str, dict[str, str]], synonyms: Synonyms) -> dict:
    """The index with synonyms, fiche details and without the pages that match everything."""
    config = dict(index.get("config") or {})
    config[CONFIG_KEY] = synonyms.as_config()
    docs = [doc for doc in (enrich_doc(d, fiches) for d in index.get("docs") or [])
            if doc is not None]
    return {**index, "config": config, "docs": docs}


def rewrite_index(site_dir: Path, fiches: dict[str, dict[str, str]], synonyms: Synonyms,
                  split: bool = False, cache_dir: Path | None = None,
                  ahead: SplitAhead | None = None) -> bool:
    """Rewrite `search/search_index.json` of a built site (split for large online sites, see
    `search_split`; with `cache_dir`, an unchanged split is copied from there, see
    `search_cache`; with `ahead`, the pages weighed during the build are used if they are
    the index's, see `search_ahead`); False when there is none."""
    path = Path(site_dir) / INDEX_PATH
    if not path.is_file():
        return False
    raw = path.read_bytes()
    entry = None
    if split and cache_dir is not None:
        entry = search_cache.key(raw, fiches, synonyms.as_config())
        if search_cache.restore(cache_dir, entry, path.parent):
            return True
    index = json.loads(raw.decode("utf-8"))
    data = enrich(index, fiches, synonyms)
    if split:
        files = ahead.files(data) if ahead is not None and ahead.splitting else None
        if files is None:
            pages = ahead.pages(data["docs"], data["config"][CONFIG_KEY]) if ahead else None
            files = search_split.split_files(data, pages)
        search_split.write_files(path.parent, files)
        if entry is not None:
            search_cache.store(cache_dir, entry, files)
    else:
        path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), "utf-8")
    return True


def _can_index_ahead(index) -> bool:
    """Material's index as this code knows it (its entries list, still empty, and the two
    methods `SearchBuild` routes through the process)."""
    return (index is not None and type(getattr(index, "entries", None)) is list
            and not index.entries
            and callable(getattr(type(index), "add_entry_from_context", None))
            and callable(getattr(type(index), "generate_search_index", None)))


class SearchBuild:
    """State of one MkDocs build for search (`hooks/search.py` forwards the events)."""

    SCRIPT = "assets/javascripts/recherche.js"
    STYLE = "assets/recherche.css"

    def __init__(self, synonyms: Synonyms):
        self.synonyms = synonyms
        self.fiches: dict[str, dict[str, str]] = {}
        self.offline = False
        self.expected_fiches = 0
        self.cache_dir: Path | None = None
        self.ahead: SplitAhead | None = None
        self._material = None  # Material's search plugin: its index grows page by page
        self._seen = 0
        self._index = None  # Material's index, while the process indexes the pages
        self._kept: list = []  # (page, its HTML when Material would have indexed it)
        self._indexed_here = self._generate = None  # Material's own methods

    @classmethod
    def from_config(cls, config) -> SearchBuild:
        from mkdocs.exceptions import PluginError

        try:
            return cls(load_synonyms())
        except SynonymsError as exc:
            raise PluginError(str(exc)) from None

    def configure(self, config):
        """The results' script (level, duration, « no result » help) and its stylesheet;
        the feature SPLIT_FEATURE when the index will be split (the page then asks for the
        word files as they are typed, see recherche.js)."""
        if self.SCRIPT not in config.extra_javascript:
            config.extra_javascript.append(self.SCRIPT)
        if self.STYLE not in config.extra_css:
            config.extra_css.append(self.STYLE)
        if config.config_file_path:
            self.cache_dir = Path(config.config_file_path).parent / search_cache.FOLDER
        offline = config.plugins.get(OFFLINE_PLUGIN) if config.plugins else None
        self.offline = bool(offline and offline.config.get("enabled", True))
        self.expected_fiches = _count_fiches(config)
        features = config.theme.get("features")
        if self.split_wanted(self.expected_fiches) and isinstance(features, list) and (
                SPLIT_FEATURE not in features):
            # Read by recherche.js (in Material's `__config`): it may ask for word files.
            features.append(SPLIT_FEATURE)
        plugins = config.plugins or {}
        self._material = next((plugins[name] for name in MATERIAL_PLUGINS if name in plugins),
                              None)
        if (self._material is not None and self.cache_dir is not None
                and self.split_wanted(self.expected_fiches)
                and not search_cache.has_entry(self.cache_dir)):
            # A first build: the pages are indexed and weighed while they render (see
            # search_ahead).
            index = getattr(self._material, "search_index", None)
            if not _can_index_ahead(index):
                log.debug("recherche : index de Material inconnu de cette version, il est fait "
                          "dans le processus de la construction")
                index = None
            self.ahead = SplitAhead.start(self.synonyms.as_config(), index, enrich_doc)
            if self.ahead is not None and index is not None:
                self._index_ahead(index)
        return config

    def _index_ahead(self, index) -> None:
        """Material's search hands each page to the process instead of indexing it, and
        takes back the entries before it writes its index (`_entries_then_generate`)."""
        self._indexed_here, self._kept = type(index).add_entry_from_context, []
        self._generate = type(index).generate_search_index
        index.add_entry_from_context = self._hand_over
        index.generate_search_index = self._entries_then_generate
        self._index = index

    def _hand_over(self, page) -> None:
        # Kept: if the process fails (it then refuses every page), `_entries_then_generate`
        # indexes them all here, from the HTML of this moment.
        self._kept.append((page, page.content))
        self.ahead.index(snapshot(page), fiche_details(page.meta or {}))

    def _entries_then_generate(self, prev):
        index, kept = self._index, self._kept
        del index.add_entry_from_context, index.generate_search_index  # Material's own again
        self._index, self._kept = None, []
        entries = self.ahead.entries() if self.ahead is not None else None
        if entries is not None:
            index.entries[:0] = entries
            if self.split_wanted():  # computed there while the other hooks finish
                empty = copy.copy(index)
                empty.entries = []
                head = enrich(json.loads(self._generate(empty, None)), {}, self.synonyms)
                self.ahead.split_early({k: v for k, v in head.items() if k != "docs"})
        else:
            # The process failed: every page is indexed here, from its HTML of the time.
            index.entries.clear()
            for page, content in kept:
                self._indexed_here(index, IndexedAs(page, content))
        return self._generate(index, prev)

    def split_wanted(self, fiches: int | None = None) -> bool:
        """Split the index online when the site is large (never offline: file:// reads it
        whole, from the inlined `search_index.js`); `fiches`: their number if not the
        fiche pages rendered so far."""
        if self.offline:
            return False
        forced = os.environ.get(SPLIT_ENV, "")
        if forced in ("0", "1"):
            return forced == "1"
        count = len(self.fiches) if fiches is None else fiches
        return count >= search_split.SPLIT_FROM

    def page_context(self, page) -> None:
        """After Material's search plugin indexed the page (plugins come before hooks)."""
        details = fiche_details(page.meta or {})
        if details:
            self.fiches[page.url] = details
        if self.ahead is not None and self._index is None:
            self._feed_ahead()

    def _feed_ahead(self) -> None:
        entries = getattr(getattr(self._material, "search_index", None), "entries", None)
        if not isinstance(entries, list) or len(entries) < self._seen:
            self.ahead.stop()  # not the index this code knows: the split is made at the end
            self.ahead = None
            log.debug("recherche : index de Material inconnu de cette version, pages pesées "
                      "à la fin")
            return
        new, self._seen = entries[self._seen:], len(entries)
        self.ahead.feed([doc for doc in (enrich_doc(e, self.fiches) for e in new)
                         if doc is not None])

    def post_build(self, site_dir) -> None:
        ahead, self.ahead = self.ahead, None
        split = self.split_wanted()
        try:
            rewrite_index(Path(site_dir), self.fiches, self.synonyms, split, self.cache_dir,
                          ahead if split else None)
        finally:
            if ahead is not None:
                ahead.stop()
