"""Tags typed in one field: existing ones found whatever the case, new ones created by
those who may, the order typed kept for readers, bad input refused with a reason."""

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from articles import tags
from articles.models import Article, Tag
from articles.roles import CONTRIBUTOR, EDITOR
from tests.factories import ArticleFactory, AuthorFactory
from tests.formdata import form_data

pytestmark = pytest.mark.django_db


def staff(username: str, role: str) -> User:
    user = User.objects.create_user(username, password="secret-42", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def save_with_tags(client, article: Article, typed: str):
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(client.get(url).text, "article_form")
    data["tag_names"] = typed
    return client.post(url, data)


def test_names_are_split_trimmed_and_deduplicated_in_order():
    assert tags.names_in(" Climat,  États-Unis ,, climat, Ukraine ,") == [
        "Climat",
        "États-Unis",
        "Ukraine",
    ]


def test_existing_tags_are_found_whatever_the_case():
    etats = Tag.objects.create(name="États-Unis")
    climat = Tag.objects.create(name="Climat")
    found = tags.resolve("climat, états-unis, ÉTATS-UNIS, Nouveau", may_create=True)
    assert [t.pk for t in found[:2]] == [climat.pk, etats.pk]
    assert found[2].pk is None and found[2].name == "Nouveau"
    assert Tag.objects.count() == 2  # nothing is created before the article is saved


def test_typed_tags_are_saved_in_the_order_readers_see(client):
    client.force_login(staff("sara", EDITOR))
    Tag.objects.create(name="Ukraine")
    article = ArticleFactory(authors=[AuthorFactory()])
    response = save_with_tags(client, article, "États-Unis, Ukraine, Climat")
    assert response.status_code == 302
    assert [t.name for t in article.tags_in_order] == ["États-Unis", "Ukraine", "Climat"]
    assert Tag.objects.get(name="États-Unis").slug == "etats-unis"
    # Reordered: the page shows the new order; the form shows it back.
    save_with_tags(client, article, "Climat, États-Unis")
    assert [t.name for t in article.tags_in_order] == ["Climat", "États-Unis"]
    url = reverse("admin:articles_article_change", args=[article.pk])
    assert client.get(url).context["adminform"].form["tag_names"].value() == "Climat, États-Unis"
    page = client.get(article.get_absolute_url()).content.decode()
    assert page.index(">Climat<") < page.index(">États-Unis<")


def test_a_contributor_without_the_right_to_create_tags_is_told_why(client):
    camille = staff("camille", CONTRIBUTOR)
    Group.objects.get(name=CONTRIBUTOR).permissions.remove(
        *Group.objects.get(name=CONTRIBUTOR).permissions.filter(codename="add_tag")
    )
    AuthorFactory(user=camille)
    article = ArticleFactory(status=Article.Status.DRAFT, created_by=camille)
    Tag.objects.create(name="Climat")
    client.force_login(camille)
    response = save_with_tags(client, article, "Climat, Inventé")
    assert response.status_code == 200
    assert "« Inventé » n’existe pas" in response.content.decode()
    assert list(article.tags.all()) == [] and not Tag.objects.filter(name="Inventé").exists()


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        (", ".join(f"Sujet {n}" for n in range(21)), "21 mots-clés"),
        ("x" * 101, "100 caractères au plus"),
    ],
)
def test_too_many_or_too_long_tags_are_refused_and_nothing_is_written(client, typed, reason):
    client.force_login(staff("sara", EDITOR))
    article = ArticleFactory(title="Titre gardé", authors=[AuthorFactory()])
    response = save_with_tags(client, article, typed)
    assert response.status_code == 200 and reason in response.content.decode()
    assert not Tag.objects.exists()


def test_saving_the_same_tags_again_writes_nothing(client):
    client.force_login(staff("sara", EDITOR))
    article = ArticleFactory(tags=["Climat"], authors=[AuthorFactory()])
    before = list(article.taggedarticle_set.values_list("pk", flat=True))
    save_with_tags(client, article, "Climat")
    assert list(article.taggedarticle_set.values_list("pk", flat=True)) == before
