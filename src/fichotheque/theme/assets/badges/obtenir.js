/* Fichothèque — the claim page: find one's badges from an e-mail (hashed in the browser),
   download the baked PNG, print an A4 certificate with a typed name (kept in the browser). */
(function () {
  "use strict";
  var FB = window.Fichobadges;
  var form = document.getElementById("fb-claim");
  var emailInput = document.getElementById("fb-claim-email");
  var status = document.getElementById("fb-claim-status");
  var results = document.getElementById("fb-claim-results");
  var verifyLink = document.getElementById("fb-verify-link");
  if (!FB || !form || !results) { return; }
  var verifyPage = verifyLink ? verifyLink.getAttribute("href") : "../verifier/";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function say(text) { status.textContent = text; }

  function certificate(entry, badge, index, issuerName) {
    var cert = el("article", { "class": "fb-certificate", id: "fb-cert-" + entry.id,
      "aria-label": "Aperçu de l'attestation" });
    cert.appendChild(el("p", { "class": "fb-certificate__kicker" }, "Attestation Open Badge"));
    cert.appendChild(el("img", { "class": "fb-certificate__badge", alt: "",
      src: new URL(entry.badge + ".png", FB.badgesBase).href, width: "180", height: "180" }));
    cert.appendChild(el("h2", { "class": "fb-certificate__title" }, badge.name || entry.badge));
    var who = el("p", { "class": "fb-certificate__who" });
    who.appendChild(document.createTextNode("délivré à "));
    who.appendChild(el("strong", { "class": "fb-certificate__name" }, "…"));
    cert.appendChild(who);
    cert.appendChild(el("p", { "class": "fb-certificate__by" }, "par " + issuerName + ", le " +
      FB.frenchDate(entry.issuedOn)));
    if (badge.description) { cert.appendChild(el("p", {}, badge.description)); }
    var crit = el("div", { "class": "fb-certificate__criteria" });
    crit.appendChild(el("h3", {}, "Critères : les ateliers du module « " + (badge.module || "") +
      " »"));
    var ul = el("ul");
    (badge.criteria || []).forEach(function (f) { ul.appendChild(el("li", {}, f.title)); });
    crit.appendChild(ul);
    if (badge.narrative) {
      badge.narrative.split("\n").forEach(function (line) {
        line = line.trim();
        if (!line) { return; }
        if (/^- /.test(line)) {
          var last = crit.lastElementChild;
          if (!last || last.tagName !== "UL" || last === ul) { last = el("ul"); crit.appendChild(last); }
          last.appendChild(el("li", {}, line.slice(2)));
        } else {
          crit.appendChild(el("p", {}, line));
        }
      });
    }
    cert.appendChild(crit);
    var verify = el("div", { "class": "fb-certificate__verify" });
    verify.appendChild(el("img", { src: new URL("assertions/" + entry.id + ".qr.svg",
      FB.badgesBase).href, alt: "Code QR vers la vérification du badge", width: "120",
      height: "120" }));
    var url = index.base + "verifier/?id=" + entry.id;
    var p = el("p", {}, "Vérifier ce badge : ");
    p.appendChild(el("span", { "class": "fb-certificate__url" }, url));
    verify.appendChild(p);
    cert.appendChild(verify);
    return cert;
  }

  function card(entry, index) {
    var badge = index.badges[entry.badge] || {};
    var issuerName = index.issuer && index.issuer.name ? index.issuer.name : "";
    var section = el("section", { "class": "fb-claim-card", "data-id": entry.id,
      "aria-labelledby": "fb-title-" + entry.id });
    var img = el("img", { src: new URL("assertions/" + entry.id + ".png", FB.badgesBase).href,
      alt: "Image du badge « " + (badge.name || entry.badge) + " »", width: "160", height: "160" });
    section.appendChild(img);
    var body = el("div", { "class": "fb-claim-card__body" });
    body.appendChild(el("h2", { id: "fb-title-" + entry.id }, badge.name || entry.badge));
    body.appendChild(el("p", {}, "Délivré par " + issuerName + " le " +
      FB.frenchDate(entry.issuedOn) + "."));
    if (badge.description) { body.appendChild(el("p", {}, badge.description)); }
    var expired = entry.expires && new Date(entry.expires) < new Date();
    if (entry.revoked) {
      body.appendChild(el("p", { "class": "fb-claim-card__warning" }, "Ce badge a été révoqué" +
        (entry.revocationReason ? " : " + entry.revocationReason : "") + ". Il n'est plus valide."));
      section.appendChild(body);
      return section;
    }
    if (expired) {
      body.appendChild(el("p", { "class": "fb-claim-card__warning" },
        "Ce badge a expiré le " + FB.frenchDate(entry.expires) + "."));
    } else if (entry.expires) {
      body.appendChild(el("p", {}, "Valable jusqu'au " + FB.frenchDate(entry.expires) + "."));
    }
    var actions = el("p", { "class": "fb-claim-card__actions" });
    var slug = (badge.name || entry.badge).toLowerCase().normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "").replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
    var download = el("a", { "class": "md-button md-button--primary",
      href: new URL("assertions/" + entry.id + ".png", FB.badgesBase).href,
      download: "badge-" + slug + ".png" }, "Télécharger mon badge (PNG)");
    actions.appendChild(download);
    if (entry.signed) {
      actions.appendChild(document.createTextNode(" "));
      actions.appendChild(el("a", { "class": "md-button",
        href: new URL("assertions/" + entry.id + ".signed.png", FB.badgesBase).href,
        download: "badge-" + slug + "-signe.png" }, "Version signée (PNG)"));
    }
    actions.appendChild(document.createTextNode(" "));
    actions.appendChild(el("a", { "class": "md-button", href: verifyPage + "?id=" + entry.id },
      "Vérifier ce badge"));
    body.appendChild(actions);

    var print = el("div", { "class": "fb-claim-card__print" });
    print.appendChild(el("h3", {}, "Imprimer une attestation"));
    var label = el("label", { "for": "fb-name-" + entry.id },
      "Votre nom, tel qu'il apparaîtra sur l'attestation (il reste dans votre navigateur)");
    var name = el("input", { type: "text", id: "fb-name-" + entry.id, autocomplete: "name" });
    var button = el("button", { type: "button", "class": "md-button" }, "Imprimer l'attestation");
    print.appendChild(label);
    print.appendChild(name);
    print.appendChild(button);
    body.appendChild(print);
    section.appendChild(body);
    var cert = certificate(entry, badge, index, issuerName);
    section.appendChild(cert);
    function syncName() {
      cert.querySelector(".fb-certificate__name").textContent = name.value.trim() || "…";
    }
    name.addEventListener("input", syncName);
    button.addEventListener("click", function () {
      syncName();
      if (!name.value.trim()) { name.focus(); say("Saisissez votre nom avant d'imprimer."); return; }
      // Print a copy placed directly in <body>: nothing of the page layout around it.
      var holder = document.getElementById("fb-print-root");
      if (!holder) {
        holder = el("div", { id: "fb-print-root" });
        document.body.appendChild(holder);
      }
      holder.textContent = "";
      var copy = cert.cloneNode(true);
      copy.removeAttribute("id");
      copy.classList.add("is-printing");
      holder.appendChild(copy);
      document.body.classList.add("fb-printing");
      window.print();
    });
    return section;
  }

  window.addEventListener("afterprint", function () { document.body.classList.remove("fb-printing"); });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var email = FB.normaliseEmail(emailInput.value);
    results.textContent = "";
    if (!/^[^@\s]+@[^@\s]+\.[^@\s.]+$/.test(email)) {
      say("Cette adresse e-mail semble incomplète : vérifiez-la (exemple : prenom.nom@exemple.fr).");
      emailInput.focus();
      return;
    }
    say("Recherche en cours…");
    FB.getJSON("assertions/index.json").then(function (index) {
      if (!index) {
        say("Impossible de lire la liste des badges de ce site : vérifiez la connexion puis réessayez.");
        return null;
      }
      return Promise.all(index.assertions.map(function (entry) {
        return FB.hashEmail(email, entry.salt).then(function (h) {
          return h === entry.identity ? entry : null;
        });
      })).then(function (found) {
        found = found.filter(Boolean);
        if (!found.length) {
          say("Aucun badge n'a été délivré à l'adresse " + email + " sur ce site. Vérifiez " +
            "l'orthographe ou demandez à votre coordinatrice ou coordinateur quelle adresse " +
            "a été utilisée.");
          return;
        }
        var valid = found.filter(function (e) { return !e.revoked; }).length;
        say(found.length === 1 ? "Un badge trouvé pour " + email + "." :
          found.length + " badges trouvés pour " + email + "." +
          (valid < found.length ? " Certains ont été révoqués." : ""));
        found.forEach(function (entry) { results.appendChild(card(entry, index)); });
      });
    });
  });
})();
