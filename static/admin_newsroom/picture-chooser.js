/* The picture library's chooser, opened in its own window by the article form's lead
   picture field (?field=<input id>) or by the body editor's picture button
   (?CKEditorFuncNum=<n>, the protocol django-prose-editor's picker speaks). Choosing a
   picture, or uploading one, hands it back to the window that opened the chooser. */
"use strict";
(function () {
  const params = new URLSearchParams(window.location.search);

  function handBack(picture) {
    const opener = window.opener;
    if (!opener) return;
    const editorCall = params.get("CKEditorFuncNum");
    if (editorCall !== null && opener.CKEDITOR) {
      const caption = [picture.caption, picture.credit].filter(Boolean).join(" — ");
      opener.CKEDITOR.tools.callFunction(Number(editorCall), picture.url, {
        id: picture.id,
        alternative_text: picture.alt,
        caption: caption,
      });
    } else if (params.get("field") && opener.newsroomPictureChosen) {
      opener.newsroomPictureChosen(params.get("field"), picture);
    } else {
      return;
    }
    window.close();
  }

  document.addEventListener("click", (event) => {
    const choice = event.target.closest(".picture-choice");
    if (choice) handBack(choice.dataset);
  });
  document.addEventListener("DOMContentLoaded", () => {
    const uploaded = document.querySelector("[data-chosen]");
    if (uploaded) handBack(uploaded.dataset);
  });
})();
