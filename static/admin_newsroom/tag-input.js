/* Tags typed in one field, with the site's tags suggested as the last one is typed.

   The suggestions come from the admin's own autocomplete view (the tags' search), and
   are offered through a <datalist>: the browser's own list, keyboard and screen-reader
   friendly. Each suggestion is the whole field with the last name completed. */
"use strict";
function startTagInputs() {
  for (const input of document.querySelectorAll("input.tag-input[data-suggestions]")) {
    const list = document.createElement("datalist");
    list.id = `${input.id}_suggestions`;
    input.after(list);
    input.setAttribute("list", list.id);
    let timer = null;
    let asked = "";

    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => suggest(input, list), 150);
    });

    async function suggest() {
      const parts = input.value.split(",");
      const term = parts[parts.length - 1].trim();
      if (!term || term === asked) return;
      asked = term;
      const typed = new Set(parts.slice(0, -1).map((name) => name.trim().toLowerCase()));
      const prefix = parts
        .slice(0, -1)
        .map((name) => name.trim())
        .filter(Boolean)
        .concat([""])
        .join(", ");
      const query = new URLSearchParams({
        app_label: "articles",
        model_name: "taggedarticle",
        field_name: "tag",
        term,
      });
      try {
        const response = await fetch(`${input.dataset.suggestions}?${query}`, {
          credentials: "same-origin",
        });
        if (!response.ok) return;
        const { results } = await response.json();
        list.replaceChildren(
          ...results
            .filter((tag) => !typed.has(tag.text.toLowerCase()))
            .map((tag) => new Option(tag.text, prefix + tag.text)),
        );
      } catch (error) {
        // No suggestions this time: typing still works.
      }
    }
  }
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", startTagInputs);
else startTagInputs();
