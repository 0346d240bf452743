// The portal's own small script (CSP allows only same-origin scripts; no inline code).
(function () {
  "use strict";
  // Forms marked data-confirm ask before submitting (e.g. deactivation, removal).
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
  // Elements with data-poll="URL" reload their content every few seconds (task progress pages).
  function poll(el) {
    var url = el.getAttribute("data-poll");
    if (!url) { return; }
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        el.outerHTML = html;
      })
      .catch(function () {})
      .finally(function () {
        var next = document.querySelector("[data-poll]");
        if (next) { setTimeout(function () { poll(next); }, 2000); }
      });
  }
  document.addEventListener("DOMContentLoaded", function () {
    // Filters start open on a wide screen; on a phone they stay folded above the list.
    if (window.matchMedia && window.matchMedia("(min-width: 701px)").matches) {
      document.querySelectorAll("details.filters-box").forEach(function (d) { d.open = true; });
    }
    var el = document.querySelector("[data-poll]");
    if (el) { setTimeout(function () { poll(el); }, 1500); }
  });
})();
