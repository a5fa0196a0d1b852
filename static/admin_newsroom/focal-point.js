/* The picture's change form: a click (or a tap) on the preview sets the focal point that
   card and sharing crops keep; the two number fields stay for the keyboard. */
"use strict";
(function () {
  function start() {
    const frame = document.querySelector(".focal-point");
    const x = document.querySelector("input.focal-x");
    const y = document.querySelector("input.focal-y");
    if (!frame || !x || !y) return;
    const picture = frame.querySelector(".focal-point__picture");
    const marker = frame.querySelector(".focal-point__marker");
    const place = () => {
      marker.style.left = `${x.value}%`;
      marker.style.top = `${y.value}%`;
      marker.hidden = false;
    };
    picture.addEventListener("click", (event) => {
      const box = picture.getBoundingClientRect();
      x.value = Math.round(((event.clientX - box.left) / box.width) * 100);
      y.value = Math.round(((event.clientY - box.top) / box.height) * 100);
      x.dispatchEvent(new Event("change", { bubbles: true }));
      place();
    });
    x.addEventListener("input", place);
    y.addEventListener("input", place);
    place();
  }
  document.addEventListener("DOMContentLoaded", start);
})();
