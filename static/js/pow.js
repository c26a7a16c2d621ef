/* Proof of work for the sign form, only loaded while an organizer requires it.
   Finds n such that SHA-256("<form_token>:<nonce>.<n>") starts with data-pow-bits zero bits,
   and puts "<nonce>.<n>" in the form's "pow" field; the server checks it (petitions/abuse/rules.py).
   Same-origin, no third party, no cookies. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-pow-bits]");
  if (!form || !window.crypto || !window.crypto.subtle) { return; }
  var bits = parseInt(form.getAttribute("data-pow-bits"), 10);
  var field = form.querySelector("input[name=pow]");
  var token = form.querySelector("input[name=form_token]").value;
  var status = document.getElementById("pow-status");
  var random = new Uint8Array(8);
  window.crypto.getRandomValues(random);
  var nonce = Array.prototype.map.call(random, function (b) {
    return ("0" + b.toString(16)).slice(-2);
  }).join("");
  var encoder = new TextEncoder();
  var solved = false;
  var waiting = false;

  function zeroBits(bytes) {
    var count = 0;
    for (var i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0) { count += 8; continue; }
      var b = bytes[i];
      while ((b & 0x80) === 0) { count++; b <<= 1; }
      return count;
    }
    return count;
  }

  async function solve() {
    for (var n = 0; ; n++) {
      var candidate = nonce + "." + n;
      var digest = await window.crypto.subtle.digest("SHA-256", encoder.encode(token + ":" + candidate));
      if (zeroBits(new Uint8Array(digest)) >= bits) {
        field.value = candidate;
        solved = true;
        if (waiting) { form.submit(); }
        return;
      }
    }
  }

  form.addEventListener("submit", function (event) {
    if (solved) { return; }
    event.preventDefault();
    waiting = true;
    if (status) { status.hidden = false; }
  });
  solve();
})();
