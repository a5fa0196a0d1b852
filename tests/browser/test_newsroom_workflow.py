"""A story's life in the admin, end to end in Chromium: write, submit, preview, schedule, read."""

from datetime import timedelta
from io import BytesIO
from unittest import mock

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from articles.models import Article
from articles.roles import CONTRIBUTOR, EDITOR
from tests.factories import AuthorFactory, SectionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def staff(username: str, role: str) -> User:
    user = User.objects.create_user(username, password="motdepasse-solide", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def log_in(page, base: str, username: str):
    page.goto(base + reverse("admin:login"))
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill("motdepasse-solide")
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url("**/admin/")


def jpeg_bytes() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (1200, 675), "#2a6f97").save(buffer, "JPEG")
    return buffer.getvalue()


def test_contributor_writes_editor_schedules_reader_reads(live_server, browser):
    SectionFactory(name="Actualité", slug="actualite")
    contributor = staff("camille", CONTRIBUTOR)
    AuthorFactory(name="Camille Dufresne", user=contributor)
    staff("sara", EDITOR)
    base = live_server.url

    # The contributor writes and submits a story.
    writer = browser.new_context(locale="fr-FR").new_page()
    log_in(writer, base, "camille")
    writer.goto(base + reverse("admin:articles_article_add"))
    writer.locator("#id_title").fill("Le tramway de nuit entre en service")
    writer.get_by_label("Chapô").fill("Trois lignes circuleront jusqu’à deux heures du matin.")
    editor_box = writer.locator(".ProseMirror[contenteditable=true]")
    editor_box.click()
    writer.keyboard.type("La métropole lance son service de nuit ce vendredi.")
    writer.keyboard.press("Enter")
    writer.keyboard.type("## Des rames toutes les vingt minutes")
    writer.keyboard.press("Enter")
    writer.keyboard.type("Le détail figure dans le rapport de la régie.")
    # A link, made with the toolbar like an editor would.
    writer.keyboard.press("Shift+Home")
    writer.locator(".prose-menubar button[data-name=link]").click()
    dialog = writer.locator("dialog[open]")
    dialog.locator("input").first.fill("https://example.org/regie/rapport")
    dialog.get_by_role("button").filter(has_text="Update").or_(
        dialog.locator("button[type=submit]")
    ).first.click()
    writer.locator("input[name=lead_image]").set_input_files(
        {"name": "tram.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}
    )
    writer.get_by_label("Texte alternatif").fill("Une rame de tramway éclairée dans la nuit")
    writer.locator("#id_lead_image_credit").fill("Illustration Newsroom")
    writer.get_by_label("Rubrique").select_option(label="Actualité")
    status = writer.get_by_label("Statut")
    assert "Publié" not in status.inner_text()  # a contributor cannot publish
    status.select_option(value="review")
    writer.get_by_role("button", name="Enregistrer", exact=True).click()
    writer.wait_for_url("**/admin/articles/article/")
    assert "publish_selected" not in writer.content()

    article = Article.objects.get(title="Le tramway de nuit entre en service")
    assert article.status == Article.Status.REVIEW
    assert "<h2>Des rames toutes les vingt minutes</h2>" in article.body_html
    assert 'href="https://example.org/regie/rapport"' in article.body_html
    assert article.lead_picture.renditions
    assert article.bylines.get().author.name == "Camille Dufresne"

    # The editor previews it, then schedules it a minute ahead.
    editor = browser.new_context(locale="fr-FR").new_page()
    log_in(editor, base, "sara")
    editor.goto(base + reverse("admin:articles_article_change", args=[article.pk]))
    with editor.expect_popup() as popup:
        editor.get_by_role("link", name="Aperçu").click()
    shown = popup.value
    shown.wait_for_load_state()
    assert "Aperçu" in shown.locator(".preview-banner").inner_text()
    assert shown.locator(".article__body h2").inner_text() == "Des rames toutes les vingt minutes"
    when = timezone.localtime(timezone.now() + timedelta(minutes=1))
    editor.get_by_label("Statut").select_option(value="published")
    editor.locator("input[name=published_at_0]").fill(when.strftime("%d/%m/%Y"))
    editor.locator("input[name=published_at_1]").fill(when.strftime("%H:%M:%S"))
    editor.get_by_role("button", name="Enregistrer", exact=True).click()
    editor.wait_for_url("**/admin/articles/article/")
    assert "Programmé pour" in editor.content()

    # A reader does not see it yet; once its time has passed, the homepage leads with it.
    reader = browser.new_context(locale="fr-FR").new_page()
    reader.goto(base + "/")
    assert "Le tramway de nuit" not in reader.content()
    later = timezone.now() + timedelta(minutes=2)
    with mock.patch("django.utils.timezone.now", return_value=later):
        reader.goto(base + "/")
        assert reader.locator(".card--lead .card__title").inner_text() == (
            "Le tramway de nuit entre en service"
        )


def test_the_article_form_gives_the_headline_and_the_body_room(live_server, browser):
    """At 1280 px a long headline is read whole and the body opens a page tall (the
    headline box cut titles, the body editor started as a one-line box)."""
    staff("redaction", EDITOR)
    page = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900}).new_page()
    log_in(page, live_server.url, "redaction")
    page.goto(live_server.url + reverse("admin:articles_article_add"))
    headline = "Paris et Washington relancent une médiation discrète avec Moscou sur l’Ukraine"
    page.locator("#id_title").fill(headline)
    title = page.locator("#id_title")
    fits = title.evaluate("e => e.scrollWidth <= e.clientWidth && e.scrollHeight <= e.clientHeight")
    assert title.bounding_box()["width"] >= 600 and fits
    assert (
        page.locator(".field-body .ProseMirror[contenteditable=true]").bounding_box()["height"]
        >= 300
    )
    page.context.close()


def test_the_desk_lists_read_whole_at_1280_px(live_server, browser):
    """The article list and the moderation queue at 1280 px: no column clipped, and a long
    headline on at most three lines (titles wrapped over 4-5 lines, the pending-comments
    column and the queue's text and reason were cut)."""
    from comments.models import Comment

    staff("redaction", EDITOR)
    section = SectionFactory(name="International")
    author = AuthorFactory(name="Camille Dufresne")
    for n in range(3):
        article = Article.objects.create(
            title=f"Paris et Washington relancent une médiation discrète avec Moscou {n}",
            body="<p>Texte.</p>",
            section=section,
            status="published",
            published_at=timezone.now() - timedelta(hours=n),
        )
        article.bylines.create(author=author, position=0)
        Comment.objects.create(
            article=article,
            name="Lectrice attentive",
            email="l@example.org",
            text="Un commentaire assez long pour remplir sa colonne " * 4,
            status="pending",
            moderation_rule="links",
            moderation_detail="3 links: the policy allows 1 (example.org, exemple.fr)",
        )
    page = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900}).new_page()
    log_in(page, live_server.url, "redaction")
    clipped = (
        "() => [...document.querySelectorAll('#result_list th, #result_list td')]"
        ".filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.className)"
    )
    page.goto(live_server.url + reverse("admin:articles_article_changelist"))
    assert page.evaluate(clipped) == []
    title = page.locator("#result_list td.field-title, #result_list th.field-title").first
    line = float(title.evaluate("c => parseFloat(getComputedStyle(c).lineHeight) || 18"))
    assert title.bounding_box()["height"] <= 3 * line + 12
    page.goto(live_server.url + reverse("admin:comments_comment_changelist"))
    assert page.evaluate(clipped) == []
    page.context.close()
