// Comment forms come in pages that every reader shares (and caches keep), so they carry
// no token of their own. The tokens a post needs (CSRF and the single-use submission
// stamp) are asked for when the reader starts writing, from a small uncached address in
// the form's data-tokens. Without this script, or if that request fails, the post still
// goes: the server sends the form back once with the reader's text and fresh tokens.
(function () {
  "use strict";

  function prepare(form) {
    var pending = null;

    function fill(tokens) {
      form.elements.csrfmiddlewaretoken.value = tokens.csrfmiddlewaretoken;
      form.elements.stamp.value = tokens.stamp;
    }

    function load() {
      if (pending === null) {
        pending = fetch(form.dataset.tokens, {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        })
          .then(function (response) {
            if (!response.ok) {
              throw new Error("tokens: " + response.status);
            }
            return response.json();
          })
          .then(fill)
          .catch(function () {
            pending = null; // ask again next time; the server copes without them
          });
      }
      return pending || Promise.resolve();
    }

    form.addEventListener("focusin", load);
    form.addEventListener("submit", function (event) {
      if (form.elements.stamp.value) {
        return;
      }
      event.preventDefault();
      load().then(function () {
        form.submit();
      });
    });
  }

  document.querySelectorAll("form[data-tokens]").forEach(prepare);
})();
