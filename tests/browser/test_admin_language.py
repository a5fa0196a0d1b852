"""The admin in each staff member's language, the rich-text editor's toolbar and dialogs
included (the editor package writes them in English)."""

import pytest
from django.urls import reverse

from articles.roles import EDITOR
from tests.browser.test_newsroom_workflow import log_in, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What the editor package shows by itself, untranslated.
ENGLISH_WORDS = {
    "paragraph", "Paragraph", "Heading 2", "Heading 3", "unordered list", "ordered list",
    "blockquote", "bold", "italic", "subscript", "superscript", "insert link",
    "remove link", "undo", "redo", "Edit Link", "URL", "Title", "Update", "Cancel",
    "Open in new window", "Add column", "Delete column", "Add row", "Delete row",
    "Toggle header cell", "Delete table", "Insert table",
}  # fmt: skip
EDITOR_WORDS = """() => [...document.querySelectorAll('.prose-menubar *, dialog *')]
    .flatMap(e => [e.getAttribute('title'), e.getAttribute('aria-label'),
                   e.childElementCount || e.classList.contains('material-icons')
                       ? null : e.textContent.trim()])
    .filter(Boolean)"""


def open_link_dialog(page):
    body = page.locator(".field-body .ProseMirror[contenteditable=true]")
    body.click()
    page.keyboard.type("Le sommet de Paris")
    page.keyboard.press("Control+a")
    page.locator(".prose-menubar button[data-name=link]").click()
    page.locator("dialog[open]").wait_for()


def test_the_editor_speaks_french_and_english_on_request(live_server, browser):
    staff("redaction", EDITOR)
    page = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900}).new_page()
    log_in(page, live_server.url, "redaction")  # French, though the browser asks English
    page.goto(live_server.url + reverse("admin:articles_article_add"))
    page.locator(".prose-menubar").wait_for()
    open_link_dialog(page)
    words = set(page.evaluate(EDITOR_WORDS))
    assert {"Gras", "Italique", "Intertitre", "Paragraphe", "Modifier le lien"} <= words
    assert words & ENGLISH_WORDS == set()
    # The block-type menu's arrow is drawn, not a glyph the font lacks.
    arrow = page.locator(".prose-menubar__selected").first.evaluate(
        "e => getComputedStyle(e, '::after').content"
    )
    assert arrow in {'""', "none"}

    page.locator("dialog[open]").get_by_role("button", name="Annuler").click()

    # The staff member chooses English from the link in the header.
    page.get_by_role("link", name="Langue : Français").click()
    page.get_by_label("English").check()
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url("**/admin/articles/article/add/")
    page.locator(".prose-menubar").wait_for()
    assert page.get_by_role("button", name="Log out").is_visible()
    assert page.locator(".prose-menubar button[data-name=bold]").get_attribute("title") == "Bold"
    page.context.close()


def test_the_language_page_passes_axe(live_server, browser, axe):
    staff("redaction", EDITOR)
    page = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900}).new_page()
    log_in(page, live_server.url, "redaction")
    page.goto(live_server.url + reverse("admin:language"))
    assert axe(page, impacts={"minor", "moderate", "serious", "critical"}) == []
    page.context.close()
