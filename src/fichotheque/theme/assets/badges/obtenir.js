/* Fichothèque — the claim page, opened from the link the person received
   (`obtenir/?id=<award>`): it reads that award only (`assertions/<id>.obtenir.json`), compares
   the typed e-mail with its salted hash in the browser, then offers the downloads and an A4
   certificate with a typed name (kept in the browser). No file lists every award. */
(function () {
  "use strict";
  var FB = window.Fichobadges;
  var form = document.getElementById("fb-claim");
  var emailInput = document.getElementById("fb-claim-email");
  var emailError = document.getElementById("fb-claim-email-error");
  var linkRow = document.getElementById("fb-claim-link-row");
  var linkInput = document.getElementById("fb-claim-link");
  var linkError = document.getElementById("fb-claim-link-error");
  var intro = document.getElementById("fb-claim-intro");
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

  /* An error shown under its field, announced and tied to it (aria-describedby). */
  function fieldError(input, box, text) {
    box.textContent = text;
    box.hidden = !text;
    if (text) {
      input.setAttribute("aria-invalid", "true");
      input.focus();
    } else {
      input.removeAttribute("aria-invalid");
    }
  }

  var UUID_IN = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/i;
  function awardIdOf(text) {
    var m = UUID_IN.exec(String(text || ""));
    return m ? m[1].toLowerCase() : "";
  }

  function certificate(entry, badge, issuerName) {
    var cert = el("article", { "class": "fb-certificate", id: "fb-cert-" + entry.id,
      "aria-label": "Aperçu de l'attestation" });
    // the place's logo (or its generated image), from this site: works offline too
    cert.appendChild(el("img", { "class": "fb-certificate__logo",
      src: new URL("emetteur.png", FB.badgesBase).href, alt: issuerName, width: "64",
      height: "64" }));
    cert.appendChild(el("p", { "class": "fb-certificate__kicker" }, "Attestation Open Badge"));
    cert.appendChild(el("img", { "class": "fb-certificate__badge", alt: "",
      src: new URL(entry.badge + ".png", FB.badgesBase).href, width: "180", height: "180" }));
    cert.appendChild(el("h2", { "class": "fb-certificate__title" }, badge.name || entry.badge));
    var who = el("p", { "class": "fb-certificate__who" });
    who.appendChild(document.createTextNode("délivré à "));
    who.appendChild(el("strong", { "class": "fb-certificate__name" }, "…"));
    cert.appendChild(who);
    cert.appendChild(el("p", { "class": "fb-certificate__declared" }, "(nom indiqué par la " +
      "personne titulaire ; le badge, lui, est lié à son adresse e-mail)"));
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
    var url = entry.verify;
    var p = el("p", {}, "Vérifier ce badge : ");
    p.appendChild(el("span", { "class": "fb-certificate__url" }, url));
    verify.appendChild(p);
    cert.appendChild(verify);
    return cert;
  }

  function card(entry) {
    var badge = entry.badgeInfo || {};
    var issuerName = entry.issuer && entry.issuer.name ? entry.issuer.name : "";
    var files = entry.files || {};
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
    if (files.signed) {
      actions.appendChild(document.createTextNode(" "));
      actions.appendChild(el("a", { "class": "md-button",
        href: new URL("assertions/" + files.signed, FB.badgesBase).href,
        download: "badge-" + slug + "-signe.png" }, "Version signée (PNG)"));
    }
    if (files.ob3) {
      actions.appendChild(document.createTextNode(" "));
      actions.appendChild(el("a", { "class": "md-button",
        href: new URL("assertions/" + files.ob3, FB.badgesBase).href,
        download: "badge-" + slug + "-ob3.png" }, "Format Open Badges 3.0 (PNG)"));
    }
    actions.appendChild(document.createTextNode(" "));
    actions.appendChild(el("a", { "class": "md-button", href: verifyPage + "?id=" + entry.id },
      "Vérifier ce badge"));
    body.appendChild(actions);

    var print = el("div", { "class": "fb-claim-card__print" });
    print.appendChild(el("h3", {}, "Imprimer une attestation"));
    var label = el("label", { "for": "fb-name-" + entry.id },
      "Votre nom, tel qu'il apparaîtra sur l'attestation (il reste dans votre navigateur)");
    var name = el("input", { type: "text", id: "fb-name-" + entry.id, autocomplete: "name",
      "aria-describedby": "fb-name-error-" + entry.id });
    var nameError = el("p", { id: "fb-name-error-" + entry.id, "class": "fb-field-error" });
    nameError.hidden = true;
    var button = el("button", { type: "button", "class": "md-button" }, "Imprimer l'attestation");
    print.appendChild(label);
    print.appendChild(name);
    print.appendChild(nameError);
    print.appendChild(button);
    body.appendChild(print);
    section.appendChild(body);
    var cert = certificate(entry, badge, issuerName);
    section.appendChild(cert);
    function syncName() {
      cert.querySelector(".fb-certificate__name").textContent = name.value.trim() || "…";
    }
    name.addEventListener("input", syncName);
    button.addEventListener("click", function () {
      syncName();
      if (!name.value.trim()) {
        fieldError(name, nameError, "Saisissez votre nom avant d'imprimer.");
        return;
      }
      fieldError(name, nameError, "");
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

  var fromLink = awardIdOf(new URLSearchParams(window.location.search).get("id"));
  var entryPromise = null;
  function entryFor(id) {
    return FB.getJSON("assertions/" + id + ".obtenir.json");
  }

  if (fromLink) {
    linkInput.value = fromLink;
    linkRow.hidden = true; // the link already says which badge
    entryPromise = entryFor(fromLink);
    entryPromise.then(function (entry) {
      if (!entry) {
        linkRow.hidden = false;
        intro.textContent = "Ce lien ne correspond à aucun badge de ce site : vérifiez qu'il " +
          "est complet, ou collez-le ci-dessous.";
        return;
      }
      intro.textContent = "Vous avez reçu le badge « " + (entry.badgeInfo || {}).name + " » de " +
        ((entry.issuer || {}).name || "cette structure") + ". Saisissez l'adresse e-mail à " +
        "laquelle vous avez reçu ce lien pour l'afficher.";
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    results.textContent = "";
    say("");
    var id = awardIdOf(linkInput.value);
    if (!id) {
      linkRow.hidden = false;
      fieldError(linkInput, linkError, "Collez le lien reçu par e-mail (il contient « ?id= » " +
        "suivi d'une suite de lettres et de chiffres).");
      return;
    }
    fieldError(linkInput, linkError, "");
    var email = FB.normaliseEmail(emailInput.value);
    if (!/^[^@\s]+@[^@\s]+\.[^@\s.]+$/.test(email)) {
      fieldError(emailInput, emailError, "Cette adresse e-mail semble incomplète : " +
        "vérifiez-la (exemple : prenom.nom@exemple.fr).");
      return;
    }
    fieldError(emailInput, emailError, "");
    say("Recherche en cours…");
    var job = id === fromLink && entryPromise ? entryPromise : entryFor(id);
    job.then(function (entry) {
      if (!entry) {
        say("Impossible de trouver ce badge : vérifiez le lien et la connexion, puis réessayez.");
        return null;
      }
      return FB.hashEmail(email, entry.salt).then(function (h) {
        if (h !== entry.identity) {
          fieldError(emailInput, emailError, "Ce badge n'a pas été délivré à l'adresse " +
            email + ". Vérifiez l'orthographe, ou demandez à la structure qui vous a envoyé le " +
            "lien quelle adresse elle a utilisée.");
          say("");
          return;
        }
        say(entry.revoked ? "Badge trouvé, mais il a été révoqué." : "Votre badge est prêt.");
        results.appendChild(card(entry));
        var title = results.querySelector("h2");
        if (title) { title.setAttribute("tabindex", "-1"); title.focus(); }
      });
    });
  });
})();
