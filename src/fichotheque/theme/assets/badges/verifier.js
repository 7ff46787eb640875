/* Fichothèque — the verify page: drop or choose a badge PNG, or open it with ?id=<uuid>. */
(function () {
  "use strict";
  var FB = window.Fichobadges;
  var drop = document.getElementById("fb-drop");
  var input = document.getElementById("fb-file");
  var emailInput = document.getElementById("fb-verify-email");
  var out = document.getElementById("fb-verdict");
  if (!FB || !input || !out) { return; }

  var TITLES = {
    "valide": "Badge valide",
    "révoqué": "Badge révoqué",
    "expiré": "Badge expiré",
    "modifié": "Badge modifié",
    "inconnu": "Badge inconnu de ce site",
    "pas un badge": "Ce n'est pas un badge",
    "autre titulaire": "Badge délivré à une autre personne",
    "erreur": "Vérification impossible"
  };
  var CLASSES = { "valide": "ok", "révoqué": "bad", "modifié": "bad", "expiré": "warn",
    "autre titulaire": "warn", "inconnu": "bad", "pas un badge": "bad", "erreur": "warn" };

  var last = null; // { kind: "file", buffer, name } or { kind: "id", id }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function show(v, source) {
    out.textContent = "";
    var box = el("section", { "class": "fb-verdict__box fb-verdict--" + (CLASSES[v.status] || "warn"),
      "data-status": v.status, "aria-labelledby": "fb-verdict-title" });
    box.appendChild(el("h2", { id: "fb-verdict-title" }, TITLES[v.status] || v.status));
    box.appendChild(el("p", { "class": "fb-verdict__message" }, v.message));
    if (source) { box.appendChild(el("p", { "class": "fb-verdict__source" }, source)); }
    var badge = v.badge || {};
    if (v.details && v.details.length) {
      var wrap = el("div", { "class": "fb-verdict__details" });
      if (badge.image && FB.badgesBase) {
        var rel = String(badge.id || "").split("/").pop().replace(/\.json$/, ".png");
        if (rel) {
          wrap.appendChild(el("img", { src: new URL(rel, FB.badgesBase).href, alt: "",
            width: "96", height: "96" }));
        }
      }
      var dl = el("dl");
      v.details.forEach(function (pair) {
        dl.appendChild(el("dt", {}, pair[0]));
        var dd = el("dd");
        if (/^https?:\/\//.test(pair[1])) {
          dd.appendChild(el("a", { href: pair[1] }, pair[1]));
        } else {
          dd.textContent = pair[1];
        }
        dl.appendChild(dd);
      });
      if (v.signature) {
        dl.appendChild(el("dt", {}, "Authenticité"));
        dl.appendChild(el("dd", {}, v.signature));
      }
      wrap.appendChild(dl);
      box.appendChild(wrap);
      if (v.competences && v.competences.length) {
        box.appendChild(el("h3", {}, "Compétences visées"));
        var ul = el("ul", { "class": "fb-verdict__competences" });
        v.competences.forEach(function (c) {
          var li = el("li");
          li.appendChild(el("strong", {}, c.framework + (c.code ? " " + c.code : "")));
          li.appendChild(document.createTextNode(" — " + c.name));
          ul.appendChild(li);
        });
        box.appendChild(ul);
      }
      if (v.status === "valide" || v.status === "expiré" || v.status === "autre titulaire") {
        var note = el("div", { "class": "fb-verdict__holder" });
        note.appendChild(el("h3", {}, "À qui appartient ce badge ?"));
        note.appendChild(el("p", {}, "Le badge est lié à une adresse e-mail, pas à un nom. " +
          "Pour savoir s'il appartient bien à la personne qui le présente, saisissez son " +
          "adresse e-mail dans le champ ci-dessus : la page la compare à celle du badge, sans " +
          "l'envoyer nulle part."));
        note.appendChild(el("p", {}, "Le nom imprimé sur une attestation a été saisi par la " +
          "personne elle-même : il n'est pas vérifié par la structure qui a délivré le badge."));
        box.appendChild(note);
      }
      var criteria = badge.criteria && badge.criteria.narrative;
      if (criteria) {
        var det = el("details");
        det.appendChild(el("summary", {}, "Critères du badge"));
        criteria.split("\n").forEach(function (line) {
          if (line.trim()) {
            det.appendChild(el("p", {}, line.replace(/\[([^\]]+)\]\([^)]+\)/g, "$1")));
          }
        });
        box.appendChild(det);
      }
    }
    out.appendChild(box);
  }

  function run() {
    if (!last) { return; }
    out.textContent = "";
    out.appendChild(el("p", { "class": "fb-status" }, "Vérification en cours…"));
    var email = emailInput ? emailInput.value : "";
    var job = last.kind === "file" ? FB.verifyPng(last.buffer, email) : FB.verifyId(last.id, email);
    job.then(function (v) {
      show(v, last.kind === "file" ? "Image vérifiée : " + last.name
        : "Badge vérifié à partir de son identifiant : " + last.id);
    }, function () {
      show({ status: "erreur", message: "La vérification n'a pas pu aller au bout : " +
        "vérifiez la connexion puis réessayez. Si le problème continue, écrivez à la structure " +
        "qui a délivré le badge." });
    });
  }

  function readFile(file) {
    if (!file) { return; }
    file.arrayBuffer().then(function (buffer) {
      last = { kind: "file", buffer: buffer, name: file.name };
      run();
    });
  }

  input.addEventListener("change", function () { readFile(input.files && input.files[0]); });
  if (emailInput) { emailInput.addEventListener("change", run); }
  if (drop) {
    ["dragenter", "dragover"].forEach(function (type) {
      drop.addEventListener(type, function (e) { e.preventDefault(); drop.classList.add("is-over"); });
    });
    ["dragleave", "drop"].forEach(function (type) {
      drop.addEventListener(type, function (e) { e.preventDefault(); drop.classList.remove("is-over"); });
    });
    drop.addEventListener("drop", function (e) {
      readFile(e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0]);
    });
  }

  var id = new URLSearchParams(window.location.search).get("id");
  if (id) {
    last = { kind: "id", id: id };
    run();
  }
})();
