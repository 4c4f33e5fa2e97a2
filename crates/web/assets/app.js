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
  // Print buttons: data-print prints the page (the bulletin).
  document.addEventListener("click", function (ev) {
    var el = ev.target && ev.target.closest ? ev.target.closest("[data-print]") : null;
    if (el) {
      ev.preventDefault();
      window.print();
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
  // Charts: an element with data-echarts holds its ECharts option as JSON (built on the
  // server); the page loads /assets/vendor/echarts.min.js when it has one.
  window.addEventListener("load", function () {
    if (!window.echarts) return;
    document.querySelectorAll("[data-echarts]").forEach(function (el) {
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(JSON.parse(el.getAttribute("data-echarts")));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  });
})();
