/* Fichothèque — the positioning quiz (« Où en suis-je ? »), one question at a time.
 *
 * Reads its questions from the page (<script type="application/json" id="quiz-donnees">), so
 * it works offline and from file://. Stores nothing and sends nothing: the answers live in
 * this page's memory only. Every text is set with textContent (contributors' text is data).
 * Keyboard: native radio buttons, Enter to go on; focus moves to each new question and to the
 * results, which a screen reader then reads.
 */
(function () {
  "use strict";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function setup() {
    var root = document.getElementById("quiz");
    var source = document.getElementById("quiz-donnees");
    if (!root || !source || root.dataset.ready) return;
    root.dataset.ready = "1";
    var data = JSON.parse(source.textContent);
    var questions = data.questions;
    var answers = new Array(questions.length);
    var current = 0;
    var start = document.getElementById("quiz-debut");
    var form = document.getElementById("quiz-question");
    var progress = document.getElementById("quiz-avancement");
    var legend = document.getElementById("quiz-intitule");
    var picture = document.getElementById("quiz-illustration");
    var choices = document.getElementById("quiz-choix");
    var error = document.getElementById("quiz-erreur");
    var previous = document.getElementById("quiz-precedent");
    var next = document.getElementById("quiz-suivant");
    var result = document.getElementById("quiz-resultat");
    var resultBody = document.getElementById("quiz-resultat-contenu");

    function show(index) {
      current = index;
      var q = questions[index];
      start.hidden = true;
      result.hidden = true;
      form.hidden = false;
      error.textContent = "";
      progress.textContent = "Question " + (index + 1) + " sur " + questions.length;
      legend.textContent = q.text;
      picture.textContent = "";
      if (q.image) {
        picture.appendChild(el("img", { src: q.image, alt: q.alt, class: "quiz-image" }));
      }
      choices.textContent = "";
      q.choices.forEach(function (text, i) {
        var id = "quiz-q" + index + "-c" + i;
        var line = el("p", { class: "quiz-ligne" });
        var input = el("input", { type: "radio", name: "reponse", id: id, value: String(i) });
        if (answers[index] === i) input.checked = true;
        line.appendChild(input);
        line.appendChild(el("label", { for: id }, text));
        choices.appendChild(line);
      });
      previous.hidden = index === 0;
      next.textContent = index === questions.length - 1 ? "Voir mes résultats" : "Question suivante";
      legend.focus();
    }

    function chosen() {
      var picked = form.querySelector("input[name=reponse]:checked");
      return picked ? Number(picked.value) : null;
    }

    function link(href, text) {
      return el("a", { href: href }, text);
    }

    function results() {
      form.hidden = true;
      resultBody.textContent = "";
      var known = [], todo = [], seenKnown = {}, seenTodo = {};
      questions.forEach(function (q, i) {
        if (answers[i] === q.answer) {
          if (!seenKnown[q.fiche]) { seenKnown[q.fiche] = 1; known.push(q.fiche); }
        } else if (!seenTodo[q.fiche]) {
          seenTodo[q.fiche] = 1; todo.push(q.fiche);
        }
      });
      known = known.filter(function (slug) { return !seenTodo[slug]; });
      var right = questions.filter(function (q, i) { return answers[i] === q.answer; }).length;
      resultBody.appendChild(el("p", { class: "quiz-score" },
        "Vous avez trouvé " + right + " bonne" + (right > 1 ? "s" : "") + " réponse" +
        (right > 1 ? "s" : "") + " sur " + questions.length + "."));

      function fiches(title, intro, slugs, id) {
        if (!slugs.length) return;
        resultBody.appendChild(el("h3", { id: id }, title));
        resultBody.appendChild(el("p", {}, intro));
        var list = el("ul", { "aria-labelledby": id, class: "quiz-fiches" });
        slugs.forEach(function (slug) {
          var item = el("li");
          item.appendChild(link(data.fiches[slug].href, data.fiches[slug].title));
          list.appendChild(item);
        });
        resultBody.appendChild(list);
      }

      if (!todo.length) {
        resultBody.appendChild(el("p", {}, "Bravo : vous connaissez déjà l'essentiel de ce " +
          "thème. Vous pouvez passer à un autre thème, ou relire une fiche pour aller plus loin."));
      }
      fiches("Par où commencer", "Ces fiches expliquent ce qui vous a manqué, dans l'ordre " +
        "où les faire :", todo, "quiz-commencer-par");
      fiches("Ce que vous savez déjà", "Vous pouvez passer ces fiches, ou les garder pour " +
        "plus tard :", known, "quiz-deja");

      var proposed = data.parcours.map(function (p) {
        var count = p.fiches.filter(function (slug) { return seenTodo[slug]; }).length;
        return { p: p, count: count };
      }).filter(function (x) { return x.count > 0; })
        .sort(function (a, b) { return b.count - a.count; }).slice(0, 3);
      if (proposed.length) {
        resultBody.appendChild(el("h3", { id: "quiz-parcours" }, "Un parcours pour vous"));
        resultBody.appendChild(el("p", {}, "Avec un animateur, ces parcours de quelques " +
          "séances reprennent ces fiches :"));
        var list = el("ul", { "aria-labelledby": "quiz-parcours" });
        proposed.forEach(function (x) {
          var item = el("li");
          item.appendChild(link(x.p.href, x.p.title));
          item.appendChild(document.createTextNode(" (" + x.p.hours + ")"));
          list.appendChild(item);
        });
        resultBody.appendChild(list);
      }

      var wrong = questions.map(function (q, i) { return i; })
        .filter(function (i) { return answers[i] !== questions[i].answer; });
      if (wrong.length) {
        var details = el("details", { class: "quiz-corrige" });
        details.appendChild(el("summary", {}, "Voir les bonnes réponses"));
        var list2 = el("ol");
        wrong.forEach(function (i) {
          var q = questions[i];
          var item = el("li", { value: String(i + 1) });
          item.appendChild(el("p", { class: "quiz-corrige-question" }, q.text));
          item.appendChild(el("p", {}, "Bonne réponse : " + q.choices[q.answer] + ". " +
            q.explanation));
          list2.appendChild(item);
        });
        details.appendChild(list2);
        resultBody.appendChild(details);
      }
      result.hidden = false;
      document.getElementById("quiz-resultat-titre").focus();
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var value = chosen();
      if (value === null) {
        error.textContent = "Choisissez une réponse (ou « Je ne sais pas ») pour continuer.";
        var first = form.querySelector("input[name=reponse]");
        if (first) first.focus();
        return;
      }
      answers[current] = value;
      if (current < questions.length - 1) show(current + 1); else results();
    });
    form.addEventListener("change", function () { error.textContent = ""; });
    previous.addEventListener("click", function () {
      var value = chosen();
      if (value !== null) answers[current] = value;
      if (current > 0) show(current - 1);
    });
    document.getElementById("quiz-commencer").addEventListener("click", function () { show(0); });
    document.getElementById("quiz-recommencer").addEventListener("click", function () {
      answers = new Array(questions.length);
      show(0);
    });
    start.hidden = false;
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
