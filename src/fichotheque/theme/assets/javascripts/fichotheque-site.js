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
 *
 * A long catalogue (more fiches than `data-premieres` on its section) comes with its first rows
 * in the table and the others in a <noscript> table (what a browser without JavaScript shows):
 * a phone does not lay out a thousand rows to show ten. The other rows are read from it when
 * they are needed (a filter, a sort, « Afficher les … autres fiches », printing); matching rows
 * after the first ones carry `data-au-dela`, hidden by the stylesheet (not on paper).
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
      /* Opened here, as Material opens it (its toggle, then « change »): Material opens it
         when the field gets the focus, but on a busy phone that can be missed, and the
         results then stay hidden behind a closed dialog. */
      var toggle = document.getElementById("__search");
      if (toggle && !toggle.checked) {
        toggle.checked = true;
        toggle.dispatchEvent(new Event("change"));
      }
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
    var inOrder = true;  // rows in the default order (modules, then fiches), as served
    var section = form.closest(".catalogue");
    var first = section ? Number(section.getAttribute("data-premieres")) || 0 : 0;
    var total = section ? Number(section.getAttribute("data-total")) || rows.length : rows.length;
    var expanded = !first;  // no limit, or the person asked to see every row
    var more = document.getElementById("catalogue-suite");
    var moreButton = document.getElementById("catalogue-tout");
    var rest = section ? section.querySelector("noscript") : null;

    function readRest() {  // the rows after the first ones, from the <noscript> table, once
      if (!rest) return;
      var holder = document.createElement("template");
      holder.innerHTML = rest.textContent;
      rest.parentNode.removeChild(rest);
      rest = null;
      var extra = Array.prototype.slice.call(holder.content.querySelectorAll("tbody tr"));
      extra.forEach(function (row) {
        row.setAttribute("data-au-dela", "");
        body.appendChild(row);
      });
      rows = rows.concat(extra);
      total = rows.length;
    }
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
      var sort = sorters[value("tri")] ? value("tri") : "";
      var filtered = f.module || f.parcours || f.niveau || f.public || f.competence || f.motcle ||
        f.min !== null || f.max !== null;
      if (filtered || sort || expanded) readRest();
      var ordered = rows;
      if (sort || !inOrder) {  // the page comes in the default order
        ordered = rows.slice().sort(sorters[sort]);
        var current = body.rows;
        var moved = ordered.some(function (row, i) { return current[i] !== row; });
        if (moved) ordered.forEach(function (row) { body.appendChild(row); });
        inOrder = !sort;
      }
      // In the order shown: a row is hidden if it does not match, or set aside (data-au-dela)
      // after the first `first` matching rows until the person asks for all of them.
      var shown = 0;
      var cap = expanded ? Infinity : first;
      ordered.forEach(function (row) {
        var ok = matches(row, f);
        if (row.hidden === ok) row.hidden = !ok;
        var beyond = ok && shown >= cap;
        if (row.hasAttribute("data-au-dela") !== beyond) row.toggleAttribute("data-au-dela", beyond);
        if (ok) shown++;
      });
      if (rest) shown = total;  // unfiltered: the rows not read yet match too
      var hiddenRows = Math.max(0, shown - cap);
      var text = shown === total
        ? "Toutes les fiches sont affichées (" + total + ")."
        : plural(shown, "fiche") + (shown > 1 ? " correspondent" : " correspond") +
          " aux filtres, sur " + total + ".";
      if (hiddenRows) {
        text = (shown === total ? total + " fiches." : text) + " Les " + first +
          " premières sont affichées ; le bouton sous la liste montre les " + hiddenRows + " autres.";
      }
      if (count.textContent !== text) count.textContent = text;
      if (empty.hidden !== (shown !== 0)) empty.hidden = shown !== 0;
      if (more) {
        more.removeAttribute("data-premier-rendu");
        if (more.hidden !== !hiddenRows) more.hidden = !hiddenRows;
        var label = hiddenRows === 1 ? "Afficher l'autre fiche"
          : "Afficher les " + hiddenRows + " autres fiches";
        if (hiddenRows && moreButton.textContent !== label) moreButton.textContent = label;
      }
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
    if (moreButton) {
      moreButton.addEventListener("click", function () {
        // the first row set aside gets the focus: the button disappears under it (rows just
        // read are all set aside; otherwise the last `apply` marked them)
        readRest();
        var next = body.querySelector("tr[data-au-dela]:not([hidden]) a");
        expanded = true;
        apply();
        if (next) next.focus();
      });
    }
    // on paper, every matching row (the stylesheet shows the rows set aside when printing)
    window.addEventListener("beforeprint", function () {
      if (rest) { readRest(); apply(); }
    });
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
