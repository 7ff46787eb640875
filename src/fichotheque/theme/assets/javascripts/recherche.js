/*
 * Fichothèque search results: how to move through them, and help when nothing is found.
 *
 * The ranking, the level and duration of each fiche and the highlighted words come from
 * the search worker (assets/javascripts/workers/fichotheque-search.js). Here, in the page:
 * when a query finds nothing, a short help appears under « Aucun document trouvé », with
 * links to the catalogue (every fiche, with filters) and to « Où en suis-je ? » (the
 * positioning quizzes). It sits inside Material's result area, so the arrow keys reach it.
 *
 * On large sites the index is split by the first three letters of each word
 * (src/fichotheque/web/search_split.py, flagged by the feature SPLIT_FEATURE in Material's
 * configuration). As soon as a word has three letters, this script asks for its file: on a
 * slow phone connection it travels while the search worker is still starting, and the
 * worker then finds it in the browser's cache instead of waiting a second round trip.
 */
(function () {
  "use strict";

  var HELP_CLASS = "recherche-aide";
  var SPLIT_FEATURE = "fichotheque.recherche.decoupee";
  var PREFIX = 3;
  var MAX_PREFETCH = 12;
  /* The worker's STOP list (workers/fichotheque-search.js): these words are never looked up. */
  var STOP = new Set((
    "a ai as au aux avec avoir besoin c ca car ce cela ces cet cette comme comment d dans de des " +
    "dois doit donc du elle elles en est et etre faire fait il ils j je l la le les leur leurs " +
    "lui m ma mais me mes moi mon n ne nos notre nous on ou par pas peux pour puis qu quand que " +
    "quel quelle quelles quels qui quoi s sa se ses si son sont sur suis t ta te tes toi ton tres " +
    "trop tu un une veux voudrais vos votre vous y"
  ).split(" "));
  var WORD = /[\p{L}\p{N}]+(?:[-.][\p{L}\p{N}]+)*/gu;

  function pageConfig() {
    var element = document.getElementById("__config");
    try {
      return element ? JSON.parse(element.textContent) : {};
    } catch (err) {
      return {};
    }
  }

  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/œ/g, "oe").replace(/æ/g, "ae");
  }

  /* The word files of a query: `imp.json` for « impôts » (search_split.shard_name). */
  function wordFiles(query) {
    var files = [];
    (query.replace(/['’`]/g, " ").match(WORD) || []).forEach(function (word) {
      var folded = fold(word);
      var parts = folded.split(/[-.]/).filter(function (p) { return p && !STOP.has(p); });
      if (folded.indexOf("-") >= 0) parts.push(folded.replace(/[-.]/g, ""));
      parts.forEach(function (part) {
        var letters = Array.from(part);
        if (letters.length < PREFIX) return;
        files.push(letters.slice(0, PREFIX).map(function (c) {
          return /[a-z0-9]/.test(c) ? c : "_" + c.codePointAt(0).toString(16) + "_";
        }).join("") + ".json");
      });
    });
    return files;
  }

  /* Ask for the word files of what is typed, once each (split index only). */
  function prefetchWords(input) {
    var config = pageConfig();
    if ((config.features || []).indexOf(SPLIT_FEATURE) < 0 || location.protocol === "file:") {
      return;
    }
    var base = new URL(String(config.base || ".").replace(/\/?$/, "/") + "search/mots/",
      location.href);
    var asked = new Set();
    input.addEventListener("input", function () {
      wordFiles(input.value).forEach(function (file) {
        if (asked.has(file) || asked.size >= MAX_PREFETCH) return;
        asked.add(file);
        fetch(new URL(file, base).href).then(function (response) {
          return response.ok ? response.arrayBuffer() : null;
        }).catch(function () { /* the worker will ask again */ });
      });
    });
  }

  /* A link of the page's navigation to `folder` (works with and without directory URLs). */
  function navLink(folder) {
    var pattern = new RegExp("/" + folder + "/(index\\.html)?$");
    var links = document.querySelectorAll("a[href]");
    for (var i = 0; i < links.length; i++) {
      var url = links[i].href.split(/[?#]/)[0];
      if (pattern.test(url)) return url;
    }
    var base = pageConfig().base || ".";
    var page = location.protocol === "file:" ? "index.html" : "";
    return new URL(base.replace(/\/?$/, "/") + folder + "/" + page, location.href).href;
  }

  function link(href, text) {
    var a = document.createElement("a");
    a.href = href;
    var span = document.createElement("span");
    span.textContent = text;
    a.appendChild(span);
    return a;
  }

  function helpBlock(query) {
    var block = document.createElement("div");
    block.className = HELP_CLASS;
    var intro = document.createElement("p");
    intro.textContent = ("Aucune fiche ne contient « " + query + " ». Essayez un mot plus " +
      "court ou plus courant (par exemple « mail », « arnaque », « impôts »), ou :")
      .replace(/« /g, "«\u00a0").replace(/ »/g, "\u00a0»");
    var list = document.createElement("ul");
    [
      [navLink("catalogue"), "Parcourir toutes les fiches dans le catalogue"],
      [navLink("positionnement"), "Trouver par où commencer\u00a0: «\u00a0Où en suis-je\u00a0?\u00a0»"]
    ].forEach(function (item) {
      var li = document.createElement("li");
      li.appendChild(link(item[0], item[1]));
      list.appendChild(li);
    });
    block.appendChild(intro);
    block.appendChild(list);
    return block;
  }

  function setup() {
    var result = document.querySelector("[data-md-component='search-result']");
    var input = document.querySelector("input.md-search__input");
    if (!result || !input || result.dataset.rechercheAide) return;
    result.dataset.rechercheAide = "1";
    prefetchWords(input);
    var meta = result.querySelector(".md-search-result__meta");
    var list = result.querySelector(".md-search-result__list");
    if (!meta || !list) return;
    var shownFor = null;

    /* How to reach the results from the field (Material moves through them with the arrow
       keys; Tab leaves the search): said on screen and to screen readers, and the number of
       results is announced as it changes. */
    var guide = document.createElement("p");
    guide.id = "recherche-consigne";
    guide.className = "recherche-consigne";
    guide.textContent = "Flèches haut et bas : parcourir les résultats. Entrée : " +
      "ouvrir la fiche. Échap : fermer la recherche.";
    meta.insertAdjacentElement("beforebegin", guide);
    var described = (input.getAttribute("aria-describedby") || "").split(/\s+/)
      .filter(Boolean);
    if (described.indexOf(guide.id) < 0) described.push(guide.id);
    input.setAttribute("aria-describedby", described.join(" "));
    meta.setAttribute("role", "status");
    meta.setAttribute("aria-live", "polite");

    function update() {
      var query = input.value.trim();
      var empty = !list.children.length && query && /\S/.test(meta.textContent) &&
        !/\d/.test(meta.textContent);
      var current = result.querySelector("." + HELP_CLASS);
      if (!empty) {
        if (current) current.remove();
        shownFor = null;
        return;
      }
      if (current && shownFor === query) return;
      if (current) current.remove();
      meta.insertAdjacentElement("afterend", helpBlock(query));
      shownFor = query;
    }

    new MutationObserver(update).observe(meta, { childList: true, characterData: true,
      subtree: true });
    new MutationObserver(update).observe(list, { childList: true });
    input.addEventListener("input", function () { setTimeout(update, 0); });
  }

  /* For tests: the word files asked for a query. */
  window.fichothequeRecherche = { wordFiles: wordFiles };

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setup);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
