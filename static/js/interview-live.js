/* Live text of an online interview (interaction app): polls the page's live.json and
   appends new entries and approved questions. Without JavaScript, reloading the page shows
   the same content, rendered by the server.

   The words around the values come from the page (data-*-format, data-guest), translated
   there into the site's language with the same messages the server renders: a format is
   text with <strong>…</strong> and %(name)s placeholders. Values always go in as text. */
(function () {
  "use strict";
  var article = document.querySelector("[data-live-url]");
  if (!article || !window.fetch) { return; }
  var url = article.getAttribute("data-live-url");
  var formats = {
    entry: article.getAttribute("data-entry-format"),
    asks: article.getAttribute("data-asks-format"),
    answers: article.getAttribute("data-answers-format")
  };
  var guest = article.getAttribute("data-guest");
  var list = document.getElementById("live-entries");
  var questions = document.getElementById("answered-questions");
  var status = document.getElementById("interview-status");
  var interval = 10000;

  function lastId() {
    var items = list.querySelectorAll("[data-entry-id]");
    return items.length ? items[items.length - 1].getAttribute("data-entry-id") : "0";
  }

  // Text with its line breaks kept, as the server's linebreaksbr does.
  function appendText(parent, value) {
    String(value).split("\n").forEach(function (line, index) {
      if (index) { parent.appendChild(document.createElement("br")); }
      parent.appendChild(document.createTextNode(line));
    });
  }

  // Fill `node` with a format: literal text, <strong> around a part, values for %(name)s;
  // a value given as a node (the entry's <time>) goes in as it is.
  function fill(node, format, values) {
    var parent = node;
    format.split(/(<\/?strong>|%\(\w+\)s)/).forEach(function (token) {
      if (token === "<strong>") {
        parent = node.appendChild(document.createElement("strong"));
      } else if (token === "</strong>") {
        parent = node;
      } else if (/^%\(\w+\)s$/.test(token)) {
        var value = values[token.slice(2, -2)];
        if (value instanceof Node) { parent.appendChild(value); } else { appendText(parent, value || ""); }
      } else if (token) {
        parent.appendChild(document.createTextNode(token));
      }
    });
    return node;
  }

  function timeElement(iso) {
    var node = document.createElement("time");
    node.setAttribute("datetime", iso);
    node.textContent = iso.slice(11, 16);  // the server sends Beijing time: its HH:MM
    return node;
  }

  function render(data) {
    var empty = list.querySelector(".interview__empty");
    data.entries.forEach(function (entry) {
      if (empty) { empty.remove(); empty = null; }
      var item = document.createElement("li");
      item.setAttribute("data-entry-id", entry.id);
      fill(item, formats.entry, { speaker: entry.speaker, time: timeElement(entry.posted_at), text: entry.text });
      list.appendChild(item);
    });
    if (data.questions.length) {
      questions.textContent = "";
      data.questions.forEach(function (q) {
        var item = document.createElement("li");
        item.appendChild(fill(document.createElement("p"), formats.asks, { nickname: q.nickname, text: q.text }));
        if (q.answer) {
          item.appendChild(fill(document.createElement("p"), formats.answers, { name: q.answered_by || guest, answer: q.answer }));
        }
        questions.appendChild(item);
      });
    }
    status.textContent = data.status_label;
    return data.status;
  }

  function poll() {
    fetch(url + "?after=" + encodeURIComponent(lastId()), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        var state = data ? render(data) : "live";
        if (state !== "ended") { window.setTimeout(poll, interval); }
      })
      .catch(function () { window.setTimeout(poll, interval * 3); });
  }
  window.setTimeout(poll, interval);
})();
