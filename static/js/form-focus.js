/* After a form came back with errors: move the focus to the first field marked
   aria-invalid, so a keyboard or screen-reader user lands on what to correct (its message
   is read through aria-describedby). A file, not inline script: the public pages'
   Content-Security-Policy allows scripts from the site itself only. */
(function () {
  "use strict";
  var field = document.querySelector('form[data-focus-invalid] [aria-invalid="true"]');
  if (field) {
    field.focus();
  }
})();
