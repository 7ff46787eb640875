/* Bureau du coordinateur: small conveniences on top of pages that work without JavaScript. */
(function () {
  "use strict";

  var summary = document.querySelector(".error-summary[tabindex]");
  if (summary) { summary.focus(); }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.left = "-9999px";
      document.body.appendChild(area);
      area.select();
      var ok = document.execCommand("copy");
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy")); }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-copy]"), function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    var item = button.closest(".message");
    var status = item ? item.querySelector(".copied") : null;
    if (!source) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      copyText(source.value).then(function () {
        if (status) { status.textContent = "Message copié : collez-le dans votre messagerie."; }
      }, function () {
        source.focus();
        source.select();
        if (status) { status.textContent = "Copie impossible : le message est sélectionné, faites Ctrl+C."; }
      });
    });
  });

  Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  Array.prototype.forEach.call(document.querySelectorAll(".no-js-only"), function (node) {
    node.hidden = true;
  });

  var build = document.getElementById("build-status");
  if (build && build.getAttribute("data-state") === "running") {
    var timer = window.setInterval(function () {
      fetch("/publier/etat", { credentials: "same-origin", cache: "no-store" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (state) {
          if (!state) { return; }
          if (state.state !== "running") {
            window.clearInterval(timer);
            window.location.reload();
            return;
          }
          var message = build.querySelector("[data-build-message]");
          if (message && state.message) { message.textContent = state.message; }
        });
    }, 2000);
  }
})();
