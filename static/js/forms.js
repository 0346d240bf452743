// Forms: the page opens at the first error, and fields that belong to some choices only (the
// closing date and outcome of a case) show only for those choices.  Without this script every
// field is shown and the errors are still next to their fields.
(function () {
  "use strict";

  function firstError() {
    return document.querySelector(".errorlist-box, .field.has-error");
  }

  function focusFirstError() {
    var box = firstError();
    if (!box) { return; }
    var input = box.querySelector("[aria-invalid=true], input, select, textarea");
    // A field's details may be folded (the case page's "add a party"): open them first.
    for (var el = box.parentElement; el; el = el.parentElement) {
      if (el.tagName === "DETAILS") { el.open = true; }
    }
    box.scrollIntoView({ block: "center" });
    if (input && input.focus) { input.focus({ preventScroll: true }); }
  }

  // <form data-toggle-by="status">: each .field[data-show-for="a b"] shows when the form's
  // "status" field is a or b; hidden fields are disabled so they are not sent.
  function bindToggles(form) {
    var control = form.elements[form.getAttribute("data-toggle-by")];
    if (!control) { return; }
    function update() {
      form.querySelectorAll("[data-show-for]").forEach(function (field) {
        var show = field.getAttribute("data-show-for").split(" ").indexOf(control.value) !== -1;
        field.hidden = !show;
        field.querySelectorAll("input, select, textarea").forEach(function (input) { input.disabled = !show; });
      });
    }
    control.addEventListener("change", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-toggle-by]").forEach(bindToggles);
    focusFirstError();
  });
})();
