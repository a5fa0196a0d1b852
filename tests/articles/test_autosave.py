"""Autosave: the work in progress is kept per person, never written to the article, offered
back after a closed tab, and a restored copy still meets the lost-update refusal."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, AutosavedCopy
from articles.roles import CONTRIBUTOR, EDITOR
from tests.factories import ArticleFactory, AuthorFactory
from tests.formdata import form_data

pytestmark = pytest.mark.django_db


def staff(username: str, role: str) -> User:
    user = User.objects.create_user(username, password="secret-42", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def sara(client):
    user = staff("sara", EDITOR)
    client.force_login(user)
    return user


def autosave_url(article=None) -> str:
    if article is None:
        return reverse("admin:articles_article_autosave_new")
    return reverse("admin:articles_article_autosave", args=[article.pk])


def change_url(article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def test_autosave_keeps_a_copy_and_leaves_the_article_alone(client, sara):
    article = ArticleFactory(title="Titre enregistré", status=Article.Status.DRAFT)
    response = client.post(
        autosave_url(article),
        {"title": "Titre en cours", "body": "<p>Paragraphe en cours</p>", "other": "ignoré"},
    )
    assert response.status_code == 200 and "Travail en cours gardé à" in response.json()["message"]
    article.refresh_from_db()
    assert article.title == "Titre enregistré"
    copy = AutosavedCopy.objects.get(user=sara, key=str(article.pk))
    assert copy.fields == {
        "title": "Titre en cours",
        "body": "<p>Paragraphe en cours</p>",
        "french_typography": "",
    }
    # A second save replaces the copy: one per person and article.
    client.post(autosave_url(article), {"title": "Titre encore changé"})
    assert AutosavedCopy.objects.get(user=sara).fields["title"] == "Titre encore changé"


def test_bad_autosave_requests_get_a_reason_and_keep_nothing(client, sara):
    article = ArticleFactory()
    too_long = client.post(autosave_url(article), {"title": "x" * 251})
    assert too_long.status_code == 400 and "title" in too_long.json()["error"]
    bad_token = client.post(autosave_url(article), {"title": "x", "loaded_token": "pas-un-jeton"})
    assert bad_token.status_code == 400 and "jeton" in bad_token.json()["error"]
    assert client.get(autosave_url(article)).status_code == 405
    assert client.post(reverse("admin:articles_article_autosave", args=[999999])).status_code == 404
    assert not AutosavedCopy.objects.exists()


def test_a_contributor_cannot_autosave_over_a_colleagues_article(client):
    camille = staff("camille", CONTRIBUTOR)
    colleague_article = ArticleFactory(status=Article.Status.DRAFT)
    client.force_login(camille)
    response = client.post(autosave_url(colleague_article), {"title": "Réécrit"})
    assert response.status_code in {403, 404}
    assert not AutosavedCopy.objects.exists()


def test_the_form_offers_the_copy_back_and_restores_it(client, sara):
    article = ArticleFactory(title="Titre enregistré", status=Article.Status.DRAFT)
    client.get(change_url(article))
    client.post(
        autosave_url(article),
        {
            "title": "Titre en cours",
            "standfirst": "Chapô en cours",
            "loaded_token": str(article.edit_token),
        },
    )
    page = client.get(change_url(article)).content.decode()
    assert "Reprendre mon travail en cours" in page
    restored = client.get(change_url(article) + "?restore=autosave")
    form = restored.context["adminform"].form
    assert form["title"].value() == "Titre en cours"
    assert form["standfirst"].value() == "Chapô en cours"
    assert str(form["loaded_token"].value()) == str(article.edit_token)
    assert "Reprendre mon travail en cours" not in restored.content.decode()


def test_a_copy_older_than_the_last_save_is_not_offered(client, sara):
    article = ArticleFactory(status=Article.Status.DRAFT)
    client.post(autosave_url(article), {"title": "Ancienne idée"})
    AutosavedCopy.objects.update(saved_at=timezone.now() - timedelta(hours=1))
    article.save()
    assert "Reprendre mon travail" not in client.get(change_url(article)).content.decode()


def test_saving_the_article_removes_the_copy_and_discarding_too(client, sara):
    article = ArticleFactory(title="Avant", status=Article.Status.DRAFT, authors=[AuthorFactory()])
    client.post(autosave_url(article), {"title": "Pendant"})
    data = form_data(client.get(change_url(article) + "?restore=autosave").text, "article_form")
    assert data["title"].strip() == "Pendant"
    response = client.post(change_url(article), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Pendant"
    assert not AutosavedCopy.objects.exists()

    client.post(autosave_url(article), {"title": "Encore"})
    discard = reverse("admin:articles_article_autosave_discard", args=[article.pk])
    assert client.post(discard).status_code == 302
    assert not AutosavedCopy.objects.exists()


def test_a_restored_copy_cannot_overwrite_a_colleagues_newer_save(client, sara):
    article = ArticleFactory(
        title="Version 1", status=Article.Status.DRAFT, authors=[AuthorFactory()]
    )
    loaded = str(article.edit_token)
    client.post(autosave_url(article), {"title": "Ma version", "loaded_token": loaded})
    # Meanwhile a colleague saves the article.
    article.title = "Version du collègue"
    article.save()
    AutosavedCopy.objects.update(saved_at=timezone.now() + timedelta(seconds=1))
    data = form_data(client.get(change_url(article) + "?restore=autosave").text, "article_form")
    assert data["title"].strip() == "Ma version" and data["loaded_token"] == loaded
    refused = client.post(change_url(article), data)
    assert refused.status_code == 200
    article.refresh_from_db()
    assert article.title == "Version du collègue"


def test_a_new_article_has_its_copy_too(client, sara):
    client.post(autosave_url(), {"title": "Un article qui commence"})
    add = reverse("admin:articles_article_add")
    assert "Reprendre mon travail en cours" in client.get(add).content.decode()
    form = client.get(add + "?restore=autosave").context["adminform"].form
    assert form["title"].value() == "Un article qui commence"


def test_the_change_form_reads_the_copy_in_a_fixed_number_of_queries(client, sara):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    article = ArticleFactory(status=Article.Status.DRAFT)
    client.get(change_url(article))
    counts = []
    for title in ("", "Avec une copie"):
        if title:
            client.post(autosave_url(article), {"title": title})
        with CaptureQueriesContext(connection) as queries:
            client.get(change_url(article))
        counts.append(len(queries))
    assert counts[0] == counts[1]
