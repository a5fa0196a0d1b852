/* The lead picture field of the article form: "Choose from the library" opens the chooser
   (picture-chooser.js) in a window of its own, which calls newsroomPictureChosen back;
   "Remove" empties the field. Both tell the form it changed (autosave listens). */
"use strict";
(function () {
  function show(chooser, picture) {
    const input = chooser.querySelector("input[type=hidden]");
    const current = chooser.querySelector(".picture-chooser__current");
    const clear = chooser.querySelector(".picture-chooser__clear");
    input.value = picture ? picture.id : "";
    current.replaceChildren();
    const words = document.createElement("span");
    words.className = "picture-chooser__words";
    if (picture) {
      const thumb = document.createElement("img");
      thumb.className = "picture-thumb";
      thumb.src = picture.thumb || picture.url;
      thumb.alt = "";
      thumb.width = 160;
      thumb.height = 90;
      current.append(thumb);
      words.textContent = picture.credit ? `${picture.alt} — ${picture.credit}` : picture.alt;
    } else {
      words.textContent = chooser.dataset.empty || "";
    }
    current.append(words);
    clear.hidden = !picture;
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  window.newsroomPictureChosen = (fieldId, picture) => {
    const input = document.getElementById(fieldId);
    const chooser = input && input.closest(".picture-chooser");
    if (chooser) show(chooser, picture);
  };

  document.addEventListener("click", (event) => {
    const choose = event.target.closest(".picture-chooser__choose");
    if (choose) {
      event.preventDefault();
      window.open(choose.href, "picture-chooser", "width=900,height=700");
      return;
    }
    const clear = event.target.closest(".picture-chooser__clear");
    if (clear) show(clear.closest(".picture-chooser"), null);
  });
})();
