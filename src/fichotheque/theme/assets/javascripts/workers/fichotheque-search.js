/*
 * Fichothèque search worker: French search for beginners, in place of Material's Lunr worker.
 *
 * It speaks Material's worker protocol (SETUP -> READY, QUERY -> RESULT with the same item
 * shape), so Material's search box, result list and keyboard handling stay unchanged; only
 * the ranking is ours. The index is Material's `search_index.json`, enriched by the build
 * (src/fichotheque/web/search.py): synonyms from data/synonymes.yml in `config.synonymes`,
 * each fiche's level and duration in `fiche`.
 *
 * How a query is answered:
 * - words are lower-cased, accents removed (impôts = impots) and reduced by a light French
 *   stemmer shared by the index and the query (arnaques -> arnaqu, déclarer -> declar);
 *   « comment », « je », « mon »… are dropped; a word may also match longer words
 *   (« declar » finds « déclaration »), with a lower weight;
 * - each remaining word, or expression of the synonym list (« mot de passe »), is one group
 *   that also accepts its synonyms (weight 0.85) and « voir aussi » words (0.6);
 * - a page scores, for each group, its best match: title 10, tags 7, the fiche's summary 3,
 *   a section heading 2, the text 1 (up to 3 for repeated words), each field counted once
 *   per page and added up (the text alone never outweighs the title); groups are weighted by
 *   rarity (idf), and the total is multiplied by the cube of the share of groups found, so
 *   a fiche matching every word ranks above one matching only some; fiches rank above the
 *   site's other pages (x 0.5).
 * - results show the fiche's level and duration and its summary, words found highlighted;
 *   words not found are listed as typed (never as stems).
 *
 * Large sites online (500 fiches and more) get a split index instead of the documents
 * (src/fichotheque/web/search_split.py computes the same keys and weights at build time):
 * a query fetches only the word files of its words (they hold their synonyms' keys and the
 * details of their best pages; the page asked for them as the words were typed), and the
 * page blocks of results they do not describe.
 *
 * Runs as a real worker online and inside the iframe-worker shim from file:// (offline ZIP).
 */
