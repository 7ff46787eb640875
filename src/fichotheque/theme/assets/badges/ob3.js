/* Fichothèque — Open Badges 3.0 on the verify page: a badge image whose `openbadgecredential`
   chunk holds a VC-JWT. Same rules as src/fichotheque/badges/verify_ob3.py: the signature is
   checked with the site's published key named by the JWT (`<did>#<kid>`), revocation is read
   in the site's signed status list (bit i = award i), then the hosted Open Badges 2.0 copy of
   the same award gives the details shown. No request leaves this site. */
(function () {
  "use strict";
  var FB = window.Fichobadges;
  if (!FB) { return; }
  var STATUS_LIST = "statut/revocations.jwt";

  /* did:web of the badges folder: https://host:8000/a/b/badges/ -> did:web:host%3A8000:a:b:badges */
  function issuerDid(base) {
    var url = new URL(base);
    var host = url.hostname.toLowerCase() + (url.port ? "%3A" + url.port : "");
    var segments = url.pathname.split("/").filter(Boolean);
    return ["did:web", host].concat(segments).join(":");
  }

  function header(token) {
    return JSON.parse(new TextDecoder().decode(FB.b64urlBytes(token.split(".")[0])));
  }

  function publishedKey(kid) {
    return FB.getJSON("cles/jwks.json").then(function (set) {
      var keys = (set && set.keys) || [];
      for (var i = 0; i < keys.length; i++) { if (keys[i].kid === kid) { return keys[i]; } }
      return null;
    });
  }

  function gunzip(bytes) {
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).arrayBuffer().then(function (b) { return new Uint8Array(b); });
  }

  /* true / false from the signed status list, or null when it cannot be used. */
  function revokedInList(entry, did) {
    if (!entry || typeof entry.statusListCredential !== "string" ||
        entry.statusListCredential.slice(-STATUS_LIST.length) !== STATUS_LIST) {
      return Promise.resolve(null);
    }
    return FB.getText(STATUS_LIST).then(function (text) {
      if (!text) { return null; }
      var token = text.trim(), kid;
      try { kid = String(header(token).kid || ""); } catch (e) { return null; }
      if (kid.split("#")[0] !== did) { return null; }
      return publishedKey(kid.split("#").pop()).then(function (jwk) {
        if (!jwk) { return null; }
        return FB.verifyJws(token, jwk).then(function (good) {
          if (!good) { return null; }
          var list = FB.jwsPayload(token);
          var subject = list.credentialSubject || {};
          var encoded = String(subject.encodedList || "");
          if (list.issuer !== did || encoded.charAt(0) !== "u") { return null; }
          return gunzip(FB.b64urlBytes(encoded.slice(1))).then(function (bits) {
            var index = parseInt(entry.statusListIndex, 10);
            if (!(index >= 0) || index >= bits.length * 8) { return null; }
            return (bits[index >> 3] & (0x80 >> (index & 7))) !== 0;
          });
        }, function () { return null; });
      });
    }).catch(function () { return null; });
  }

  function verifyCredentialPng(buffer, email, now) {
    var verdict = FB.verdict;
    if (FB.bakedCount(buffer, "openbadgecredential") > 1) {
      return Promise.resolve(verdict("modifié", "L'image contient plusieurs badges Open Badges " +
        "3.0 : elle a été modifiée après sa délivrance, ce badge n'est donc pas valide."));
    }
    return Promise.all([FB.unbake(buffer, "openbadgecredential"), FB.site()]).then(function (got) {
      var token = String(got[0] || "").trim(), info = got[1], head, claimed;
      if (!info) {
        return verdict("erreur", "Impossible de lire les badges publiés par ce site : " +
          "vérifiez la connexion puis réessayez.");
      }
      try { head = header(token); claimed = FB.jwsPayload(token); } catch (e) {
        return verdict("modifié", "Les données du badge Open Badges 3.0 sont illisibles : " +
          "l'image a été modifiée.");
      }
      var did = issuerDid(info.base), kid = String(head.kid || "");
      if (kid.split("#")[0] !== did || claimed.iss !== did) {
        var where = typeof claimed.iss === "string" ? " (il renvoie à " + claimed.iss + ")" : "";
        return verdict("inconnu", "Ce badge n'a pas été délivré par ce site" + where + ".");
      }
      var m = /^urn:uuid:([0-9a-f-]{36})$/.exec(String(claimed.id || ""));
      var id = m ? m[1] : "";
      return publishedKey(kid.split("#").pop()).then(function (jwk) {
        if (!jwk) {
          return verdict("inconnu", "La clé qui a signé ce badge n'est pas publiée par ce site.",
            [], id);
        }
        return FB.verifyJws(token, jwk).then(function (good) {
          if (!good || claimed.jti !== claimed.id) {
            return verdict("modifié", "La signature du badge ne correspond pas : l'image a été " +
              "modifiée après sa délivrance.", [], id);
          }
          return Promise.all([FB.getJSON("assertions/" + id + ".json"),
            revokedInList(claimed.credentialStatus, did)]).then(function (more) {
            var hosted = more[0], revoked = more[1];
            if (!hosted) {
              return verdict("inconnu", "Ce site n'a jamais délivré ce badge : son identifiant " +
                "est inconnu ici.", [], id);
            }
            var subject = claimed.credentialSubject || {};
            var identity = (subject.identifier || [{}])[0] || {};
            if (identity.identityHash !== (hosted.recipient || {}).identity) {
              return verdict("modifié", "Ce badge a été modifié : titulaire ne correspond pas à " +
                "l'original publié par le site.", [], id);
            }
            var signature = "badge Open Badges 3.0 signé : signature contrôlée avec la clé " +
              "publiée par le site";
            return FB.checkHosted(hosted, id, info, email, now, signature).then(function (v) {
              if (revoked === true && v.status !== "révoqué") {
                v.status = "révoqué";
                v.message = "Ce badge a été révoqué par la structure qui l'a délivré.";
              } else if (revoked === null && v.status === "valide") {
                v.status = "modifié";
                v.message = "La liste des badges révoqués de ce site est illisible ou n'est " +
                  "pas signée par lui : le badge ne peut pas être déclaré valide.";
              }
              return v;
            });
          });
        }, function () {
          return verdict("erreur", "Ce navigateur ne sait pas contrôler la signature de ce " +
            "badge : ouvrez la page dans un navigateur récent, en https.", [], id);
        });
      });
    });
  }

  FB.verifyCredentialPng = verifyCredentialPng;
  FB.issuerDid = issuerDid;
})();
