/* Counts one view of this page (M22, docs/analytics.md): sends the page's id, read from
   this script element's data-page attribute, to the site's own /_pv/ address with
   navigator.sendBeacon. Nothing else is sent and nothing is stored in the browser (no
   cookie, no storage). A file, not inline script: the public pages' Content-Security-Policy
   allows scripts from the site itself only, and its connect-src allows the same origin. */
(function () {
  "use strict";
  var script = document.currentScript;
  var page = script && script.getAttribute("data-page");
  var url = script && script.getAttribute("data-url");
  if (!page || !/^[1-9][0-9]{0,9}$/.test(page) || !url || !navigator.sendBeacon) {
    return;
  }
  function send() {
    try {
      navigator.sendBeacon(url, new URLSearchParams({ p: page }));
    } catch (e) {
      /* a blocked beacon costs the reader nothing */
    }
  }
  if (document.prerendering) {
    /* A page prerendered in case the reader opens it is counted when it is shown. */
    document.addEventListener("prerenderingchange", send, { once: true });
  } else {
    send();
  }
  /* Back to the page from the browser's back-forward cache: a view again. */
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      send();
    }
  });
})();
