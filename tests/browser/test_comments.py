"""A reader comments, an editor approves in the admin, the reader sees it and replies."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.urls import reverse

from comments.models import Comment
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def article(settings):
    # A person needs more than two seconds; this browser does not.
    settings.NEWSROOM_COMMENTS = {**settings.NEWSROOM_COMMENTS, "MIN_FORM_SECONDS": 0}
    cache.clear()
    return ArticleFactory(title="Le marché couvert rouvre ses portes")


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user(
        "redaction", password="motdepasse-solide", is_staff=True
    )
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="comments",
            codename__in=["view_comment", "change_comment", "moderate_comment"],
        )
    )
    return user


def fill_comment(page, text: str) -> None:
    form = page.locator("#respond form")
    form.get_by_label("Nom").fill("Camille")
    form.get_by_label("Courriel").fill("camille@example.org")
    form.get_by_label("Commentaire").fill(text)
    form.get_by_role("button", name="Publier").click()


def test_comment_is_moderated_then_published_with_a_threaded_reply(
    live_server, page, browser, axe, article, editor
):
    article_url = live_server.url + article.get_absolute_url()
    page.goto(article_url)
    assert page.get_by_role("heading", name="Laisser un commentaire").is_visible()
    fill_comment(page, "Enfin ! Le quartier en avait besoin.")
    page.wait_for_url(f"{article_url}#respond")
    assert page.get_by_role("status").inner_text() == (
        "Merci ! Votre commentaire apparaîtra dès qu’un modérateur l’aura validé."
    )
    assert "Enfin ! Le quartier" not in page.locator(".comment-list").all_inner_texts().__str__()
    comment = Comment.objects.get()

    admin = browser.new_context(locale="fr-FR").new_page()
    admin.goto(live_server.url + reverse("admin:login"))
    admin.get_by_label("Nom d’utilisateur").fill("redaction")
    admin.get_by_label("Mot de passe").fill("motdepasse-solide")
    admin.get_by_role("button", name="Connexion").click()
    admin.wait_for_url("**/admin/")
    admin.goto(live_server.url + reverse("admin:comments_comment_changelist"))
    assert "Modération a priori" in admin.locator("#result_list").inner_text()
    admin.locator(f'input[name="_selected_action"][value="{comment.pk}"]').check()
    admin.locator('select[name="action"]').select_option("approve")
    admin.get_by_role("button", name="Envoyer").click()
    assert "1 commentaire approuvé." in admin.locator(".messagelist").inner_text()
    admin.context.close()

    page.goto(article_url)
    shown = page.locator(f"#comment-{comment.pk}")
    assert "Enfin ! Le quartier en avait besoin." in shown.inner_text()
    assert page.locator("#comments-title").inner_text() == "1 commentaire"

    shown.get_by_role("link", name="Répondre à Camille").click()
    assert page.get_by_role("heading", name="Répondre à Camille").is_visible()
    fill_comment(page, "Et le samedi matin, il y a même un fromager.")
    page.wait_for_url(re.compile(r"#comment-\d+$"))
    reply = Comment.objects.get(parent=comment)
    assert reply.status == "approved"  # a known reader now
    nested = page.locator(f"#comment-{comment.pk} .comment-list--replies #comment-{reply.pk}")
    assert "un fromager" in nested.inner_text()
    assert page.locator("#comments-title").inner_text() == "2 commentaires"
    assert axe(page) == []


def test_form_errors_are_shown_accessibly(live_server, page, axe, article):
    page.goto(live_server.url + article.get_absolute_url())
    form = page.locator("#respond form")
    form.get_by_label("Courriel").fill("pas-une-adresse")
    form.get_by_role("textbox", name="Commentaire").fill("Mon texte reste là.")
    form.get_by_role("button", name="Publier").click()
    assert "Votre commentaire n’a pas pu être envoyé" in page.get_by_role("alert").inner_text()
    form = page.locator("#respond form")
    assert form.get_by_role("textbox", name="Commentaire").input_value() == "Mon texte reste là."
    assert form.get_by_label("Nom").get_attribute("aria-invalid") == "true"
    assert axe(page) == []


def test_long_discussion_pages_and_a_reply_on_a_later_page(
    live_server, page, axe, article, settings
):
    settings.NEWSROOM_COMMENTS = {**settings.NEWSROOM_COMMENTS, "THREADS_PER_PAGE": 2}
    for name in ["Alix", "Basile", "Chloé"]:
        Comment.objects.create(
            article=article,
            name=name,
            email=f"{name.lower()}@example.org",
            text=f"L’avis de {name}.",
            status=Comment.Status.APPROVED,
        )
    article_url = live_server.url + article.get_absolute_url()
    page.goto(article_url)
    pages = page.get_by_role("navigation", name="Pages des commentaires")
    assert "Page 1 sur 2" in pages.inner_text()
    assert "L’avis de Chloé." not in page.locator(".comment-list").inner_text()
    assert axe(page) == []

    pages.get_by_role("link", name="Commentaires suivants").click()
    page.wait_for_url(f"{article_url}?commentaires=2#comments")
    assert "L’avis de Chloé." in page.locator(".comment-list").inner_text()
    assert (
        page.get_by_role("navigation", name="Pages des commentaires")
        .get_by_role("link", name="Commentaires précédents")
        .is_visible()
    )

    page.get_by_role("link", name="Répondre à Chloé").click()
    assert page.get_by_role("heading", name="Répondre à Chloé").is_visible()
    fill_comment(page, "D’accord avec Chloé.")
    page.wait_for_url(f"{article_url}?commentaires=2#respond")
    assert Comment.objects.get(text="D’accord avec Chloé.").parent.name == "Chloé"
    assert axe(page) == []


def test_a_long_conversation_shows_its_oldest_replies_then_all_of_them(
    live_server, page, axe, article
):
    root = Comment.objects.create(
        article=article,
        name="Alix",
        email="alix@example.org",
        text="L’avis d’Alix.",
        status=Comment.Status.APPROVED,
    )
    for n in range(6):
        Comment.objects.create(
            article=article,
            parent=root,
            depth=1,
            name=f"Lecteur {n}",
            email=f"l{n}@example.org",
            text=f"Réponse numéro {n}.",
            status=Comment.Status.APPROVED,
        )
    article_url = live_server.url + article.get_absolute_url()
    page.goto(article_url)
    replies = page.locator(f"#comment-{root.pk} .comment-list--replies")
    assert "Réponse numéro 2." in replies.inner_text()
    assert "Réponse numéro 3." not in replies.inner_text()
    assert axe(page) == []

    page.get_by_role("link", name="Voir les 3 autres réponses").click()
    page.wait_for_url(f"{article_url}?conversation={root.pk}#comment-{root.pk}")
    assert "Réponse numéro 5." in replies.inner_text()
    assert axe(page) == []

    page.get_by_role("link", name="Répondre à Alix").click()
    assert page.get_by_role("heading", name="Répondre à Alix").is_visible()
    fill_comment(page, "Merci pour ce fil.")
    page.wait_for_url(f"{article_url}?conversation={root.pk}#respond")
    assert Comment.objects.get(text="Merci pour ce fil.").parent == root

    page.get_by_role("link", name="Retour aux commentaires").click()
    page.wait_for_url(f"{article_url}#comment-{root.pk}")
    assert "Réponse numéro 3." not in replies.inner_text()


HOSTILE_NAMES = [
    '--><meta http-equiv="refresh" content="0;url=https://example.org/">',
    '"]}--><script>document.title="pris"</script>',
    "</script><img src=x onerror=\"document.title='pris'\">",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_hostile_name_on_a_cached_reply_page_is_only_text(live_server, page, settings, name):
    """Regression (#14, finding 11): a name with `-->` closed the page cache's fragment marker
    and a meta refresh sent Chromium away from the Reply page; a name with `"]}-->` made
    that page a 500 on every cached request."""
    settings.NEWSROOM = {**settings.NEWSROOM, "PAGE_CACHE_SECONDS": 300}
    cache.clear()
    article = ArticleFactory(title="Le marché couvert rouvre ses portes")
    hostile = Comment.objects.create(
        article=article, name=name, email="x@example.org", text="Bonjour.", status="approved"
    )
    url = f"{live_server.url}{article.get_absolute_url()}?reply={hostile.pk}"
    for attempt in ("miss", "hit"):
        response = page.goto(url)
        assert response.status == 200 and response.headers["x-page-cache"] == attempt
        page.wait_for_timeout(800)  # a refresh of 0 s would have left by now
        assert page.url == url
        assert page.title() != "pris"
        assert name in page.locator("#respond-title").inner_text()
