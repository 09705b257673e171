/* The 打印 button of an article: hidden in the HTML (a button that does nothing without
   script would mislead), shown and wired here. The page's print stylesheet (portal.css,
   @media print) leaves the item alone on paper. A file, not inline script: the public
   pages' Content-Security-Policy allows scripts from the site itself only. */
(function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-print]");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].hidden = false;
    buttons[i].addEventListener("click", function () {
      window.print();
    });
  }
})();
