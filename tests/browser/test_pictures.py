"""The picture library in Chromium: a lead picture and a body picture chosen from the
library's chooser, the chooser and the picture's page passing axe."""

import pytest
from django.urls import reverse

from articles.models import Article
from articles.roles import EDITOR
from tests.browser.test_newsroom_workflow import log_in, staff
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    PictureFactory,
    SectionFactory,
    image_file,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
EVERY_IMPACT = {"minor", "moderate", "serious", "critical"}


@pytest.fixture
def desk(live_server, browser):
    editor = staff("redaction", EDITOR)
    article = ArticleFactory(
        title="Le pont rouvre",
        status=Article.Status.DRAFT,
        authors=[AuthorFactory(name="Sara", user=editor)],
        section=SectionFactory(name="Actualité"),
    )
    bridge = PictureFactory(
        file=image_file("pont.jpg", size=(1600, 900)),
        alt="Le pont sous la neige",
        caption="Le pont, mardi matin",
        credit="Photo Rédaction",
    )
    PictureFactory(alt="Une place de marché")
    page = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900}).new_page()
    log_in(page, live_server.url, "redaction")
    page.goto(live_server.url + reverse("admin:articles_article_change", args=[article.pk]))
    yield page, article, bridge
    page.context.close()


def test_the_lead_picture_is_chosen_from_the_library(desk, axe):
    page, article, bridge = desk
    with page.expect_popup() as opened:
        page.get_by_role("link", name="Choisir dans la photothèque").click()
    chooser = opened.value
    assert axe(chooser, impacts=EVERY_IMPACT) == []
    chooser.get_by_label("Chercher dans la photothèque").fill("neige")
    chooser.get_by_label("Chercher dans la photothèque").press("Enter")
    chooser.wait_for_load_state()
    assert chooser.locator(".picture-choice").count() == 1
    with chooser.expect_event("close"):
        chooser.locator(".picture-choice").click()
    assert page.locator(".picture-chooser__words").inner_text().startswith("Le pont sous la neige")
    assert (
        page.locator(".picture-chooser img").evaluate("img => img.complete && img.naturalWidth") > 0
    )
    page.get_by_role("button", name="Enregistrer et continuer les modifications").click()
    page.wait_for_load_state()
    article.refresh_from_db()
    assert article.lead_picture == bridge
    page.get_by_role("button", name="Retirer l’image").click()
    page.get_by_role("button", name="Enregistrer et continuer les modifications").click()
    page.wait_for_load_state()
    article.refresh_from_db()
    assert article.lead_picture is None


def test_a_body_picture_is_inserted_from_the_toolbar(desk, live_server):
    page, article, bridge = desk
    page.get_by_role("textbox", name="Corps").click()
    page.keyboard.press("End")
    page.locator(".prose-menubar button[data-name=figure]").click()
    dialog = page.locator("dialog[open]")
    with page.expect_popup() as opened:
        dialog.get_by_role("button", name="Parcourir...").click()
    chooser = opened.value
    chooser.wait_for_load_state()
    with chooser.expect_event("close"):
        chooser.locator(".picture-choice", has_text="Le pont sous la neige").click()
    assert dialog.locator("input[name=altText]").input_value() == "Le pont sous la neige"
    dialog.locator("button[type=submit]").first.click()
    page.get_by_role("button", name="Enregistrer et continuer les modifications").click()
    page.wait_for_load_state()
    article.refresh_from_db()
    assert f'data-file="{bridge.pk}"' in article.body and "srcset=" in article.body
    assert "<figcaption>Le pont, mardi matin — Photo Rédaction</figcaption>" in article.body
    assert list(article.body_pictures.all()) == [bridge]
    # On a phone the picture fits the page and its smallest rendition is the one fetched.
    reader = page.context.browser.new_context(viewport={"width": 375, "height": 800}).new_page()
    Article.objects.filter(pk=article.pk).update(status=Article.Status.PUBLISHED)
    reader.goto(live_server.url + article.get_absolute_url())
    img = reader.locator(".article__body figure img")
    img.scroll_into_view_if_needed()
    img.evaluate("img => img.decode()")
    assert img.evaluate("img => img.getBoundingClientRect().width") <= 375
    assert "-480.webp" in img.evaluate("img => img.currentSrc")
    assert reader.evaluate("document.documentElement.scrollWidth") <= 375
    reader.context.close()


def test_the_focal_point_is_set_by_a_click_and_the_page_passes_axe(desk, live_server, axe):
    page, _, bridge = desk
    page.goto(live_server.url + reverse("admin:pictures_picture_change", args=[bridge.pk]))
    assert axe(page, impacts=EVERY_IMPACT) == []
    picture = page.locator(".focal-point__picture")
    box = picture.bounding_box()
    picture.click(position={"x": box["width"] * 0.8, "y": box["height"] * 0.25})
    assert page.locator("input.focal-x").input_value() == "80"
    assert page.locator("input.focal-y").input_value() == "25"
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_load_state()
    bridge.refresh_from_db()
    assert (bridge.focal_x, bridge.focal_y) == (80, 25) and bridge.crops["card"]
