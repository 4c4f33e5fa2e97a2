// wujin — small behaviours that need script. Loaded as a file: the CSP forbids inline script.
(function () {
  "use strict";
  // A form or button with data-confirm asks before a destructive step.
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    var msg = (ev.submitter && ev.submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) {
      ev.preventDefault();
    }
  }, true);
  // Selects with data-autosubmit submit their form when changed (list filters).
  document.addEventListener("change", function (ev) {
    var el = ev.target;
    if (el && el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) {
      el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
    }
  });
  // Copy buttons: data-copy="#selector".
  document.addEventListener("click", function (ev) {
    var b = ev.target.closest ? ev.target.closest("[data-copy]") : null;
    if (!b) return;
    var src = document.querySelector(b.getAttribute("data-copy"));
    if (src && navigator.clipboard) {
      navigator.clipboard.writeText(src.textContent.trim());
      b.classList.add("copied");
    }
  });
})();
