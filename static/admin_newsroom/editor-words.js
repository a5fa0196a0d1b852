/* The rich-text editor's own words in the admin's language.

   django-prose-editor writes its toolbar's tooltips and its heading menu in English
   without passing them to gettext(). The admin's JavaScript catalogue (jsi18n) holds
   their translations; this script puts them in place as the editor draws its toolbar and
   its dialogs. The text an editor writes is never touched: only the toolbar and dialogs. */
"use strict";
(() => {
  const gettext = window.gettext || ((text) => text);
  // What the editor shows (its English words) -> the same words in the admin's language.
  const WORDS = new Map([
    ["paragraph", gettext("Paragraph")],
    ["Paragraph", gettext("Paragraph")],
    ["Heading 2", gettext("Sub-heading")],
    ["Heading 3", gettext("Minor sub-heading")],
    ["unordered list", gettext("Bulleted list")],
    ["ordered list", gettext("Numbered list")],
    ["blockquote", gettext("Quotation")],
    ["bold", gettext("Bold")],
    ["italic", gettext("Italic")],
    ["subscript", gettext("Subscript")],
    ["superscript", gettext("Superscript")],
    ["insert link", gettext("Insert a link")],
    ["remove link", gettext("Remove the link")],
    ["undo", gettext("Undo")],
    ["redo", gettext("Redo")],
    ["Insert table", gettext("Insert a table")],
    ["Add column", gettext("Add a column")],
    ["Delete column", gettext("Delete the column")],
    ["Add row", gettext("Add a row")],
    ["Delete row", gettext("Delete the row")],
    ["Toggle header cell", gettext("Header cell or not")],
    ["Delete table", gettext("Delete the table")],
    ["Yes", gettext("Yes")],
    ["No", gettext("No")],
    ["Merge cells", gettext("Merge cells")],
    ["Split cell", gettext("Split the cell")],
    ["figure", gettext("Picture")],
    ["horizontal rule", gettext("Separator")],
    ["edit HTML", gettext("Edit the HTML")],
    ["Code", gettext("Code")],
    ["Code block", gettext("Code block")],
    ["Styles", gettext("Styles")],
    // The link dialog's field, which the editor's own catalogue leaves as "URL".
    ["URL", gettext("Address")],
  ]);
  const PARTS = ".prose-menubar, dialog";

  function translate(element) {
    for (const attribute of ["title", "aria-label"]) {
      const word = WORDS.get(element.getAttribute(attribute));
      if (word) element.setAttribute(attribute, word);
    }
    if (element.childElementCount === 0) {
      const word = WORDS.get(element.textContent.trim());
      // Buttons show an icon font's ligature as text ("format_bold"): never a word here.
      if (word && !element.classList.contains("material-icons")) {
        // An option without a value is worth its text: the editor reads "Yes", not "Oui".
        if (element.tagName === "OPTION" && !element.hasAttribute("value")) {
          element.value = element.textContent;
        }
        element.textContent = word;
      }
    }
  }

  function translateWithin(node) {
    if (!(node instanceof Element)) return;
    const parts = node.matches(PARTS) ? [node] : [...node.querySelectorAll(PARTS)];
    if (!parts.length && node.closest(PARTS)) parts.push(node);
    for (const part of parts) {
      translate(part);
      part.querySelectorAll("*").forEach(translate);
    }
  }

  function start() {
    translateWithin(document.body);
    new MutationObserver((changes) => {
      for (const change of changes) change.addedNodes.forEach(translateWithin);
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
