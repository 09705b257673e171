/* Live text of an online interview (interaction app): polls the page's live.json and
   appends new entries and approved questions. Without JavaScript, reloading the page shows
   the same content, rendered by the server. */
(function () {
  "use strict";
  var article = document.querySelector("[data-live-url]");
  if (!article || !window.fetch) { return; }
  var url = article.getAttribute("data-live-url");
  var list = document.getElementById("live-entries");
  var questions = document.getElementById("answered-questions");
  var status = document.getElementById("interview-status");
  var interval = 10000;

  function lastId() {
    var items = list.querySelectorAll("[data-entry-id]");
    return items.length ? items[items.length - 1].getAttribute("data-entry-id") : "0";
  }

  function text(tag, value) {
    var node = document.createElement(tag);
    node.textContent = value;
    return node;
  }

  function render(data) {
    var empty = list.querySelector(".interview__empty");
    data.entries.forEach(function (entry) {
      if (empty) { empty.remove(); empty = null; }
      var item = document.createElement("li");
      item.setAttribute("data-entry-id", entry.id);
      item.appendChild(text("strong", entry.speaker));
      item.appendChild(document.createTextNode(" " + entry.posted_at.slice(11, 16) + "：" + entry.text));
      list.appendChild(item);
    });
    if (data.questions.length) {
      questions.textContent = "";
      data.questions.forEach(function (q) {
        var item = document.createElement("li");
        item.appendChild(text("p", q.nickname + " 问：" + q.text));
        if (q.answer) { item.appendChild(text("p", (q.answered_by || "嘉宾") + " 答：" + q.answer)); }
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
