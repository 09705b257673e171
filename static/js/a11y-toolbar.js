/* The accessibility toolbar (A01, A02): read aloud through the browser's own speech
   synthesis, zoom, text size, colour schemes, large cursor, crosshair guide, caption bar,
   the text-only switch and reset. Plain JavaScript, no dependencies. Every control is a
   real button (keyboard operable) and has an Alt+Shift shortcut (listed on the statement
   page from the same table, accessibility/shortcuts.py). The state is kept in
   localStorage so it follows the reader from page to page. Without JavaScript none of this
   appears and the server-side modes (plain links) remain. */
(function () {
  "use strict";
  var KEY = "a11y-toolbar";
  var bar = document.getElementById("a11y-toolbar");
  if (!bar) return;
  var cfg = JSON.parse(bar.getAttribute("data-config"));
  var root = document.documentElement;
  var opener = document.querySelector("[data-a11y-open]");
  var status = bar.querySelector("[data-a11y-status]");
  var caption = document.querySelector("[data-a11y-caption]");
  var guides = document.querySelectorAll("[data-a11y-guide]");
  var synth = window.speechSynthesis;
  var DEFAULTS = { open: false, speech: false, rate: 1, zoom: 1, text: 0, scheme: 0, cursor: false, guide: false, caption: false };
  var state = load();
  var reading = false;

  function load() {
    var saved = {};
    try { saved = JSON.parse(localStorage.getItem(KEY)) || {}; } catch (e) { saved = {}; }
    var s = {};
    for (var k in DEFAULTS) s[k] = k in saved ? saved[k] : DEFAULTS[k];
    return s;
  }
  function save() {
    try { localStorage.setItem(KEY, JSON.stringify(state)); } catch (e) { /* private mode: state lasts for this page */ }
  }
  function control(name) { return bar.querySelector('[data-a11y="' + name + '"]'); }
  function value(name, text) {
    var el = bar.querySelector('[data-a11y-value="' + name + '"]');
    if (el) el.textContent = text;
  }
  function say(message) { status.textContent = message; }
  function press(name, on) {
    var el = control(name);
    if (el) el.setAttribute("aria-pressed", on ? "true" : "false");
  }
  function round(x) { return Math.round(x * 10) / 10; }

  function apply() {
    bar.hidden = !state.open;
    if (opener) {
      opener.hidden = false;
      opener.setAttribute("aria-expanded", state.open ? "true" : "false");
    }
    // Zoom scales the page body only, so the toolbar stays where the reader expects it.
    var main = document.body;
    main.style.zoom = state.zoom === 1 ? "" : String(state.zoom);
    value("zoom", Math.round(state.zoom * 100) + "%");
    root.style.fontSize = state.text ? cfg.texts[state.text] + "%" : "";
    value("text", cfg.textNames[state.text]);
    var scheme = cfg.schemes[state.scheme];
    if (scheme === "default") root.removeAttribute("data-a11y-scheme");
    else root.setAttribute("data-a11y-scheme", scheme);
    value("scheme", cfg.schemeNames[state.scheme]);
    var rate = cfg.rates.indexOf(state.rate);
    value("rate", cfg.rateNames[rate < 0 ? 1 : rate]);
    root.classList.toggle("a11y-cursor", state.cursor);
    caption.hidden = !state.caption;
    for (var i = 0; i < guides.length; i++) guides[i].hidden = !state.guide;
    press("speech", state.speech);
    press("continuous", reading);
    press("cursor", state.cursor);
    press("guide", state.guide);
    press("caption", state.caption);
  }

  function textOf(el) {
    if (!el || el === document.body) return "";
    if (el.tagName === "IMG") return el.getAttribute("alt") || "";
    var label = el.getAttribute && el.getAttribute("aria-label");
    var text = label || el.innerText || el.textContent || "";
    return text.replace(/\s+/g, " ").trim().slice(0, 500);
  }
  function speak(text, onend) {
    if (!synth || !text) { if (onend) onend(); return; }
    var u = new SpeechSynthesisUtterance(text);
    u.lang = cfg.lang;
    u.rate = state.rate;
    // A voice of the page's language (zh-CN): exact match first, then any zh voice.
    var voices = synth.getVoices ? synth.getVoices() : [], pick = null;
    for (var i = 0; i < voices.length; i++) {
      var lang = voices[i].lang.replace("_", "-");
      if (lang === cfg.lang) { pick = voices[i]; break; }
      if (!pick && lang.indexOf(cfg.lang.slice(0, 2)) === 0) pick = voices[i];
    }
    if (pick) u.voice = pick;
    if (onend) { u.onend = onend; u.onerror = onend; }
    synth.speak(u);
  }
  function stop() {
    reading = false;
    if (synth) synth.cancel();
  }

  // The smallest element under the pointer or focus that carries text.
  function target(el) {
    while (el && el !== document.body && !textOf(el)) el = el.parentElement;
    return el;
  }
  var lastSpoken = null;
  function onPoint(e) {
    if (bar.contains(e.target) && e.type === "mouseover") return;
    var el = target(e.target);
    if (!el || el === lastSpoken) return;
    lastSpoken = el;
    var text = textOf(el);
    if (state.caption) caption.textContent = text;
    if (state.speech && !reading) { if (synth) synth.cancel(); speak(text); }
  }
  document.addEventListener("mouseover", onPoint);
  document.addEventListener("focusin", onPoint);
  document.addEventListener("mousemove", function (e) {
    if (!state.guide) return;
    guides[0].style.top = e.clientY + "px";
    guides[1].style.left = e.clientX + "px";
  });

  // Reads the main content block by block, from the top, until the end or until stopped.
  function readAll() {
    var main = document.getElementById("main") || document.body;
    var blocks = main.querySelectorAll("h1,h2,h3,h4,p,li,td,th,figcaption,dd,dt");
    var i = 0;
    if (synth) synth.cancel();
    reading = true;
    apply();
    (function next() {
      if (!reading) return;
      if (i >= blocks.length) { reading = false; apply(); return; }
      var el = blocks[i++];
      if (state.caption) caption.textContent = textOf(el);
      speak(textOf(el), next);
    })();
  }

  var actions = {
    toggle: function () {
      state.open = !state.open;
      if (!state.open && opener) opener.focus();
    },
    speech: function () {
      state.speech = !state.speech;
      if (!state.speech) stop();
      else speak(control("speech").textContent);
    },
    continuous: function () {
      if (reading) stop(); else readAll();
    },
    rate: function () {
      var i = cfg.rates.indexOf(state.rate);
      state.rate = cfg.rates[(i + 1) % cfg.rates.length];
    },
    zoomIn: function () {
      var z = state.zoom < cfg.zoom[0] + 0.05 ? 1.1 : state.zoom + cfg.zoom[2];
      state.zoom = Math.min(cfg.zoom[1], round(z));
    },
    zoomOut: function () {
      var z = round(state.zoom - cfg.zoom[2]);
      state.zoom = z < 1.1 ? cfg.zoom[0] : z;
    },
    text: function () { state.text = (state.text + 1) % cfg.texts.length; },
    scheme: function () { state.scheme = (state.scheme + 1) % cfg.schemes.length; },
    cursor: function () { state.cursor = !state.cursor; },
    guide: function () { state.guide = !state.guide; },
    caption: function () { state.caption = !state.caption; },
    textOnly: function () { save(); window.location.href = control("textOnly").href; },
    reset: function () {
      stop();
      var open = state.open;
      state = {};
      for (var k in DEFAULTS) state[k] = DEFAULTS[k];
      state.open = open;
    }
  };

  function run(name) {
    actions[name]();
    save();
    apply();
    var el = control(name);
    if (el && name !== "toggle") say(el.textContent.replace(/\s+/g, " ").trim());
  }

  bar.addEventListener("click", function (e) {
    var el = e.target.closest("[data-a11y]");
    if (!el) return;
    var name = el.getAttribute("data-a11y");
    if (name === "textOnly") return; // a plain link
    e.preventDefault();
    run(name);
  });
  if (opener) opener.addEventListener("click", function () {
    run("toggle");
    if (state.open) { var first = bar.querySelector("button"); if (first) first.focus(); }
  });
  document.addEventListener("keydown", function (e) {
    if (!e.altKey || !e.shiftKey || e.ctrlKey || e.metaKey) return;
    var name = cfg.keys[e.code];
    if (!name) return;
    e.preventDefault();
    if (name !== "toggle" && name !== "textOnly" && !state.open) state.open = true;
    run(name);
    if (name === "toggle" && state.open) bar.querySelector("button").focus();
  });
  window.addEventListener("pagehide", stop);
  apply();
})();
