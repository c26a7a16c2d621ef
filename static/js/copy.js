// Copy buttons for a read-only code box (partner area) or a link (a campaign's address).
// Without this script the buttons stay hidden and the code or link is there to select.
(function () {
  "use strict";
  document.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
    var box = document.getElementById(button.getAttribute("data-copy"));
    if (!box) return;
    var text = box.tagName === "A" ? box.href : box.value;
    button.hidden = false;
    button.addEventListener("click", function () {
      var status = document.querySelector(".copy-status");
      var done = function () {
        if (status) status.textContent = status.getAttribute("data-copied");
      };
      if (box.select) {
        box.focus();
        box.select();
      }
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, function () {
          if (box.select && document.execCommand("copy")) done();
        });
      } else if (box.select && document.execCommand("copy")) {
        done();
      }
    });
  });
})();
