/* Petition widget loader: puts the sign form in an iframe on the petition site's own origin
   and sizes it to its content. No cookies, no other requests. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) {
    var all = document.querySelectorAll("script[data-partner][src*='/embed/']");
    for (var i = 0; i < all.length && !script; i++) {
      if (!all[i].hasAttribute("data-embedded")) script = all[i];
    }
  }
  if (!script || script.hasAttribute("data-embedded")) return;
  script.setAttribute("data-embedded", "");
  var src = new URL(script.src, location.href);
  var slug = src.pathname.match(/\/embed\/([\w-]+)\.js$/);
  if (!slug) return;
  var data = script.dataset;
  var here = new URLSearchParams(location.search);
  var query = new URLSearchParams({ partner: data.partner || "", origin: location.origin });
  if (data.lang) query.set("lang", data.lang);
  if (data.accent) query.set("accent", data.accent);
  if (data.compact !== undefined && data.compact !== "false") query.set("compact", "1");
  ["source", "ref"].forEach(function (name) {
    var value = data[name] || here.get(name);
    if (value) query.set(name, value);
  });
  var frame = document.createElement("iframe");
  frame.src = src.origin + "/embed/" + slug[1] + "/?" + query;
  frame.title = data.title || "Petition";
  frame.style.cssText = "display:block;width:100%;max-width:40em;height:640px;border:0";
  script.parentNode.insertBefore(frame, script.nextSibling);
  window.addEventListener("message", function (event) {
    var message = event.data;
    if (event.origin !== src.origin || event.source !== frame.contentWindow) return;
    if (!message || message.type !== "petition-embed:height") return;
    var height = message.height;
    if (typeof height === "number" && height > 0 && height < 20000) {
      frame.style.height = Math.ceil(height) + "px";
    }
  });
})();
