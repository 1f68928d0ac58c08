/* Kesu's page behaviour, driven by data- attributes (the content security policy allows no inline script).
 *
 *   <select data-submit-on-change>           submits its form when the choice changes
 *   <form data-action-template="/x/STEP/"    on submit, the form posts to the template with STEP replaced
 *         data-action-field="step">          by the value of the named field
 *
 * Handlers are delegated from the document, so content swapped in by htmx behaves the same.
 */
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (!(field instanceof Element) || !field.hasAttribute("data-submit-on-change") || !field.form) {
      return;
    }
    // requestSubmit runs the form's submit handlers (and validation); submit() is for old browsers.
    if (typeof field.form.requestSubmit === "function") {
      field.form.requestSubmit();
    } else {
      field.form.submit();
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-action-template")) {
      return;
    }
    var field = form.elements.namedItem(form.getAttribute("data-action-field") || "");
    if (!field) {
      return;
    }
    var placeholder = form.getAttribute("data-action-placeholder") || "STEP";
    form.action = form.getAttribute("data-action-template").replace(placeholder, encodeURIComponent(field.value));
  });
})();
