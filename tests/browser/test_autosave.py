"""Autosave in Chromium: work typed, the tab closed mid-edit, the work offered back and
restored; leaving with unsaved changes asks first."""

import pytest
from django.urls import reverse

from articles.models import Article, AutosavedCopy
from articles.roles import EDITOR
from tests.browser.test_newsroom_workflow import log_in, staff
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_work_survives_a_closed_tab_and_is_restored(live_server, browser):
    staff("redaction", EDITOR)
    article = ArticleFactory(title="Titre enregistré", status=Article.Status.DRAFT)
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, live_server.url, "redaction")
    change = live_server.url + reverse("admin:articles_article_change", args=[article.pk])
    page.goto(change)
    page.locator("#id_title").fill("Titre réécrit dans l’urgence")
    body = page.locator(".field-body .ProseMirror[contenteditable=true]")
    body.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" Une phrase ajoutée avant la panne.")
    page.get_by_role("status").filter(has_text="Travail en cours gardé à").wait_for(timeout=15000)
    page.close()  # the tab is closed, nothing saved

    article.refresh_from_db()
    assert article.title == "Titre enregistré"
    page = context.new_page()
    page.goto(change)
    offer = page.get_by_role("alert").filter(has_text="n’a pas été enregistré")
    assert offer.is_visible()
    offer.get_by_role("link", name="Reprendre mon travail en cours").click()
    assert page.locator("#id_title").input_value() == "Titre réécrit dans l’urgence"
    assert "Une phrase ajoutée avant la panne." in body_text(page)
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_url("**/admin/articles/article/")
    article.refresh_from_db()
    assert article.title == "Titre réécrit dans l’urgence"
    assert "Une phrase ajoutée avant la panne." in article.body
    assert not AutosavedCopy.objects.exists()
    context.close()


def body_text(page) -> str:
    return page.locator(".field-body .ProseMirror[contenteditable=true]").inner_text()


def test_leaving_with_unsaved_changes_asks_first(live_server, browser):
    staff("redaction", EDITOR)
    article = ArticleFactory(status=Article.Status.DRAFT)
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, live_server.url, "redaction")
    page.goto(live_server.url + reverse("admin:articles_article_change", args=[article.pk]))
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    page.close(run_before_unload=True)  # nothing typed: leaves without a question
    other = context.new_page()
    other.wait_for_timeout(300)
    assert asked == [] and page.is_closed()

    page = context.new_page()
    page.on("dialog", answer)
    page.goto(live_server.url + reverse("admin:articles_article_change", args=[article.pk]))
    page.locator("#id_title").fill("Un changement à ne pas perdre")
    page.close(run_before_unload=True)
    other.wait_for_timeout(500)
    assert asked == ["beforeunload"] and not page.is_closed()
    context.close()
