/* Fichothèque — Open Badges in the browser: shared by the claim and verify pages.
   Reads baked PNGs (iTXt/tEXt "openbadges"), hashes e-mails (SHA-256), checks RS256 JWS with
   WebCrypto, and compares a badge with the copy this site publishes. Same rules and messages
   as src/fichotheque/badges/verify.py. No request leaves this site. */
(function () {
  "use strict";

  var script = document.currentScript;
  // This file lives at <site>/assets/badges/commun.js: the site root is two levels up.
  var root = new URL("../../", script.src);
  var badgesBase = new URL("badges/", root);
  var MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
    "septembre", "octobre", "novembre", "décembre"];
  var UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  var MUTABLE = ["revoked", "revocationReason"];
  var FIELD_LABELS = { recipient: "titulaire", badge: "badge", issuedOn: "date",
    expires: "date d'expiration", id: "identifiant", evidence: "preuve" };

  /* -- fetching this site's files ---------------------------------------------------------- */
  var cache = {};
  function getJSON(rel) {
    if (!(rel in cache)) {
      cache[rel] = fetch(new URL(rel, badgesBase).href, { cache: "no-cache" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .catch(function () { return null; });
    }
    return cache[rel];
  }

  function getText(rel) {
    return fetch(new URL(rel, badgesBase).href, { cache: "no-cache" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .catch(function () { return null; });
  }

  var sitePromise = null;
  /* The canonical address of `badges/` (from the issuer profile), e.g. https://…/badges/ */
  function site() {
    if (!sitePromise) {
      sitePromise = getJSON("emetteur.json").then(function (profile) {
        if (!profile || typeof profile.id !== "string") { return null; }
        return { base: profile.id.replace(/emetteur\.json$/, ""), issuer: profile };
      });
    }
    return sitePromise;
  }

  function relative(base, url) {
    return typeof url === "string" && url.indexOf(base) === 0 ? url.slice(base.length) : null;
  }

  /* -- SHA-256 (WebCrypto, or a small fallback for plain-http local servers) ---------------- */
  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function sha256Fallback(bytes) {
    var K = [0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
      0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
      0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
      0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
      0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
      0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
      0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
      0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
      0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
      0xc67178f2];
    var H = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c,
      0x1f83d9ab, 0x5be0cd19];
    var l = bytes.length, n = ((l + 9 + 63) >> 6) << 6, m = new Uint8Array(n);
    m.set(bytes); m[l] = 0x80;
    var bits = l * 8;
    for (var i = 0; i < 8; i++) { m[n - 1 - i] = (bits / Math.pow(2, 8 * i)) & 0xff; }
    var w = new Array(64);
    for (var o = 0; o < n; o += 64) {
      for (var t = 0; t < 16; t++) {
        w[t] = (m[o + 4 * t] << 24) | (m[o + 4 * t + 1] << 16) | (m[o + 4 * t + 2] << 8) |
          m[o + 4 * t + 3];
      }
      for (t = 16; t < 64; t++) {
        var a0 = w[t - 15], a1 = w[t - 2];
        var s0 = ((a0 >>> 7) | (a0 << 25)) ^ ((a0 >>> 18) | (a0 << 14)) ^ (a0 >>> 3);
        var s1 = ((a1 >>> 17) | (a1 << 15)) ^ ((a1 >>> 19) | (a1 << 13)) ^ (a1 >>> 10);
        w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
      }
      var a = H[0], b = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
      for (t = 0; t < 64; t++) {
        var S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        var ch = (e & f) ^ (~e & g);
        var t1 = (h + S1 + ch + K[t] + w[t]) | 0;
        var S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        var maj = (a & b) ^ (a & c) ^ (b & c);
        var t2 = (S0 + maj) | 0;
        h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      H = [H[0] + a, H[1] + b, H[2] + c, H[3] + d, H[4] + e, H[5] + f, H[6] + g, H[7] + h]
        .map(function (x) { return x | 0; });
    }
    return H.map(function (x) { return ("00000000" + (x >>> 0).toString(16)).slice(-8); })
      .join("");
  }

  function sha256Hex(text) {
    var bytes = new TextEncoder().encode(text);
    if (window.crypto && window.crypto.subtle) {
      return window.crypto.subtle.digest("SHA-256", bytes).then(hex);
    }
    return Promise.resolve(sha256Fallback(bytes));
  }

  function normaliseEmail(email) { return String(email || "").trim().toLowerCase(); }

  /* `sha256$` + hex(sha256(lower-cased e-mail + salt)): the Open Badges 2.0 hashed identity. */
  function hashEmail(email, salt) {
    return sha256Hex(normaliseEmail(email) + (salt || "")).then(function (h) {
      return "sha256$" + h;
    });
  }

  /* -- PNG: the baked `openbadges` chunk ------------------------------------------------------ */
  var PNG_SIG = [137, 80, 78, 71, 13, 10, 26, 10];

  function isPng(bytes) {
    if (bytes.length < 8) { return false; }
    for (var i = 0; i < 8; i++) { if (bytes[i] !== PNG_SIG[i]) { return false; } }
    return true;
  }

  function inflate(bytes) {
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Response(stream).arrayBuffer().then(function (b) { return new Uint8Array(b); });
  }

  /* How many chunks (iTXt, tEXt, zTXt), anywhere in the file, carry the `openbadges` keyword.
     More than one is ambiguous: which one was issued? The image is then not a valid badge. */
  function bakedCount(buffer, keyword) {
    var bytes = new Uint8Array(buffer), view = new DataView(buffer), pos = 8, count = 0;
    keyword = keyword || "openbadges";
    while (pos + 8 <= bytes.length) {
      var length = view.getUint32(pos);
      var type = String.fromCharCode(bytes[pos + 4], bytes[pos + 5], bytes[pos + 6], bytes[pos + 7]);
      if (type === "iTXt" || type === "tEXt" || type === "zTXt") {
        var match = bytes.length >= pos + 9 + keyword.length && bytes[pos + 8 + keyword.length] === 0;
        for (var i = 0; match && i < keyword.length; i++) {
          match = bytes[pos + 8 + i] === keyword.charCodeAt(i);
        }
        if (match) { count++; }
      }
      pos += 12 + length;
    }
    return count;
  }

  /* Resolves to the baked text, or null when there is none. */
  function unbake(buffer, keyword) {
    var bytes = new Uint8Array(buffer);
    if (!isPng(bytes)) { return Promise.resolve(null); }
    keyword = keyword || "openbadges"; // Open Badges 3.0: "openbadgecredential"
    var view = new DataView(buffer), pos = 8, textChunk = null;
    var utf8 = new TextDecoder("utf-8"), latin1 = new TextDecoder("latin1");
    function startsWithKeyword(data) {
      if (data.length <= keyword.length || data[keyword.length] !== 0) { return false; }
      for (var i = 0; i < keyword.length; i++) {
        if (data[i] !== keyword.charCodeAt(i)) { return false; }
      }
      return true;
    }
    while (pos + 8 <= bytes.length) {
      var length = view.getUint32(pos);
      var type = String.fromCharCode(bytes[pos + 4], bytes[pos + 5], bytes[pos + 6], bytes[pos + 7]);
      var data = bytes.subarray(pos + 8, Math.min(pos + 8 + length, bytes.length));
      pos += 12 + length;
      if (type === "iTXt" && startsWithKeyword(data)) {
        var p = keyword.length + 1, compressed = data[p];
        p += 2;
        while (p < data.length && data[p] !== 0) { p++; } // language tag
        p++;
        while (p < data.length && data[p] !== 0) { p++; } // translated keyword
        p++;
        var payload = data.subarray(p);
        if (compressed) {
          return inflate(payload).then(function (b) { return utf8.decode(b); },
            function () { return null; });
        }
        return Promise.resolve(utf8.decode(payload));
      }
      if (type === "tEXt" && startsWithKeyword(data) && textChunk === null) {
        textChunk = latin1.decode(data.subarray(keyword.length + 1));
      }
      if (type === "IEND") { break; }
    }
    return Promise.resolve(textChunk);
  }

  /* -- JWS (RS256) -------------------------------------------------------------------------- */
  function b64urlBytes(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) { b64 += "="; }
    var bin = atob(b64), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { out[i] = bin.charCodeAt(i); }
    return out;
  }

  function isJws(text) { return /^[A-Za-z0-9_=-]+\.[A-Za-z0-9_=-]+\.[A-Za-z0-9_=-]+$/.test(text); }

  function jwsPayload(token) {
    var data = JSON.parse(new TextDecoder("utf-8").decode(b64urlBytes(token.split(".")[1])));
    if (!data || typeof data !== "object" || Array.isArray(data)) { throw new Error("payload"); }
    return data;
  }

  /* Resolves to true / false; rejects when the browser cannot check signatures here. */
  function verifyJws(token, pem) {
    if (!(window.crypto && window.crypto.subtle)) {
      return Promise.reject(new Error("no WebCrypto"));
    }
    var parts = token.split(".");
    var header;
    try { header = JSON.parse(new TextDecoder().decode(b64urlBytes(parts[0]))); } catch (e) {
      return Promise.resolve(false);
    }
    if (header.alg !== "RS256") { return Promise.resolve(false); }
    var algo = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
    var imported;
    if (pem && typeof pem === "object") { // a public JWK (Open Badges 3.0 keys)
      imported = window.crypto.subtle.importKey("jwk", { kty: "RSA", n: pem.n, e: pem.e,
        alg: "RS256", ext: true }, algo, false, ["verify"]);
    } else {
      var der = b64urlBytes(String(pem).replace(/-----[^-]+-----/g, "").replace(/\s+/g, "")
        .replace(/\+/g, "-").replace(/\//g, "_"));
      imported = window.crypto.subtle.importKey("spki", der, algo, false, ["verify"]);
    }
    return imported
      .then(function (key) {
        return window.crypto.subtle.verify(algo, key, b64urlBytes(parts[2]),
          new TextEncoder().encode(parts[0] + "." + parts[1]));
      }, function () { return false; });
  }

  /* -- verdicts ------------------------------------------------------------------------------ */
  function frenchDate(value) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(value || ""));
    if (!m) { return String(value || ""); }
    var day = parseInt(m[3], 10);
    return (day === 1 ? "1er" : String(day)) + " " + MONTHS[parseInt(m[2], 10) - 1] + " " + m[1];
  }

  function verdict(status, message, details, id, extra) {
    var v = { status: status, message: message, details: details || [], assertionId: id || "" };
    if (extra) { Object.keys(extra).forEach(function (k) { v[k] = extra[k]; }); }
    return v;
  }

  function same(a, b) { return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b)); }

  function sortKeys(value) {
    if (Array.isArray(value)) { return value.map(sortKeys); }
    if (value && typeof value === "object") {
      var out = {};
      Object.keys(value).sort().forEach(function (k) { out[k] = sortKeys(value[k]); });
      return out;
    }
    return value;
  }

  function differences(embedded, hosted, ignore) {
    var keys = {};
    Object.keys(embedded).concat(Object.keys(hosted)).forEach(function (k) { keys[k] = true; });
    return Object.keys(keys).filter(function (k) {
      return ignore.indexOf(k) < 0 && !same(embedded[k], hosted[k]);
    }).sort();
  }

  function awardId(assertionId, base) {
    var candidate = "";
    if (assertionId.indexOf("urn:uuid:") === 0) {
      candidate = assertionId.slice(9);
    } else {
      var m = /^assertions\/([0-9a-f-]{36})\.json$/.exec(relative(base, assertionId) || "");
      candidate = m ? m[1] : "";
    }
    return UUID_RE.test(candidate) ? candidate : null;
  }

  function foreign(embedded) {
    var origin = typeof embedded.badge === "string" ? embedded.badge : String(embedded.id || "");
    var where = /^https?:\/\//.test(origin) ? " (il renvoie à " + origin + ")" : "";
    return verdict("inconnu", "Ce badge n'a pas été délivré par ce site" + where + ".");
  }

  /* Revocation, expiry and recipient checks on the hosted assertion. */
  function competences(badge) {
    return (badge.alignment || []).filter(function (a) { return a && a.targetName; })
      .map(function (a) {
        return { framework: a.targetFramework || "", code: a.targetCode || "",
          name: a.targetName, url: a.targetUrl || "" };
      });
  }

  function checkHosted(hosted, id, info, email, now, signature) {
    var base = info.base;
    return Promise.all([getJSON(relative(base, hosted.badge) || "-"), getJSON("revocations.json")])
      .then(function (got) {
        var badge = got[0] || {}, revocations = got[1] || {};
        var issuerName = info.issuer && info.issuer.name ? info.issuer.name : "?";
        var details = [["Badge", badge.name || "?"], ["Délivré par", issuerName],
          ["Délivré le", frenchDate(hosted.issuedOn)]];
        if (hosted.expires) { details.push(["Expire le", frenchDate(hosted.expires)]); }
        var criteria = badge.criteria && typeof badge.criteria === "object" ? badge.criteria : {};
        var evidence = hosted.evidence && hosted.evidence.narrative;
        if (evidence) { details.push(["Preuve", String(evidence)]); }
        var extra = { badge: badge, hosted: hosted, competences: competences(badge),
          signature: signature || "badge hébergé : lu sur le site qui l'a délivré" };
        var reason = null;
        if (hosted.revoked) { reason = String(hosted.revocationReason || ""); }
        (revocations.revokedAssertions || []).forEach(function (entry) {
          var entryId = typeof entry === "string" ? entry : entry && entry.id;
          if (reason === null && (entryId === base + "assertions/" + id + ".json" ||
              entryId === "urn:uuid:" + id)) {
            reason = String((entry && entry.revocationReason) || "");
          }
        });
        if (criteria.id) { details.push(["Critères", criteria.id]); }
        if (reason !== null) {
          return verdict("révoqué", "Ce badge a été révoqué par la structure qui l'a délivré." +
            (reason ? " Motif : " + reason : ""), details, id, extra);
        }
        if (hosted.expires) {
          var expires = new Date(hosted.expires);
          if (isNaN(expires.getTime()) || expires < (now || new Date())) {
            return verdict("expiré", "Ce badge a expiré le " + frenchDate(hosted.expires) + ".",
              details, id, extra);
          }
        }
        var ok = verdict("valide", "Badge valide : il a bien été délivré par ce site et n'a " +
          "pas été modifié.", details, id, extra);
        if (!normaliseEmail(email)) { return ok; }
        var recipient = hosted.recipient || {};
        return hashEmail(email, recipient.salt).then(function (h) {
          if (h !== recipient.identity) {
            return verdict("autre titulaire", "Ce badge est authentique mais n'a pas été " +
              "délivré à l'adresse " + normaliseEmail(email) + ".", details, id, extra);
          }
          return ok;
        });
      });
  }

  /* The verdict on a badge image (ArrayBuffer). */
  function verifyPng(buffer, email, now) {
    if (!isPng(new Uint8Array(buffer))) {
      return Promise.resolve(verdict("pas un badge",
        "Ce fichier n'est pas une image PNG : ce n'est pas un badge."));
    }
    if (bakedCount(buffer, "openbadgecredential") && window.Fichobadges.verifyCredentialPng) {
      return window.Fichobadges.verifyCredentialPng(buffer, email, now);
    }
    if (bakedCount(buffer) > 1) {
      return Promise.resolve(verdict("modifié", "L'image contient plusieurs assertions Open " +
        "Badges : on ne peut pas savoir laquelle a été délivrée. Elle a été modifiée après sa " +
        "délivrance, ce badge n'est donc pas valide."));
    }
    return Promise.all([unbake(buffer), site()]).then(function (got) {
      var text = got[0], info = got[1];
      if (!info) {
        return verdict("erreur", "Impossible de lire les badges publiés par ce site : " +
          "vérifiez la connexion puis réessayez.");
      }
      if (!text || !text.trim()) {
        return verdict("pas un badge", "Cette image ne contient pas de badge (aucune donnée " +
          "Open Badges à l'intérieur).");
      }
      text = text.trim();
      var signed = isJws(text), embedded = null;
      if (signed) {
        try { embedded = jwsPayload(text); } catch (e) {
          return verdict("modifié", "Les données du badge signé sont illisibles : l'image a " +
            "été modifiée.");
        }
      } else {
        try { embedded = JSON.parse(text); } catch (e) {
          embedded = /^https?:\/\//.test(text) ? text : null;
        }
        if (typeof embedded === "string") { embedded = { id: embedded }; }
        if (!embedded || typeof embedded !== "object" || typeof embedded.id !== "string") {
          return verdict("pas un badge", "Les données cachées dans cette image ne sont pas " +
            "celles d'un Open Badge.");
        }
      }
      var id = awardId(String(embedded.id || ""), info.base);
      if (!id) { return foreign(embedded); }
      var signature = "badge hébergé : comparé à l'original publié par le site";
      return getJSON("assertions/" + id + ".json").then(function (hosted) {
        if (!hosted) {
          return verdict("inconnu", "Ce site n'a jamais délivré ce badge : son identifiant " +
            "est inconnu ici.", [], id);
        }
        var check;
        if (signed) {
          var creator = String(embedded.verification && embedded.verification.creator || "");
          // every key the site ever used stays published: cles/<kid>.json (or the first URL)
          var keyRel = relative(info.base, creator) || "";
          if (!/^(cle-publique|cles\/[A-Za-z0-9_-]{43})\.json$/.test(keyRel)) {
            return foreign(embedded);
          }
          signature = "badge signé : signature contrôlée avec la clé publiée par le site";
          check = getJSON(keyRel).then(function (key) {
            if (!key || !key.publicKeyPem) { return foreign(embedded); }
            return verifyJws(text, key.publicKeyPem).then(function (good) {
              if (!good) {
                return verdict("modifié", "La signature du badge ne correspond pas : l'image " +
                  "a été modifiée après sa délivrance.", [], id);
              }
              return differences(embedded, hosted, MUTABLE.concat(["id", "verification"]));
            }, function () {
              // No WebCrypto (plain-http local server): fall back on the hosted comparison.
              return differences(embedded, hosted, MUTABLE.concat(["id", "verification"]));
            });
          });
        } else if (Object.keys(embedded).length === 1) {
          check = Promise.resolve([]);
        } else {
          check = Promise.resolve(differences(embedded, hosted, MUTABLE));
        }
        return check.then(function (result) {
          if (!Array.isArray(result)) { return result; }
          if (result.length) {
            var labels = result.map(function (k) { return FIELD_LABELS[k] || k; }).join(", ");
            return verdict("modifié", "Ce badge a été modifié : " + labels + " ne correspond " +
              "pas à l'original publié par le site.", [], id);
          }
          return checkHosted(hosted, id, info, email, now, signature);
        });
      });
    });
  }

  /* The verdict on a hosted assertion known by its id (`?id=` in the verify page URL). */
  function verifyId(id, email, now) {
    id = String(id || "").trim().toLowerCase();
    return site().then(function (info) {
      if (!info) {
        return verdict("erreur", "Impossible de lire les badges publiés par ce site : " +
          "vérifiez la connexion puis réessayez.");
      }
      var hosted = UUID_RE.test(id) ? getJSON("assertions/" + id + ".json") : Promise.resolve(null);
      return hosted.then(function (h) {
        if (!h) {
          return verdict("inconnu", "Ce site n'a jamais délivré de badge avec cet identifiant.");
        }
        return checkHosted(h, id, info, email, now);
      });
    });
  }

  window.Fichobadges = {
    root: root, badgesBase: badgesBase, getJSON: getJSON, getText: getText, site: site,
    hashEmail: hashEmail, sha256Hex: sha256Hex, sha256Fallback: sha256Fallback, unbake: unbake,
    bakedCount: bakedCount, verifyPng: verifyPng, verifyId: verifyId, frenchDate: frenchDate,
    normaliseEmail: normaliseEmail, verdict: verdict, checkHosted: checkHosted,
    verifyJws: verifyJws, jwsPayload: jwsPayload, b64urlBytes: b64urlBytes
  };
})();
