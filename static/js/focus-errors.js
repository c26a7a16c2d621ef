/* Moves focus to a form's error summary (or first invalid field) so screen readers and keyboard
   users land on what needs fixing; summary links then focus their field. Optional: without
   JavaScript the summary is still first in the form and announced by role="alert". */
(function () {
  "use strict";
  function start() {
    var summary = document.getElementById("error-summary");
    var target = summary || document.querySelector('[aria-invalid="true"]');
    if (target) {
      target.focus();
    }
    if (!summary) {
      return;
    }
    summary.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a[href^='#']") : null;
      var field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!field) {
        return;
      }
      event.preventDefault();
      var label = document.querySelector("label[for='" + field.id + "']");
      (label || field).scrollIntoView();
      field.focus({ preventScroll: true });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
