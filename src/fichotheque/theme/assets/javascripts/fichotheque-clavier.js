/*
 * Fichothèque: keyboard access over Material for MkDocs (WCAG 2.1.1, 2.1.2, 2.1.4, 2.4.3).
 *
 * - The menu button (Material's <label for="__drawer">, shown below 1220 px or at 200 % text)
 *   is replaced by a real button: focusable, Enter/Space open the menu, aria-expanded tells
 *   its state; the nested panels (« Fiches › ») get names, states and a focusable way back.
 *   Focus moves into the open menu, stays there, and Escape closes it and brings focus back.
 *   While the menu is closed its links are hidden (CSS, fichotheque-site.css), so they take no
 *   Tab stop.
 * - Material's single-key shortcuts (f, s, /, n, p, ".", ",") never fire: they left the page or
 *   opened the search when a key was pressed by mistake. Keys typed in a field, and every key
 *   inside the open search dialog (Escape, arrows, Enter), keep working.
 * - Code blocks wider than the screen can be scrolled with the keyboard (focusable region).
 */
(function () {
  "use strict";

  var SHORTCUTS = { f: 1, s: 1, "/": 1, n: 1, p: 1, ".": 1, ",": 1 };
  var MOBILE = window.matchMedia ? window.matchMedia("(max-width: 76.234375em)") : null;
  var FOCUSABLE = "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), " +
    "select, textarea, [tabindex]:not([tabindex='-1'])";

  function isField(el) {
    if (!el || !el.tagName) return false;
    var tag = el.tagName.toLowerCase();
    return tag === "input" || tag === "select" || tag === "textarea" || el.isContentEditable;
  }

  function searchOpen() {
    var toggle = document.getElementById("__search");
    return !!(toggle && toggle.checked);
  }

  /* Runs before Material's own listener (window, bubbling phase): a shortcut key pressed
     alone, outside a field and outside the search dialog, never reaches it. */
  window.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (!SHORTCUTS[event.key] || isField(event.target) || searchOpen()) return;
    event.stopImmediatePropagation();
  }, true);

  /* -- Menu (drawer) ------------------------------------------------------------------------ */
  var toggle, button, drawer, closeButton, followingLink = null;

  function isMobile() {
    return !MOBILE || MOBILE.matches;
  }

  function focusables() {
    return Array.prototype.filter.call(drawer.querySelectorAll(FOCUSABLE), function (el) {
      return el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
    });
  }

  function setOpen(open) {
    if (toggle.checked !== open) toggle.click();  // Material reacts to the click (scroll lock…)
  }

  function onToggle() {
    var open = toggle.checked;
    button.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      if (!isMobile()) return;
      window.requestAnimationFrame(function () {
        var first = closeButton || focusables()[0];
        if (first) first.focus();
      });
    } else if (followingLink && followingLink.hash &&
               followingLink.pathname === location.pathname) {
      // a link to a section of this page: focus goes to that section, as for any anchor
      var target = document.getElementById(decodeURIComponent(followingLink.hash.slice(1)));
      if (target) {
        if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
        target.focus({ preventScroll: true });
      }
    } else if (drawer.contains(document.activeElement) && !followingLink) {
      button.focus();
    }
    followingLink = null;
  }

  function onKeydown(event) {
    if (!toggle.checked || !isMobile()) return;
    if (event.key === "Escape") {
      event.preventDefault();
      setOpen(false);
      button.focus();
    } else if (event.key === "Tab") {
      var items = focusables();
      if (!items.length) return;
      var first = items[0], last = items[items.length - 1];
      var inside = drawer.contains(document.activeElement);
      if (event.shiftKey && (document.activeElement === first || !inside)) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && (document.activeElement === last || !inside)) {
        event.preventDefault();
        first.focus();
      }
    }
  }

  /* Material's nested menu panels (« Fiches › ») open with a <label tabindex="0"> that has
     no name and no state; the panel's title (« ‹ Fiches ») goes back but cannot be focused. */
  function setupPanels() {
    var openers = drawer.querySelectorAll(
      "label.md-nav__link[for^='__nav'][tabindex], label.md-nav__link[for='__toc']");
    Array.prototype.forEach.call(openers, function (opener) {
      var panelToggle = document.getElementById(opener.htmlFor);
      var item = opener.closest(".md-nav__item");
      var panel = item && item.querySelector(":scope > .md-nav");
      if (!panelToggle || !panel || opener.dataset.fichothequePanneau) return;
      opener.dataset.fichothequePanneau = "1";
      var link = opener.parentNode.querySelector("a.md-nav__link");
      var name = (link || panel.querySelector(".md-nav__title") || opener).textContent.trim();
      var toc = opener.htmlFor === "__toc";  // the current page's table of contents
      opener.setAttribute("role", "button");
      opener.setAttribute("tabindex", "0");
      opener.setAttribute("aria-label", toc
        ? "Ouvrir la table des matières de « " + name + " »"
        : "Ouvrir la rubrique « " + name + " »");
      var back = panel.querySelector(":scope > label.md-nav__title");
      if (back) {
        back.setAttribute("role", "button");
        back.setAttribute("tabindex", "0");
        back.setAttribute("aria-label", "Revenir au menu précédent (quitter « " + name + " »)");
        back.addEventListener("keydown", activateOnSpace);
      }
      opener.addEventListener("keydown", activateOnSpace);
      function update() {
        var open = panelToggle.checked;
        opener.setAttribute("aria-expanded", open ? "true" : "false");
        if (!toggle.checked || !isMobile()) return;
        if (open && opener.contains(document.activeElement)) {
          window.requestAnimationFrame(function () { if (back) back.focus(); });
        } else if (!open && panel.contains(document.activeElement)) {
          opener.focus();
        }
      }
      panelToggle.addEventListener("change", update);
      update();
    });
  }

  /* Enter already clicks a focused label (Material); Space does too, like any button. */
  function activateOnSpace(event) {
    if (event.key !== " ") return;
    event.preventDefault();
    event.currentTarget.click();
  }

  function setupMenu() {
    toggle = document.getElementById("__drawer");
    var label = document.querySelector(".md-header label[for='__drawer']");
    drawer = document.querySelector(".md-sidebar--primary");
    if (!toggle || !label || !drawer || drawer.dataset.fichothequeMenu) return;
    drawer.dataset.fichothequeMenu = "1";
    if (!drawer.id) drawer.id = "fichotheque-menu";
    /* Material's <label for="__drawer"> cannot be focused: a real button takes its place. */
    button = document.createElement("button");
    button.type = "button";
    button.className = label.className + " fichotheque-menu-bouton";
    button.innerHTML = label.innerHTML;  // Material's menu icon (an inline SVG of the theme)
    button.setAttribute("aria-label", "Menu");
    button.setAttribute("aria-controls", drawer.id);
    button.setAttribute("aria-expanded", toggle.checked ? "true" : "false");
    button.addEventListener("click", function () { setOpen(!toggle.checked); });
    label.parentNode.insertBefore(button, label);
    label.style.display = "none";

    var inner = drawer.querySelector(".md-sidebar__inner") || drawer;
    closeButton = document.createElement("button");
    closeButton.type = "button";
    closeButton.className = "fichotheque-menu-fermer";
    closeButton.textContent = "Fermer le menu";
    closeButton.addEventListener("click", function () {
      setOpen(false);
      button.focus();
    });
    inner.insertBefore(closeButton, inner.firstChild);

    drawer.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[href]");
      if (link) followingLink = link;
    });
    setupPanels();
    toggle.addEventListener("change", onToggle);
    document.addEventListener("keydown", onKeydown);
  }

  /* -- Code blocks wider than the screen ------------------------------------------------------ */
  function markScrollableCode() {
    var blocks = document.querySelectorAll(".md-typeset pre > code");
    Array.prototype.forEach.call(blocks, function (code) {
      var wide = code.scrollWidth > code.clientWidth + 1;
      if (wide && !code.dataset.fichothequeDefile) {  // Material may have set tabindex already
        code.setAttribute("tabindex", "0");
        code.setAttribute("role", "region");
        code.setAttribute("aria-label", "Exemple à faire défiler avec les flèches");
        code.dataset.fichothequeDefile = "1";
      } else if (!wide && code.dataset.fichothequeDefile) {
        code.removeAttribute("role");
        code.removeAttribute("aria-label");
        delete code.dataset.fichothequeDefile;
      }
    });
  }

  function setup() {
    setupMenu();
    markScrollableCode();
  }

  var resizing;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(markScrollableCode, 200);
  });

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setup);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
