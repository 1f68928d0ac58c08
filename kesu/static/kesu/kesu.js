/* Kesu's page behaviour, driven by data- attributes (the content security policy allows no inline script).
 *
 *   <select data-submit-on-change>           submits its form when the choice changes
 *   <tr data-href="/record/">               a click anywhere on the row (not on a link, button or field) opens it
 *   <input type=checkbox data-select-all=".row-select">  ticks or clears every checkbox the selector names
 *   <form data-action-template="/x/STEP/"    on submit, the form posts to the template with STEP replaced
 *         data-action-field="step">          by the value of the named field
 *   <a href="/img" data-kesu-lightbox        opens the picture in a Bootstrap modal instead of a new page
 *      data-caption="name">                  (falls back to following the link without Bootstrap)
 *   <div data-scroll-into-view>              a refused form's summary: scrolled to the top of the window on load
 *                                           and its form's first wrong field focused (issue 17 §2)
 *
 * Handlers are delegated from the document, so content swapped in by htmx behaves the same.
 */
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-scroll-into-view]");
    if (!summary) {
      return;
    }
    var closed = summary.closest("details:not([open])");
    if (closed) {
      closed.open = true;
    }
    summary.scrollIntoView({block: "start"});
    var form = summary.closest("form");
    var wrong = form && form.querySelector(".is-invalid");
    if (wrong && typeof wrong.focus === "function") {
      wrong.focus({preventScroll: true});
    }
  });

  document.addEventListener("change", function (event) {
    var all = event.target;
    if (all instanceof HTMLInputElement && all.hasAttribute("data-select-all")) {
      document.querySelectorAll(all.getAttribute("data-select-all")).forEach(function (box) {
        box.checked = all.checked;
      });
    }
  });

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

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element) || target.closest("a, button, input, select, textarea, label")) {
      return;
    }
    var row = target.closest("tr[data-href]");
    if (!row || (window.getSelection && String(window.getSelection()).length > 0)) {
      return;  // selecting text in a row copies it rather than leaving the page
    }
    if (event.ctrlKey || event.metaKey) {
      window.open(row.getAttribute("data-href"), "_blank");
    } else {
      window.location.assign(row.getAttribute("data-href"));
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

  // The lightbox is built once, on first use, so pages carry no modal markup of their own.
  function lightbox(link) {
    var modal = document.getElementById("kesu-lightbox");
    if (!modal) {
      modal = document.createElement("div");
      modal.id = "kesu-lightbox";
      modal.className = "modal fade";
      modal.tabIndex = -1;
      modal.setAttribute("aria-hidden", "true");
      modal.innerHTML = '<div class="modal-dialog modal-xl modal-dialog-centered"><div class="modal-content">' +
        '<div class="modal-header py-2"><h5 class="modal-title h6"></h5>' +
        '<button type="button" class="btn-close" data-bs-dismiss="modal"></button></div>' +
        '<div class="modal-body text-center"><a target="_blank" rel="noopener"><img class="kesu-lightbox-img" alt=""></a>' +
        '</div></div></div>';
      document.body.appendChild(modal);
    }
    var caption = link.getAttribute("data-caption") || "";
    modal.querySelector(".modal-title").textContent = caption;
    modal.querySelector(".btn-close").setAttribute("aria-label", link.getAttribute("data-close-label") || "Close");
    modal.querySelector(".modal-body a").href = link.href;
    var image = modal.querySelector("img");
    image.src = link.href;
    image.alt = caption;
    window.bootstrap.Modal.getOrCreateInstance(modal).show();
  }

  // A link to a section inside a tab (…#analysis-trend) opens that tab.
  document.addEventListener("DOMContentLoaded", function () {
    if (!location.hash || !window.bootstrap) {
      return;
    }
    var tab = document.querySelector('[data-bs-toggle="tab"][data-bs-target="' + CSS.escape(location.hash) + '"]');
    if (tab) {
      window.bootstrap.Tab.getOrCreateInstance(tab).show();
    }
  });

  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element ? event.target.closest("a[data-kesu-lightbox]") : null;
    if (!link || !window.bootstrap || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    event.preventDefault();
    lightbox(link);
  });
})();

/* Type-ahead lookups (kesu.core.lookups, issue 17 §1) and file drop zones.
 *
 *   <div data-lookup>                         one lookup: the search box (htmx asks the server for matches),
 *     <input data-lookup-search>              the hidden input holding the chosen record's value, the list of
 *     <input type="hidden" data-lookup-value> matches (buttons with data-lookup-choice, -label and -display) and
 *     <div role="listbox">…</div>             a hint naming the choice. Typing again drops the choice: what is
 *     <div data-lookup-hint>                  typed is then sent (a code, an id or an exact name).
 *   <input data-lookup-narrow="customer">     choosing another customer empties the lookups narrowed by it
 *   <div data-dropzone><input type=file multiple> files dropped on the zone are added to the input
 */