(function () {
  "use strict";

  var SETUP = 0;
  var READY = 1;
  var QUERY = 2;
  var RESULT = 3;

  var FIELD = { title: 10, tags: 7, lead: 3, heading: 2, text: 1 };
  var TEXT_CAP = 3;
  var SYNONYM = 0.85;
  var RELATED = 0.6;
  var OTHER_PAGE = 0.5;
  var COVERAGE_POWER = 3;
  var TIER = 10000;
  var MAX_PREFIX_TERMS = 80;
  var MAX_EXTRA_LETTERS = 4;
  var MAX_RESULTS = 30;
  var SPLIT_RESULTS = 10;
  var MAX_SECTIONS = 3;
  var SNIPPET = 200;

  var STOP = new Set((
    "a ai as au aux avec avoir besoin c ca car ce cela ces cet cette comme comment d dans de des " +
    "dois doit donc du elle elles en est et etre faire fait il ils j je l la le les leur leurs " +
    "lui m ma mais me mes moi mon n ne nos notre nous on ou par pas peux pour puis qu quand que " +
    "quel quelle quelles quels qui quoi s sa se ses si son sont sur suis t ta te tes toi ton tres " +
    "trop tu un une veux voudrais vos votre vous y"
  ).split(" "));

  var WORD = /[\p{L}\p{N}]+(?:[-.][\p{L}\p{N}]+)*/gu;

  var state = null;

  /* -- text ------------------------------------------------------------------------------ */

  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/œ/g, "oe").replace(/æ/g, "ae");
  }

  function stem(word) {
    if (word.length <= 3 || /\d/.test(word)) return word;
    if ((/s$/.test(word) && !/ss$/.test(word)) || /ux$/.test(word)) word = word.slice(0, -1);
    if (word.length >= 9 && /(ation|ement)$/.test(word)) return word.slice(0, -5);
    if (word.length > 4 && /(er|ez|ee)$/.test(word)) return word.slice(0, -2);
    if (word.length > 3 && /e$/.test(word)) return word.slice(0, -1);
    return word;
  }

  var ENTITIES = { amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'", nbsp: " ", "#39": "'" };

  function plain(html) {
    return String(html || "").replace(/<[^>]*>/g, " ")
      .replace(/&(#x?[0-9a-f]+|[a-z]+);/gi, function (all, name) {
        if (ENTITIES[name] !== undefined) return ENTITIES[name];
        if (name[0] !== "#") return all;
        var code = name[1] === "x" || name[1] === "X"
          ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : all;
      })
      .replace(/\s+/g, " ").trim();
  }

  function escapeHtml(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;");
  }

  /* The index keys of one word: its stem, or for « wi-fi » the parts and « wifi ». */
  var keyCache = new Map();

  function foldedKeys(folded) {
    var cached = keyCache.get(folded);
    if (cached) return cached;
    var parts = folded.split(/[-.]/).filter(function (p) { return p && !STOP.has(p); });
    var result;
    if (folded.indexOf("-") < 0 && folded.indexOf(".") < 0) {
      result = { keys: parts.map(stem), joined: null, parts: null };
    } else {
      var joined = folded.indexOf("-") >= 0 ? stem(folded.replace(/[-.]/g, "")) : null;
      var partKeys = parts.map(stem);
      result = { keys: joined ? partKeys.concat([joined]) : partKeys, joined: joined,
        parts: partKeys };
    }
    if (keyCache.size < 200000) keyCache.set(folded, result);
    return result;
  }

  function wordKeys(word) {
    return foldedKeys(fold(word));
  }

  function words(text) {
    return text.replace(/['’`]/g, " ").match(WORD) || [];
  }

  /* -- index ----------------------------------------------------------------------------- */

  /* A word in a sequence of keys: « wi-fi » is « wifi » (expressions are matched on these). */
  function sequenceKeys(k) {
    return k.joined ? [k.joined] : k.keys;
  }

  function addField(page, text, weight, once) {
    var counts = new Map();
    var sequence = [];
    words(fold(text)).forEach(function (word) {
      var k = foldedKeys(word);
      k.keys.forEach(function (key) {
        counts.set(key, (counts.get(key) || 0) + 1);
      });
      Array.prototype.push.apply(sequence, sequenceKeys(k));
    });
    /* Expressions of the synonym list (« mot de passe »), as one key each. */
    var phrases = state.synonyms.phrases;
    sequence.forEach(function (key, i) {
      (phrases.get(key) || []).forEach(function (keys) {
        if (sameKeys(sequence, i, keys)) {
          var id = phraseId(keys);
          counts.set(id, (counts.get(id) || 0) + 1);
        }
      });
    });
    if (once && weight > FIELD.lead) {
      words(text).forEach(function (word) {
        if (/[-.]/.test(word)) return;
        wordKeys(word).keys.forEach(function (key) {
          var forms = state.surface.get(key);
          if (!forms) state.surface.set(key, forms = new Map());
          var form = word.toLowerCase();
          forms.set(form, (forms.get(form) || 0) + 1);
        });
      });
    }
    counts.forEach(function (count, key) {
      var value = once ? weight : weight * Math.min(TEXT_CAP, 1 + Math.log(count));
      page.weights.set(key, (page.weights.get(key) || 0) + value);
    });
  }

  function buildIndex(data) {
    state = { pages: [], terms: null, postings: new Map(), surface: new Map(),
      synonyms: null, suggest: !!(data.options && data.options.suggest) };
    state.synonyms = prepareSynonyms((data.config || {}).synonymes || {});
    var byPath = new Map();
    (data.docs || []).forEach(function (doc) {
      var path = String(doc.location).split("#")[0];
      var page = byPath.get(path);
      if (!page) {
        page = { doc: doc, title: plain(doc.title), sections: [], weights: new Map(),
          fiche: doc.fiche || null, lead: plain(doc.text) };
        byPath.set(path, page);
        state.pages.push(page);
        addField(page, page.title, FIELD.title, true);
        addField(page, (doc.tags || []).join(" . "), FIELD.tags, true);
        addField(page, page.lead, FIELD.lead, true);
        return;
      }
      var title = plain(doc.title);
      var text = plain(doc.text);
      if (fold(title) === fold(page.title)) {
        /* The fiche's summary: the first paragraph under its title. */
        var first = /<p>([\s\S]*?)<\/p>/.exec(String(doc.text || ""));
        var summary = first ? plain(first[1]) : text;
        if (!page.lead) page.lead = summary;
        addField(page, summary, FIELD.lead, true);
        var rest = text.indexOf(summary) === 0 ? text.slice(summary.length) : text;
        if (rest.trim()) addField(page, rest, FIELD.text, false);
      } else {
        addField(page, title, FIELD.heading, true);
        addField(page, text, FIELD.text, false);
      }
      page.sections.push({ doc: doc, title: title, text: text });
    });
    state.pages.forEach(function (page, number) {
      page.weights.forEach(function (weight, key) {
        var list = state.postings.get(key);
        if (!list) state.postings.set(key, list = new Map());
        list.set(number, weight);
      });
      page.weights = null;
    });
    state.terms = Array.from(state.postings.keys()).sort();
  }

  /* -- synonyms -------------------------------------------------------------------------- */

  function phraseKeys(text) {
    var keys = [];
    words(String(text)).forEach(function (word) {
      Array.prototype.push.apply(keys, sequenceKeys(wordKeys(word)));
    });
    return keys;
  }

  /* The index key of an expression: never a word (it has a space). */
  function phraseId(keys) {
    return keys.length > 1 ? " " + keys.join(" ") : keys[0];
  }

  function prepareSynonyms(config) {
    var entries = [];
    var byFirst = new Map();
    function entry(text, group) {
      var keys = phraseKeys(text);
      if (!keys.length) return null;
      var item = { keys: keys, id: keys.join(" "), group: group, related: [] };
      entries.push(item);
      var list = byFirst.get(keys[0]);
      if (!list) byFirst.set(keys[0], list = []);
      list.push(item);
      return item;
    }
    var groups = (config.groupes || []).map(function (words) {
      var members = [];
      words.forEach(function (text) {
        var item = entry(text, members);
        if (item) members.push(item);
      });
      return members;
    });
    var related = config.voir_aussi || {};
    var relatedById = new Map();
    Object.keys(related).forEach(function (text) {
      var source = entry(text, null);
      if (!source) return;
      source.related = related[text].map(phraseKeys).filter(function (keys) {
        return keys.length;
      });
      relatedById.set(source.id, (relatedById.get(source.id) || []).concat(source.related));
    });
    var weak = new Set();
    (config.mots_courants || []).forEach(function (text) {
      var keys = phraseKeys(text);
      if (keys.length === 1) weak.add(keys[0]);
    });
    var phrases = new Map();
    function addPhrase(keys) {
      if (keys.length < 2) return;
      var list = phrases.get(keys[0]);
      if (!list) phrases.set(keys[0], list = []);
      if (!list.some(function (k) { return phraseId(k) === phraseId(keys); })) list.push(keys);
    }
    entries.forEach(function (item) {
      addPhrase(item.keys);
      item.related.forEach(addPhrase);
    });
    byFirst.forEach(function (list) {
      list.sort(function (a, b) { return b.keys.length - a.keys.length; });
    });
    return { byFirst: byFirst, groups: groups, phrases: phrases, relatedById: relatedById,
      weak: weak };
  }

  /* -- query ----------------------------------------------------------------------------- */

  function parseQuery(query) {
    var tokens = [];
    words(query).forEach(function (word) {
      var k = wordKeys(word);
      var surface = word.toLowerCase();
      if (k.joined) {
        tokens.push({ surface: surface, key: k.joined, parts: k.parts });
      } else {
        var pieces = surface.split(".");
        k.keys.forEach(function (key, i) {
          tokens.push({ surface: k.keys.length > 1 ? pieces[i] || surface : surface,
            key: key, parts: null });
        });
      }
    });
    return tokens.filter(function (t) { return t.key; });
  }

  /* Does `keys` start at `start` in `list` (keys, or query tokens with a `key`)? */
  function sameKeys(list, start, keys) {
    for (var j = 0; j < keys.length; j++) {
      var item = list[start + j];
      if (item === undefined || (typeof item === "string" ? item : item.key) !== keys[j]) {
        return false;
      }
    }
    return true;
  }

  function makeGroups(tokens) {
    var groups = [];
    var i = 0;
    while (i < tokens.length) {
      var candidates = state.synonyms.byFirst.get(tokens[i].key) || [];
      var matches = candidates.filter(function (e) { return sameKeys(tokens, i, e.keys); });
      var length = matches.length ? matches[0].keys.length : 1;
      matches = matches.filter(function (e) { return e.keys.length === length; });
      var span = tokens.slice(i, i + length);
      var last = i + length === tokens.length;
      var group = { label: span.map(function (t) { return t.surface; }).join(" "), variants: [],
        weak: !matches.length && state.synonyms.weak.has(span[0].key) };
      group.variants.push({ keys: span.map(function (t) { return t.key; }), weight: 1,
        prefix: last ? 2 : 4 });
      var seen = new Set([group.variants[0].keys.join(" ")]);
      var relatedIds = [];
      matches.forEach(function (match) {
        relatedIds.push(match.id);
        (match.group || []).forEach(function (other) {
          relatedIds.push(other.id);
          if (seen.has(other.id)) return;
          seen.add(other.id);
          group.variants.push({ keys: other.keys, weight: SYNONYM, prefix: 5 });
        });
      });
      relatedIds.forEach(function (id) {
        (state.synonyms.relatedById.get(id) || []).forEach(function (keys) {
          if (seen.has(keys.join(" "))) return;
          seen.add(keys.join(" "));
          group.variants.push({ keys: keys, weight: RELATED, prefix: 5 });
        });
      });
      groups.push(group);
      i += length;
    }
    return groups;
  }

  function lowerBound(list, value) {
    var lo = 0;
    var hi = list.length;
    while (lo < hi) {
      var mid = (lo + hi) >>> 1;
      if (list[mid] < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /* Scores by page for one key: exact, or (long enough) as the start of longer words. */
  function keyScores(key, prefix, cache) {
    var id = key + "|" + prefix;
    if (cache.has(id)) return cache.get(id);
    var scores = new Map();
    var matched = new Set();
    var exact = state.postings.get(key);
    if (exact) {
      matched.add(key);
      exact.forEach(function (w, page) { scores.set(page, w); });
    }
    if (key.length >= prefix) {
      /* A known word (or one not being typed) only finds slightly longer words: « fiche »
         finds « fichier », not « Fichothèque »; « franceco » (being typed) finds anything. */
      var longest = exact || prefix > 2 ? key.length + MAX_EXTRA_LETTERS : Infinity;
      var start = lowerBound(state.terms, key);
      for (var i = start, n = 0; i < state.terms.length && n < MAX_PREFIX_TERMS; i++, n++) {
        var term = state.terms[i];
        if (term.lastIndexOf(key, 0) !== 0) break;
        if (term === key || term.length > longest) continue;
        matched.add(term);
        var factor = 0.4 + 0.3 * key.length / term.length;
        state.postings.get(term).forEach(function (w, page) {
          var value = w * factor;
          if (!(scores.get(page) >= value)) scores.set(page, value);
        });
      }
    }
    var result = { scores: scores, matched: matched };
    cache.set(id, result);
    return result;
  }

  /* Scores by page for one variant: every key of an expression must be found (weakest). */
  /* The index keys a variant looks up: one key for an expression of the synonym list. */
  function variantKeys(variant) {
    return variant.keys.length > 1 && state.synonyms.phrases.has(variant.keys[0]) &&
      state.synonyms.phrases.get(variant.keys[0]).some(function (k) {
        return phraseId(k) === phraseId(variant.keys);
      }) ? [phraseId(variant.keys)] : variant.keys;
  }

  function variantScores(variant, cache) {
    var keys = variantKeys(variant);
    var parts = keys.map(function (key, i) {
      var last = i === keys.length - 1 && keys === variant.keys;
      return keyScores(key, last ? variant.prefix : Infinity, cache);
    });
    var scores = new Map();
    parts[0].scores.forEach(function (w, page) {
      var value = w;
      for (var j = 1; j < parts.length && value > 0; j++) {
        value = Math.min(value, parts[j].scores.get(page) || 0);
      }
      if (value > 0) scores.set(page, value * variant.weight);
    });
    return { scores: scores, parts: parts, phrase: keys !== variant.keys };
  }

  function search(query) {
    var tokens = parseQuery(String(query || ""));
    if (!tokens.length) return { items: [] };
    var groups = makeGroups(tokens);
    return respond(query, groups, rank(groups));
  }

  /* Pages by score: `results` ({ page, score, found }) and the index terms that matched. */
  function rank(groups) {
    var cache = new Map();
    var total = state.pages.length;
    var matchedTerms = new Set();
    groups.forEach(function (group) {
      group.scores = new Map();
      group.variants.forEach(function (variant) {
        var result = variantScores(variant, cache);
        if (result.scores.size) {
          result.parts.forEach(function (p) {
            p.matched.forEach(function (t) { matchedTerms.add(t); });
          });
          /* a phrase (« mot de passe ») is found as one key: highlight each of its words */
          if (result.phrase) variant.keys.forEach(function (k) { matchedTerms.add(k); });
        }
        result.scores.forEach(function (w, page) {
          if (!(group.scores.get(page) >= w)) group.scores.set(page, w);
        });
      });
      group.idf = Math.log(1 + total / Math.max(1, group.scores.size));
    });
    var ranked = new Map();
    groups.forEach(function (group) {
      group.scores.forEach(function (w, page) {
        var entry = ranked.get(page);
        if (!entry) ranked.set(page, entry = { page: page, sum: 0, found: [] });
        entry.sum += group.idf * w;
        entry.found.push(group);
      });
    });
    /* Common words (« mettre », « site »…) add to the score but do not decide the order. */
    var strong = groups.filter(function (g) { return !g.weak; });
    var deciding = strong.length ? strong : groups;
    var results = Array.from(ranked.values()).map(function (entry) {
      var page = state.pages[entry.page];
      var coverage = entry.found.length / groups.length;
      var relevance = entry.sum * Math.pow(coverage, COVERAGE_POWER) * (page.fiche ? 1 : OTHER_PAGE);
      var decided = entry.found.filter(function (g) { return deciding.indexOf(g) >= 0; }).length;
      entry.score = decided * TIER + Math.min(relevance, TIER - 1);
      return entry;
    });
    results.sort(function (a, b) { return b.score - a.score || a.page - b.page; });
    return { results: results.slice(0, state.split ? SPLIT_RESULTS : MAX_RESULTS),
      matched: matchedTerms };
  }

  function respond(query, groups, ranked) {
    var items = ranked.results.map(function (entry) {
      return render(state.pages[entry.page], entry, groups, ranked.matched);
    });
    var answer = { items: items };
    if (state.suggest) answer.suggest = suggestion(query);
    return answer;
  }

  /* -- split index (large sites online, see src/fichotheque/web/search_split.py) ---------- */

  function setupSplit(data, manifest) {
    var others = new Set(manifest.autres_pages || []);
    state = { pages: [], terms: [], postings: new Map(), surface: new Map(), synonyms: null,
      suggest: !!(data.options && data.options.suggest), split: manifest,
      base: new URL("../../../search/", self.location.href), loaded: new Map(),
      added: new Set(), covered: new Set() };
    for (var i = 0; i < manifest.pages; i++) {
      state.pages.push({ fiche: !others.has(i), doc: null, title: "", lead: "", sections: [] });
    }
    state.synonyms = prepareSynonyms((data.config || {}).synonymes || {});
  }

  function fetchJson(path) {
    var pending = state.loaded.get(path);
    if (!pending) {
      pending = fetch(new URL(path, state.base).href).then(function (response) {
        if (!response.ok) throw new Error(path + " : " + response.status);
        return response.json();
      });
      state.loaded.set(path, pending);
      pending.catch(function () { state.loaded.delete(path); });
    }
    return pending;
  }

  function fileOf(key) {
    return state.split.mots[key.replace(/^ /, "").slice(0, state.split.prefixe)];
  }

  function setPage(number, row) {
    var page = state.pages[number];
    if (page.doc) return;
    page.doc = { location: row[0], tags: row[2] && row[2].length ? row[2] : undefined };
    page.title = row[1];
    page.fiche = row[3] || null;
    page.lead = row[4];
  }

  function addShard(shard) {
    Object.keys(shard).forEach(function (key) {
      if (!key) return;
      var flat = shard[key];
      var list = new Map();
      for (var i = 0, page = 0; i < flat.length; i += 2) {
        page += flat[i];
        list.set(page, flat[i + 1]);
      }
      state.postings.set(key, list);
    });
    var extra = shard[""] || {};
    (extra.couverts || []).forEach(function (key) { state.covered.add(key); });
    Object.keys(extra.pages || {}).forEach(function (n) { setPage(Number(n), extra.pages[n]); });
  }

  /* The word files of the query, waiting for those already on their way: those of its
     words first (one round trip: they hold the keys of the words' synonyms), then those of
     keys they did not cover (rare). */
  function loadWords(groups) {
    function missing(firstOnly) {
      var files = new Set();
      groups.forEach(function (group) {
        group.variants.forEach(function (variant, v) {
          if (firstOnly && v > 0) return;
          variantKeys(variant).forEach(function (key) {
            var file = fileOf(key);
            if (file && !state.added.has("mots/" + file) && !state.covered.has(key)) {
              files.add("mots/" + file);
            }
          });
        });
      });
      return Array.from(files);
    }
    function load(files) {
      return Promise.all(files.map(function (path) {
        return fetchJson(path).then(function (shard) {
          if (!state.added.has(path)) {
            state.added.add(path);
            addShard(shard);
          }
        });
      }));
    }
    var first = missing(true);
    return load(first).then(function () {
      var rest = missing(false);
      return rest.length ? load(rest).then(function () { return first.concat(rest); }) : first;
    }).then(function (files) {
      if (files.length) state.terms = Array.from(state.postings.keys()).sort();
    });
  }

  /* The page blocks of the results that the word files did not describe. */
  function loadPages(results) {
    var size = state.split.bloc;
    var blocks = new Set(results.filter(function (entry) {
      return !state.pages[entry.page].doc;
    }).map(function (entry) { return Math.floor(entry.page / size); }));
    return Promise.all(Array.from(blocks).map(function (block) {
      return fetchJson("pages/" + block + ".json").then(function (rows) {
        rows.forEach(function (row, i) { setPage(block * size + i, row); });
      });
    }));
  }

  function searchSplit(query) {
    var tokens = parseQuery(String(query || ""));
    if (!tokens.length) return Promise.resolve({ items: [] });
    var groups = makeGroups(tokens);
    return loadWords(groups).then(function () {
      var ranked = rank(groups);
      return loadPages(ranked.results).then(function () {
        return respond(query, groups, ranked);
      });
    });
  }

  /* -- results --------------------------------------------------------------------------- */

  function isMatched(word, matched) {
    return wordKeys(word).keys.some(function (key) { return matched.has(key); });
  }

  function highlight(text, matched) {
    var out = "";
    var last = 0;
    text.replace(/['’`]/g, " ").replace(WORD, function (word, offset) {
      out += escapeHtml(text.slice(last, offset));
      var original = text.slice(offset, offset + word.length);
      out += isMatched(word, matched)
        ? "<mark data-md-highlight>" + escapeHtml(original) + "</mark>"
        : escapeHtml(original);
      last = offset + word.length;
      return word;
    });
    return out + escapeHtml(text.slice(last));
  }

  /* About SNIPPET characters of `text`, around its first highlighted word. */
  function snippet(text, matched) {
    if (text.length <= SNIPPET) return highlight(text, matched);
    var at = 0;
    var re = new RegExp(WORD.source, "gu");
    var spaced = text.replace(/['’`]/g, " ");
    var m;
    while ((m = re.exec(spaced))) {
      if (isMatched(m[0], matched)) { at = m.index; break; }
    }
    var start = Math.max(0, at - 60);
    if (start > 0) start = text.indexOf(" ", start) + 1 || start;
    var end = Math.min(text.length, start + SNIPPET);
    var cut = text.lastIndexOf(" ", end);
    if (end < text.length && cut > start + SNIPPET / 2) end = cut;
    return (start > 0 ? "… " : "") + highlight(text.slice(start, end), matched) +
      (end < text.length ? " …" : "");
  }

  function terms(found, groups) {
    var out = {};
    groups.forEach(function (group) { out[group.label] = found.indexOf(group) >= 0; });
    return out;
  }

  function details(fiche) {
    var parts = [];
    if (fiche.niveau) parts.push("<span>Niveau : " + escapeHtml(String(fiche.niveau)) + "</span>");
    if (fiche.duree) parts.push("<span>Durée : " + escapeHtml(String(fiche.duree)) + "</span>");
    return parts.length ? "<p class=\"recherche-fiche\">" + parts.join(" · ") + "</p>" : "";
  }

  function render(page, entry, groups, matched) {
    var found = terms(entry.found, groups);
    var lead = page.lead || (page.sections[0] ? page.sections[0].text : "");
    var item = {
      location: page.doc.location,
      title: highlight(page.title, matched),
      text: (page.fiche ? details(page.fiche) : "") +
        (lead ? "<p>" + snippet(lead, matched) + "</p>" : ""),
      score: entry.score,
      terms: found
    };
    if (page.doc.tags) item.tags = page.doc.tags.slice();
    var list = [item];
    if (!page.fiche) {
      sectionsFor(page, matched).forEach(function (section, i) {
        list.push({ location: section.doc.location, title: highlight(section.title, matched),
          text: "<p>" + snippet(section.text, matched) + "</p>",
          score: entry.score / (2 + i), terms: found });
      });
    }
    return list;
  }

  function sectionsFor(page, matched) {
    return page.sections.map(function (section) {
      var hits = 0;
      words(section.title + " " + section.text).forEach(function (word) {
        if (isMatched(word, matched)) hits++;
      });
      return { section: section, hits: hits };
    }).filter(function (s) { return s.hits > 0; })
      .sort(function (a, b) { return b.hits - a.hits; })
      .slice(0, MAX_SECTIONS)
      .map(function (s) { return s.section; });
  }

  /* The most common title or tag word that completes the last word being typed. */
  function suggestion(query) {
    var typed = (String(query).match(/[\p{L}\p{N}]+$/u) || [""])[0].toLowerCase();
    if (typed.length < 2) return [];
    var best = "";
    var bestCount = 0;
    var key = fold(typed);
    if (state.postings.has(stem(key))) return [];  /* a whole word already */
    var start = lowerBound(state.terms, key);
    for (var i = start, n = 0; i < state.terms.length && n < MAX_PREFIX_TERMS; i++, n++) {
      var term = state.terms[i];
      if (term.lastIndexOf(key, 0) !== 0) break;
      (state.surface.get(term) || new Map()).forEach(function (count, word) {
        if (word.lastIndexOf(typed, 0) === 0 && word !== typed && count > bestCount) {
          best = word;
          bestCount = count;
        }
      });
    }
    return best ? [best] : [];
  }

  /* -- protocol -------------------------------------------------------------------------- */

  function failed(err) {
    console.warn("Fichothèque : la recherche a échoué", err);
    return { type: RESULT, data: { items: [] } };
  }

  /* The answer to a message (a Promise for queries on a split index). */
  function handle(message) {
    if (!message || typeof message !== "object") return null;
    if (message.type === SETUP) {
      var data = message.data || {};
      var manifest = (data.config || {}).decoupage;
      if (manifest && !(data.docs || []).length) setupSplit(data, manifest);
      else buildIndex(data);
      return { type: READY };
    }
    if (message.type === QUERY) {
      if (!state) return { type: RESULT, data: { items: [] } };
      try {
        if (!state.split) return { type: RESULT, data: search(message.data) };
        return searchSplit(message.data).then(function (result) {
          return { type: RESULT, data: result };
        }, failed);
      } catch (err) {
        return failed(err);
      }
    }
    return null;
  }

  /* Answers go back in the order of the questions, even when one waits for the network. */
  var queue = Promise.resolve();
  self.addEventListener("message", function (event) {
    var reply = handle(event.data);
    if (!reply) return;
    queue = queue.then(function () { return reply; }).then(function (answer) {
      postMessage(answer);
    });
  });

  /* For tests and tools: the same code, without the worker messages. */
  self.fichothequeSearch = {
    handle: handle, stem: stem, fold: fold, stop: Array.from(STOP),
    /* The weights of the index, by key, for one page (comparison with the split index). */
    weights: function (location) {
      var number = state.pages.findIndex(function (p) { return p.doc.location === location; });
      var out = {};
      state.postings.forEach(function (list, key) {
        if (list.has(number)) out[key] = list.get(number);
      });
      return out;
    }
  };
})();
