"""The desk (the admin's home) in Chromium: every block readable, charts drawn, axe clean."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Correction
from articles.roles import EDITOR
from tests.browser.test_newsroom_workflow import log_in, staff
from tests.comments.factories import CommentFactory
from tests.factories import ArticleFactory, SectionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
EVERY_IMPACT = {"minor", "moderate", "serious", "critical"}


def a_busy_week(editor):
    now = timezone.now()
    sections = [SectionFactory(name=name) for name in ("Actualité", "Monde", "Économie")]
    for n in range(40):
        ArticleFactory(
            title=f"Article paru numéro {n}",
            section=sections[n % 3],
            published_at=now - timedelta(days=n % 30, minutes=5),
        )
    for n in range(5):
        ArticleFactory(
            title=f"Programmé numéro {n}",
            section=sections[0],
            published_at=now + timedelta(days=n, hours=2),
        )
    ArticleFactory(
        title="Mon brouillon sur la réforme", status=Article.Status.DRAFT, created_by=editor
    )
    review = ArticleFactory(title="À relire avant midi", status=Article.Status.REVIEW)
    Correction.objects.create(article=review, text="Le nom du ministre était mal orthographié.")
    for _n in range(3):
        CommentFactory(status="pending")


def test_the_desk_reads_at_a_glance_and_passes_axe(live_server, browser, axe):
    editor = staff("redaction", EDITOR)
    a_busy_week(editor)
    page = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900}).new_page()
    log_in(page, live_server.url, "redaction")
    assert page.get_by_role("heading", name="Aujourd’hui à la rédaction").is_visible()
    for block in ["Mes brouillons", "En attente de relecture", "Programmé cette semaine",
                  "Publié aujourd’hui", "Commentaires en attente", "Corrections de la semaine"]:  # fmt: skip
        assert page.get_by_role("heading", name=block).is_visible(), block
    days = page.locator(".desk-day")
    assert days.count() == 7
    assert days.first.get_by_role("link", name="Programmé numéro 0").is_visible()
    per_day = page.get_by_role("img", name="Articles publiés par jour, sur les 30 derniers jours")
    assert per_day.locator("rect").count() == 30
    assert per_day.bounding_box()["width"] > 500
    # The figures behind each chart, for readers who cannot see it.
    page.get_by_text("Les chiffres").first.click()
    assert page.locator(".desk-figures table").first.is_visible()
    # Nothing runs off the page at a laptop's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert axe(page, impacts=EVERY_IMPACT) == []
    page.screenshot(path="/tmp/desk.png", full_page=True)
    page.context.close()
