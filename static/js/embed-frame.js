/* Inside the widget frame: apply the partner's accent colour and tell the page our height. */
(function () {
  "use strict";
  var root = document.documentElement;
  if (root.dataset.accent) {
    root.style.setProperty("--accent", root.dataset.accent);
    root.style.setProperty("--accent-text", root.dataset.accentText || "#fff");
  }
  if (window.parent === window) return;
  var last = 0;
  function post() {
    // The body, not the viewport: the frame must be able to shrink as well as grow.
    var height = Math.ceil(document.body.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    // Any page may frame us, but the message carries nothing but our height.
    window.parent.postMessage({ type: "petition-embed:height", height: height }, "*");
  }
  if (window.ResizeObserver) new ResizeObserver(post).observe(document.body);
  window.addEventListener("load", post);
  post();
})();