(function () {
  "use strict";

  function parts(element) {
    var box = element.closest("[data-lookup]");
    if (!box) {
      return null;
    }
    return {
      box: box,
      search: box.querySelector("[data-lookup-search]"),
      value: box.querySelector("[data-lookup-value]"),
      list: box.querySelector("[role=listbox]"),
      hint: box.querySelector("[data-lookup-hint]")
    };
  }

  function close(p) {
    p.list.innerHTML = "";
    p.search.setAttribute("aria-expanded", "false");
  }

  function choose(button) {
    var p = parts(button);
    var before = p.value.value || p.search.value;
    var label = button.getAttribute("data-lookup-label");
    p.value.value = button.getAttribute("data-lookup-choice");
    p.search.value = button.getAttribute("data-lookup-display") || label;
    p.hint.textContent = label === p.search.value ? "" : label;
    close(p);
    var narrow = p.value.getAttribute("data-lookup-narrow");
    if (narrow && before !== p.value.value && p.value.form) {
      // Contacts, parts, contracts and shipments chosen for another customer no longer fit.
      p.value.form.querySelectorAll("[data-lookup-narrowed-by='" + narrow + "']").forEach(function (search) {
        var other = parts(search);
        other.search.value = "";
        other.value.value = "";
        other.hint.textContent = "";
      });
    }
    p.value.dispatchEvent(new Event("change", {bubbles: true}));
    p.search.focus();
  }

  document.addEventListener("input", function (event) {
    var search = event.target;
    if (search instanceof Element && search.hasAttribute("data-lookup-search")) {
      var p = parts(search);
      p.value.value = "";  // typing again drops the choice: what is typed is sent (a code typed in full works)
      p.hint.textContent = "";
    }
  });

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    var button = target ? target.closest("[data-lookup-choice]") : null;
    if (button) {
      event.preventDefault();
      choose(button);
      return;
    }
    document.querySelectorAll("[data-lookup]").forEach(function (box) {
      if (!target || !box.contains(target)) {
        close(parts(box));
      }
    });
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    var p = target ? parts(target) : null;
    if (!p) {
      return;
    }
    var options = Array.prototype.slice.call(p.list.querySelectorAll("[data-lookup-choice]"));
    var at = options.indexOf(target);
    if (event.key === "Escape") {
      close(p);
      p.search.focus();
    } else if (event.key === "ArrowDown" && options.length) {
      event.preventDefault();
      options[Math.min(at + 1, options.length - 1)].focus();
    } else if (event.key === "ArrowUp" && at >= 0) {
      event.preventDefault();
      (at === 0 ? p.search : options[at - 1]).focus();
    } else if (event.key === "Enter" && target === p.search && options.length) {
      event.preventDefault();  // an open list: Enter takes the only match, never submits a half-typed form
      if (options.length === 1) {
        choose(options[0]);
      }
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var p = event.target instanceof Element ? parts(event.target) : null;
    if (p && event.target === p.list) {
      if (!p.box.contains(document.activeElement)) {
        close(p);  // the answer came after the person moved on: the list would cover the next fields
        return;
      }
      p.search.setAttribute("aria-expanded", p.list.children.length ? "true" : "false");
    }
  });

  document.addEventListener("focusin", function (event) {
    document.querySelectorAll("[data-lookup]").forEach(function (box) {
      if (!(event.target instanceof Node) || !box.contains(event.target)) {
        close(parts(box));
      }
    });
  });

  function addFiles(input, files) {
    if (typeof DataTransfer !== "function") {
      input.files = files;
      return;
    }
    var all = new DataTransfer();
    Array.prototype.forEach.call(input.files, function (file) { all.items.add(file); });
    Array.prototype.forEach.call(files, function (file) { all.items.add(file); });
    input.files = all.files;
    input.dispatchEvent(new Event("change", {bubbles: true}));
  }

  ["dragenter", "dragover"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      var zone = event.target instanceof Element ? event.target.closest("[data-dropzone]") : null;
      if (zone) {
        event.preventDefault();
        zone.classList.add("border-primary");
      }
    });
  });

  document.addEventListener("dragleave", function (event) {
    var zone = event.target instanceof Element ? event.target.closest("[data-dropzone]") : null;
    if (zone && !zone.contains(event.relatedTarget)) {
      zone.classList.remove("border-primary");
    }
  });

  document.addEventListener("drop", function (event) {
    var zone = event.target instanceof Element ? event.target.closest("[data-dropzone]") : null;
    var input = zone ? zone.querySelector("input[type=file]") : null;
    if (!input || !event.dataTransfer || !event.dataTransfer.files.length) {
      return;
    }
    event.preventDefault();
    zone.classList.remove("border-primary");
    addFiles(input, input.multiple ? event.dataTransfer.files : [event.dataTransfer.files[0]]);
  });

  document.addEventListener("change", function (event) {
    var input = event.target;
    var zone = input instanceof Element ? input.closest("[data-dropzone]") : null;
    var list = zone ? zone.querySelector("[data-dropzone-files]") : null;
    if (list && input.files) {
      list.textContent = Array.prototype.map.call(input.files, function (file) { return file.name; }).join("、");
    }
  });
})();
