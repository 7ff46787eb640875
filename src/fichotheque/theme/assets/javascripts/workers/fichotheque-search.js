/*
 * Fichothèque: French search on top of Material for MkDocs' search worker.
 *
 * Material's worker stems the index (lunr.fr) but never the query: it appends a
 * trailing wildcard to every term, and Lunr skips the pipeline for wildcard terms.
 * So "arnaques" or even "arnaque" found nothing (the index holds the stem "arnaqu"),
 * and "impots" never matched "impôts". This wrapper loads Material's worker unchanged
 * and adjusts the two messages it receives:
 *
 * - SETUP: every document gets accent-folded copies of the words of its title, text and
 *   tags that carry accents ("impôts" -> "impots"), in extra fields with the same boosts;
 * - QUERY: each plain word becomes its French stem, plus the stem of its folded form
 *   ("Impôts" -> "impôt impot"); French stop words are dropped ("mot de passe" -> "mot pass").
 *
 * - RESULT (sent back): pages whose title contains the query as typed (accents aside) come
 *   first, then pages whose title contains its stems in order, then the others, each tier
 *   in Material's order: "mot de passe" puts "Créer un mot de passe…" first.
 *
 * Queries using Lunr syntax (+, -, ~, ^, *, :, quotes) are passed through untouched.
 * Material's worker URL comes in the `material` query parameter (see theme/main.html).
 * Works as a real worker and inside the iframe-worker shim (offline mirror, file://).
 */
(function () {
  "use strict";

  var SETUP = 0;
  var QUERY = 2;
  var PREFIX = "folded_";
  var SEPARATOR = /[\s\-'\u2019]+/;
  var SYNTAX = /[+\-~^*:"]/;

  var RESULT = 3;

  var state = { lang: null, pipeline: [], query: "" };

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/œ/g, "oe").replace(/Œ/g, "OE").replace(/æ/g, "ae").replace(/Æ/g, "AE");
  }

  function words(text) {
    return text.replace(/<[^>]*>/g, " ").match(/[\p{L}\p{N}]+/gu) || [];
  }

  /* Accent-folded copy of the accented words of a field value (a string or a list). */
  function foldedCopy(value) {
    var text = Array.isArray(value) ? value.join(" ") : String(value);
    var seen = Object.create(null);
    var out = [];
    words(text).forEach(function (word) {
      var folded = fold(word);
      if (folded !== word && !seen[folded]) {
        seen[folded] = true;
        out.push(folded);
      }
    });
    return out.join(" ");
  }

  function prepareIndex(data) {
    var config = data.config;
    state.lang = (config.lang || [])[0] || "en";
    state.pipeline = config.pipeline || [];
    var names = Object.keys(config.fields);
    names.forEach(function (name) {
      config.fields[PREFIX + name] = config.fields[name];
    });
    data.docs.forEach(function (doc) {
      names.forEach(function (name) {
        if (doc[name] === undefined) return;
        var copy = foldedCopy(doc[name]);
        if (copy) doc[PREFIX + name] = copy;
      });
    });
  }

  function language() {
    var lunr = self.lunr;
    if (!lunr) return null;
    return state.lang === "en" ? lunr : lunr[state.lang] || null;
  }

  function runStep(name, word) {
    var lang = language();
    if (!lang || !lang[name] || state.pipeline.indexOf(name) < 0) return word;
    var token = lang[name](new self.lunr.Token(word, {}));
    return token ? token.toString() : "";
  }

  function normalizeTerm(word) {
    var trimmed = runStep("trimmer", word);
    if (!trimmed || !runStep("stopWordFilter", trimmed)) return "";
    return runStep("stemmer", trimmed);
  }

  /* "Impôts déclaration" -> "impôt impot déclar declar" */
  function expandQuery(query) {
    if (typeof query !== "string" || SYNTAX.test(query)) return query;
    var terms = [];
    query.toLowerCase().split(SEPARATOR).forEach(function (word) {
      if (!word) return;
      [word, fold(word)].forEach(function (variant) {
        var term = normalizeTerm(variant);
        if (term && terms.indexOf(term) < 0) terms.push(term);
      });
    });
    return terms.length ? terms.join(" ") : query;
  }

  function plainWords(text) {
    return words(fold(String(text)).toLowerCase());
  }

  /* Does `list` contain `seq` contiguously? The last item of `seq` may be a prefix (typing). */
  function containsSequence(list, seq) {
    for (var i = 0; i + seq.length <= list.length; i++) {
      var ok = true;
      for (var j = 0; j < seq.length && ok; j++) {
        var last = j === seq.length - 1;
        ok = last ? list[i + j].indexOf(seq[j]) === 0 : list[i + j] === seq[j];
      }
      if (ok) return true;
    }
    return false;
  }

  function stems(list) {
    return list.map(normalizeTerm).filter(Boolean);
  }

  function titleTier(title, query) {
    var q = plainWords(query);
    if (!q.length || typeof title !== "string") return 0;
    var t = plainWords(title);
    if (containsSequence(t, q)) return 2;
    var qs = stems(q);
    return qs.length && containsSequence(stems(t), qs) ? 1 : 0;
  }

  function groupTier(group, query) {
    var best = 0;
    group.forEach(function (item) {
      best = Math.max(best, titleTier(item.title, query));
    });
    return best;
  }

  function rerank(data) {
    if (!data || !Array.isArray(data.items) || !state.query) return data;
    var ranked = data.items.map(function (group, index) {
      return { group: group, index: index, tier: groupTier(group, state.query) };
    });
    ranked.sort(function (a, b) { return b.tier - a.tier || a.index - b.index; });
    data.items = ranked.map(function (r) { return r.group; });
    return data;
  }

  function transform(message) {
    if (!message || typeof message !== "object") return message;
    try {
      if (message.type === SETUP && message.data && message.data.config) {
        prepareIndex(message.data);
      } else if (message.type === QUERY) {
        state.query = SYNTAX.test(String(message.data)) ? "" : String(message.data);
        return { type: message.type, data: expandQuery(message.data) };
      }
    } catch (err) {
      console.warn("Fichothèque : recherche non adaptée au français", err);
    }
    return message;
  }

  /* Material registers its handler with addEventListener("message", …): wrap it. */
  var add = self.addEventListener.bind(self);
  self.addEventListener = function (type, listener, options) {
    if (type !== "message" || typeof listener !== "function") {
      return add(type, listener, options);
    }
    return add(type, function (event) {
      listener.call(this, { data: transform(event.data), origin: event.origin });
    }, options);
  };

  /* Results go back through postMessage (a global call in Material's worker): wrap it. */
  var post = self.postMessage;
  self.postMessage = function (message) {
    if (message && message.type === RESULT) {
      try {
        message = { type: RESULT, data: rerank(message.data) };
      } catch (err) {
        console.warn("Fichothèque : classement des résultats inchangé", err);
      }
    }
    var args = Array.prototype.slice.call(arguments);
    args[0] = message;
    return post.apply(self, args);
  };

  /* Where Material's worker is: `?material=<file>` next to this script. */
  var here = typeof document !== "undefined" && document.currentScript
    ? document.currentScript.src
    : self.location.href;
  var match = /[?&]material=([^&?#]+)/.exec(here);
  var material = match ? decodeURIComponent(match[1]) : "";
  if (!/^search\.[\w.-]+\.js$/.test(material)) {
    throw new Error("Fichothèque : worker de recherche de Material introuvable");
  }
  importScripts(new URL(material, here.split("?")[0]).href);
})();
