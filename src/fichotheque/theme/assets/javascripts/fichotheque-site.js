/*
 * Fichothèque: small progressive enhancements; every page works without JavaScript.
 *
 * - A name for Material's search dialog (accessibility).
 * - Copy buttons ("Copier la mention" on fiches): created here, next to the elements marked
 *   `data-fichotheque-copier`; Material's clipboard integration handles the copy.
 * - Home page search form: opens Material's search with the words typed (without
 *   JavaScript the form leads to the catalogue, which lists every fiche).
 * - Catalogue: filters and sorting.
 *
 * The page lists every fiche in plain HTML (it works without JavaScript); the filter form,
 * hidden without JavaScript, is shown from the first paint (class `fichotheque-js` set in
 * <head> by main.html, see fichotheque-site.css) so the list never jumps; this script makes
 * it work: it hides the rows that do not match, reorders them, announces the count in
 * an aria-live region and keeps the filters in the address (?module=securite&niveau=…), so a
 * filtered catalogue can be bookmarked or shared.
 */
(function () {
  "use strict";

  function addCopyButtons() {
    var texts = document.querySelectorAll("[data-fichotheque-copier][id]");
    Array.prototype.forEach.call(texts, function (text) {
      if (text.dataset.ready) return;
      text.dataset.ready = "1";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "md-button fiche-reutiliser__copier";
      button.setAttribute("data-clipboard-target", "#" + text.id);
      button.textContent = text.getAttribute("data-fichotheque-copier");
      text.insertAdjacentElement("afterend", button);
    });
  }

  function setupHomeSearch() {
    var form = document.querySelector("form[data-fichotheque-recherche]");
    var input = document.querySelector("input.md-search__input");
    if (!form || !input || form.dataset.ready) return;
    form.dataset.ready = "1";
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var field = form.elements.q;
      input.value = field ? field.value : "";
      input.focus();
      input.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }));
    });
  }

  /* Material's search dialog has no accessible name (axe: aria-dialog-name). */
  function labelSearchDialog() {
    var dialog = document.querySelector(".md-search[role='dialog']");
    if (dialog && !dialog.hasAttribute("aria-label")) {
      dialog.setAttribute("aria-label", "Recherche dans les fiches");
    }
  }

  function setup() {
    labelSearchDialog();
    addCopyButtons();
    setupHomeSearch();
    setupCatalogue();
  }

  function setupCatalogue() {
    var form = document.getElementById("catalogue-filtres");
    var table = document.getElementById("catalogue-table");
    if (!form || !table || form.dataset.ready) return;
    form.dataset.ready = "1";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var count = document.getElementById("catalogue-compte");
    var empty = document.getElementById("catalogue-vide");
    var total = rows.length;
    var inOrder = true;  // rows in the default order (modules, then fiches), as served
    var names = ["module", "parcours", "niveau", "public", "competence", "motcle", "duree_min", "duree_max", "tri"];

    function value(name) {
      var field = form.elements[name];
      return field ? String(field.value || "").trim() : "";
    }

    function number(name) {
      var v = value(name);
      return v === "" || isNaN(Number(v)) ? null : Number(v);
    }

    function has(list, item) {
      return (" " + list + " ").indexOf(" " + item + " ") >= 0;
    }

    function matches(row, f) {
      var d = row.dataset;
      var duration = Number(d.duree);
      return (!f.module || d.module === f.module) &&
        (!f.parcours || has(d.parcours || "", f.parcours)) &&
        (!f.niveau || d.niveau === f.niveau) &&
        (!f.public || has(d.public, f.public)) &&
        (!f.competence || has(d.competences, f.competence)) &&
        (!f.motcle || ("|" + d.motcles + "|").indexOf("|" + f.motcle + "|") >= 0) &&
        (f.min === null || duration >= f.min) &&
        (f.max === null || duration <= f.max);
    }

    var sorters = {
      "": function (a, b) { return a.dataset.ordre - b.dataset.ordre; },
      titre: function (a, b) {
        return a.dataset.titre.localeCompare(b.dataset.titre, "fr") ||
          a.dataset.ordre - b.dataset.ordre;
      },
      duree: function (a, b) {
        return a.dataset.duree - b.dataset.duree || a.dataset.ordre - b.dataset.ordre;
      },
      maj: function (a, b) {
        return (a.dataset.maj < b.dataset.maj ? 1 : a.dataset.maj > b.dataset.maj ? -1 : 0) ||
          a.dataset.ordre - b.dataset.ordre;
      }
    };

    function plural(n, word) {
      return n + " " + word + (n > 1 ? "s" : "");
    }

    function updateAddress() {
      if (!window.history || !history.replaceState) return;
      var params = new URLSearchParams();
      names.forEach(function (name) {
        if (value(name)) params.set(name, value(name));
      });
      var query = params.toString();
      try {
        history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
      } catch (err) { /* file:// may refuse; filtering still works */ }
    }

    function apply() {
      var f = {
        module: value("module"), parcours: value("parcours"), niveau: value("niveau"), public: value("public"),
        competence: value("competence"), motcle: value("motcle"),
        min: number("duree_min"), max: number("duree_max")
      };
      // Only what changes is touched: with a thousand rows, every change of the table costs a
      // layout of the whole table (on a phone, most of the page's loading time).
      var shown = 0;
      rows.forEach(function (row) {
        var ok = matches(row, f);
        if (row.hidden === ok) row.hidden = !ok;
        if (ok) shown++;
      });
      var sort = sorters[value("tri")] ? value("tri") : "";
      if (sort || !inOrder) {  // the page comes in the default order
        var sorted = rows.slice().sort(sorters[sort]);
        var current = body.rows;
        var moved = sorted.some(function (row, i) { return current[i] !== row; });
        if (moved) sorted.forEach(function (row) { body.appendChild(row); });
        inOrder = !sort;
      }
      var text = shown === total
        ? "Toutes les fiches sont affichées (" + total + ")."
        : plural(shown, "fiche") + (shown > 1 ? " correspondent" : " correspond") +
          " aux filtres, sur " + total + ".";
      if (count.textContent !== text) count.textContent = text;
      if (empty.hidden !== (shown !== 0)) empty.hidden = shown !== 0;
      updateAddress();
    }

    var params = new URLSearchParams(location.search);
    names.forEach(function (name) {
      var field = form.elements[name];
      if (field && params.has(name)) field.value = params.get(name);
    });
    form.hidden = false;
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
    form.addEventListener("reset", function () { setTimeout(apply, 0); });
    apply();
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setup);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
