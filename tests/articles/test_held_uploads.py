"""A picture sent with an article form that comes back with errors is not lost: the next
try saves it without choosing the file again, and only its uploader can use it."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from articles.models import Article
from tests.factories import SectionFactory, image_file
from tests.formdata import form_data

pytestmark = pytest.mark.django_db
ADD = "admin:articles_article_add"


def picture():
    return image_file("salle.jpg", size=(1200, 800))


def filled(client, **changes):
    data = form_data(client.get(reverse(ADD)).text, "article_form")
    data.update(
        {
            "title": "Sommet à Paris",
            "slug": "sommet-a-paris",
            "body": "<p>Texte.</p>",
            "section": SectionFactory().pk,
            "status": "draft",
            "lead_image_alt": "La salle du sommet",
        }
    )
    data.update(changes)
    return data


def test_the_picture_comes_back_with_the_form_and_is_saved_on_the_next_try(admin_client):
    first = admin_client.post(
        reverse(ADD), {**filled(admin_client, title=""), "lead_image": picture()}
    )
    assert first.status_code == 200 and first.context["adminform"].form.errors["title"]
    assert "salle.jpg est conservée" in first.text
    again = form_data(first.text, "article_form")
    assert again["held_lead_image"]  # carried by the page, no file chosen again
    again["title"] = "Sommet à Paris"
    response = admin_client.post(reverse(ADD), again)
    assert response.status_code == 302
    article = Article.objects.get(slug="sommet-a-paris")
    assert (article.lead_picture.width, article.lead_picture.height) == (
        1200,
        800,
    )


def test_a_new_file_replaces_the_held_one(admin_client):
    first = admin_client.post(
        reverse(ADD), {**filled(admin_client, title=""), "lead_image": picture()}
    )
    again = form_data(first.text, "article_form")
    again["title"] = "Sommet à Paris"
    other = image_file("autre.jpg", size=(640, 480))
    assert admin_client.post(reverse(ADD), {**again, "lead_image": other}).status_code == 302
    assert Article.objects.get(slug="sommet-a-paris").lead_picture.width == 640


def test_another_staff_member_cannot_use_someone_elses_held_picture(admin_client, client):
    first = admin_client.post(
        reverse(ADD), {**filled(admin_client, title=""), "lead_image": picture()}
    )
    token = form_data(first.text, "article_form")["held_lead_image"]
    colleague = get_user_model().objects.create_superuser("colleague", "c@example.org", "x")
    client.force_login(colleague)
    data = filled(client, slug="autre-sommet", held_lead_image=token)
    assert client.post(reverse(ADD), data).status_code == 302
    assert Article.objects.get(slug="autre-sommet").lead_picture is None


def test_an_unknown_or_malformed_token_is_ignored_calmly(admin_client):
    for token in ["0" * 32, "../../etc/passwd", "x" * 5000]:
        data = filled(admin_client, slug=f"essai-{len(token)}", held_lead_image=token)
        assert admin_client.post(reverse(ADD), data).status_code == 302
    assert not Article.objects.filter(lead_picture__isnull=False).exists()
