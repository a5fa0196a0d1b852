import pytest

from articles.models import Article, Section, Tag
from wpimport.models import LegacyAddress

from .wxr import WPPost, export

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(run_import):
    run_import(
        export(
            WPPost(1, "Le tramway arrive", tags=[("tram", "Tram")]),
            WPPost(2, "Un brouillon", status="draft"),
            WPPost(3, "Ancien titre", slug="nouveau-titre", meta={"_wp_old_slug": "ancien-titre"}),
            WPPost(4, "Par numéro", link="https://blog.example.org/archives/4"),
            WPPost(5, "Réservé", password="secret"),
        )
    )
    return {a.title: a for a in Article.objects.all()}


def test_old_permalink_answers_301_to_the_article(client, imported):
    article = imported["Le tramway arrive"]
    response = client.get("/2024/05/14/le-tramway-arrive/")
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url() == "/2024/5/le-tramway-arrive/"
    assert client.get(response["Location"]).status_code == 200


def test_plain_permalink_query_answers_301(client, imported):
    article = imported["Le tramway arrive"]
    response = client.get("/?p=1")
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()
    # Other parameters do not matter.
    assert client.get("/", {"utm_source": "x", "p": "1"})["Location"] == response["Location"]


def test_other_permalink_structures_and_old_slugs(client, imported):
    assert client.get("/archives/4")["Location"] == imported["Par numéro"].get_absolute_url()
    assert client.get("/archives/4/")["Location"] == imported["Par numéro"].get_absolute_url()
    moved = imported["Ancien titre"].get_absolute_url()
    assert client.get("/2024/05/14/ancien-titre/")["Location"] == moved
    assert client.get("/2024/05/14/nouveau-titre/")["Location"] == moved


def test_archives_lead_to_sections_tags_and_authors(client, imported):
    assert client.get("/category/ville/")["Location"] == Section.objects.get().get_absolute_url()
    assert client.get("/tag/tram/")["Location"] == Tag.objects.get().get_absolute_url()
    assert client.get("/author/marie/")["Location"] == "/auteur/marie-dupont/"


def test_articles_readers_cannot_see_are_not_given_away(client, imported):
    # WordPress answered 404 for these, not the homepage a search engine would index.
    assert client.get("/?p=2").status_code == 404  # a draft
    assert client.get("/?p=5").status_code == 404  # password-protected
    assert client.get("/2024/05/14/reserve/").status_code == 404
    imported["Le tramway arrive"].delete()
    assert client.get("/?p=1").status_code == 404  # deleted in Newsroom
    assert client.get("/?p=999").status_code == 404  # never existed
    assert client.get("/").status_code == 200


def test_every_category_archive_leads_somewhere(client, run_import):
    categories = [
        ("monde", "Monde", ""),
        ("europe", "Europe", "monde"),
        ("france", "France", "europe"),
        ("sport", "Sport", ""),
        ("vide", "Vide", "sport"),
        ("orphelin", "Orphelin", ""),
    ]
    run_import(
        export(
            WPPost(1, "Sommet", categories=[("europe", "Europe"), ("sport", "Sport")]),
            categories=categories,
        )
    )
    monde = Section.objects.get().get_absolute_url()
    sport = Tag.objects.get(name="Sport").get_absolute_url()
    # The first category is nested: its section is its top-level ancestor's.
    assert client.get("/category/monde/")["Location"] == monde
    assert client.get("/category/monde/europe/")["Location"] == monde
    assert client.get("/category/europe/")["Location"] == monde  # WordPress answers it too
    # No post is filed in France, nested under a section: its parent's page.
    assert client.get("/category/monde/europe/france/")["Location"] == monde
    # A post's other category became a tag, and so did its archive.
    assert client.get("/category/sport/")["Location"] == sport
    assert client.get("/category/sport/vide/")["Location"] == sport
    # Nothing was ever filed in or above it: gone.
    assert client.get("/category/orphelin/").status_code == 404


def test_redirect_follows_the_article_once_an_editor_publishes_it(client, imported):
    article = imported["Réservé"]
    article.status = Article.Status.PUBLISHED
    article.save()
    assert client.get("/?p=5")["Location"] == article.get_absolute_url()


def test_unknown_addresses_still_answer_404(client, imported):
    assert client.get("/2024/05/14/inconnu/").status_code == 404
    assert client.get("/?p=999").status_code == 404
    assert client.get("/", {"page_id": "2"}).status_code == 404  # pages are not imported
    assert LegacyAddress.objects.filter(article__isnull=False).count() >= 5
