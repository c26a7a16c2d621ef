// On wide screens, keep the sign form in view while the text scrolls, but only while the whole
// form fits in the window: a taller one would hide its own end. Without this script the form
// simply stays at the top of its column.
(function () {
  "use strict";
  var form = document.querySelector(".sign[data-sticky]");
  if (!form || !window.matchMedia) return;
  var wide = window.matchMedia("(min-width: 70rem)");
  var fit = function () {
    var room = window.innerHeight - 32;
    form.classList.toggle("stuck", wide.matches && form.offsetHeight <= room);
  };
  fit();
  window.addEventListener("resize", fit);
  if (window.ResizeObserver) new ResizeObserver(fit).observe(form);
})();
