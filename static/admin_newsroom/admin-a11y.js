/* Names for the admin's widgets that draw their own controls, for screen readers.

   Select2 (the admin's autocomplete) draws a combobox named only by its current value,
   and the rich-text editor an editable area with no name: each gets the label of the
   field it stands for. Widgets added later (a new inline row) are named as they appear. */
"use strict";
(() => {
  function labelOf(field) {
    const label = field.id && document.querySelector(`label[for="${CSS.escape(field.id)}"]`);
    return label ? label.textContent.replace(/\s*:\s*$/, "").trim() : "";
  }

  function name(root) {
    for (const combobox of root.querySelectorAll(".select2-selection[role=combobox]")) {
      const select = combobox.closest(".select2")?.previousElementSibling;
      const label = select && labelOf(select);
      if (label && !combobox.hasAttribute("aria-label")) combobox.setAttribute("aria-label", label);
      // Its text box is named by the value chosen; with none chosen, by the field's label.
      const shown = combobox.querySelector(".select2-selection__rendered[role=textbox]");
      if (shown && label && !shown.textContent.trim()) shown.setAttribute("aria-label", label);
      else if (shown) shown.removeAttribute("aria-label");
    }
    for (const editable of root.querySelectorAll(".prose-editor .ProseMirror")) {
      const textarea = editable.closest(".prose-editor").querySelector("textarea");
      const label = textarea && labelOf(textarea);
      if (label && !editable.hasAttribute("aria-label")) {
        editable.setAttribute("aria-label", label);
        editable.setAttribute("aria-multiline", "true");
      }
    }
  }

  function start() {
    name(document);
    new MutationObserver(() => name(document)).observe(document.body, {
      childList: true,
      subtree: true,
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
