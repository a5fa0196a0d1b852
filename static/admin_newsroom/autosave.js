/* The article form keeps the editor's work in progress and warns before it is lost.

   Every few seconds, if something changed, the form's text fields are posted to the
   person's autosaved copy (never to the article itself; articles/autosave.py). Leaving the
   page with changes not saved asks first. Saving the form itself clears both. */
"use strict";
function startAutosave() {
  const status = document.getElementById("autosave");
  const form = status && status.closest("form");
  if (!form) return;
  const EVERY_MS = 5000;
  const fields = new Set(status.dataset.fields.split(" ").concat(["loaded_token"]));
  let unsaved = false; // changed since the page loaded (or was saved)
  let unkept = false; // changed since the last autosave
  let submitting = false;

  const changed = () => {
    unsaved = true;
    unkept = true;
  };
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  // The rich-text editor copies its text to its textarea on each change, with an "input"
  // event that bubbles here.
  form.addEventListener("submit", () => {
    submitting = true;
  });

  async function keep() {
    if (!unkept || submitting) return;
    unkept = false;
    const data = new FormData();
    for (const [name, value] of new FormData(form)) {
      if (fields.has(name) && typeof value === "string") data.append(name, value);
    }
    try {
      const response = await fetch(status.dataset.url, {
        method: "POST",
        body: data,
        headers: { "X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value },
        credentials: "same-origin",
      });
      const answer = await response.json();
      if (!response.ok) throw new Error(answer.error);
      status.textContent = answer.message;
    } catch (error) {
      unkept = true;
      status.textContent = (error && error.message) || status.dataset.error;
    }
  }
  setInterval(keep, EVERY_MS);

  window.addEventListener("beforeunload", (event) => {
    if (unsaved && !submitting) {
      event.preventDefault();
      event.returnValue = ""; // older browsers show their own question only with this set
    }
  });
}

// The admin loads this script in the page's head: wait for the form.
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", startAutosave);
else startAutosave();
