"""The page cache on the reader site: hits, scoped purges of what readers see, never personal."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, HomepagePin
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.NEWSROOM = {**settings.NEWSROOM, "PAGE_CACHE_SECONDS": 300}
    cache.clear()
    yield
    cache.clear()


def get(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    return response, len(queries.captured_queries)


@pytest.fixture
def story():
    return ArticleFactory(title="Premier titre", authors=[AuthorFactory()], tags=["France"])


READER_URLS = [
    lambda a: reverse("articles:index"),
    lambda a: a.get_absolute_url(),
    lambda a: a.section.get_absolute_url(),
    lambda a: "/sujet/france/",
    lambda a: a.bylines.first().author.get_absolute_url(),
]


@pytest.mark.parametrize("url_of", READER_URLS)
def test_second_anonymous_request_is_a_hit_without_queries(client, story, url_of):
    url = url_of(story)
    first, _ = get(client, url)
    assert first["X-Page-Cache"] == "miss"
    second, queries = get(client, url)
    assert second["X-Page-Cache"] == "hit" and queries == 0
    assert second.content == first.content


def test_publishing_shows_on_the_very_next_request(client, story):
    get(client, "/")
    new = ArticleFactory(
        title="Nouvelle dépêche", status=Article.Status.DRAFT, section=story.section
    )
    assert get(client, "/")[0]["X-Page-Cache"] == "hit"  # a draft changes nothing public
    new.status = Article.Status.PUBLISHED
    new.save()
    response, _ = get(client, "/")
    assert response["X-Page-Cache"] == "miss" and "Nouvelle dépêche" in response.text


@pytest.mark.parametrize(
    ("change", "home_shows", "old_url_status"),
    [
        (lambda a: setattr(a, "title", "Titre corrigé") or a.save(), "Titre corrigé", 200),
        (lambda a: setattr(a, "status", Article.Status.UNPUBLISHED) or a.save(), None, 404),
        (lambda a: setattr(a, "slug", "nouvelle-adresse") or a.save(), "nouvelle-adresse", 301),
        (lambda a: a.delete(), None, 404),
    ],
    ids=["update", "unpublish", "slug change", "delete"],
)
def test_every_change_to_a_public_article_shows_at_once(
    client, story, change, home_shows, old_url_status
):
    url = story.get_absolute_url()
    get(client, "/")
    get(client, url)
    change(story)
    home, _ = get(client, "/")
    assert home["X-Page-Cache"] == "miss"
    if home_shows:
        assert home_shows in home.text
    else:
        assert "Premier titre" not in home.text
    assert get(client, url)[0].status_code == old_url_status


def test_homepage_pin_and_tag_changes_empty_the_cache(client, story):
    get(client, "/")
    HomepagePin.objects.create(
        slot=1, article=story, pinned_until=timezone.now() + timedelta(hours=1)
    )
    assert get(client, "/")[0]["X-Page-Cache"] == "miss"
    story.tags.add("Ukraine")
    response, _ = get(client, story.get_absolute_url())
    assert response["X-Page-Cache"] == "miss" and "Ukraine" in response.text


def test_scheduled_article_appears_on_time_on_a_cached_page(client, story, move_time):
    ArticleFactory(
        title="Programmé pour bientôt", published_at=timezone.now() + timedelta(minutes=5)
    )
    get(client, "/")
    assert get(client, "/")[0]["X-Page-Cache"] == "hit"
    # The cached copy never outlives the next scheduled publication.
    move_time(minutes=6)
    cache_ttl_expired = get(client, "/")[0]
    assert "Programmé pour bientôt" in cache_ttl_expired.text


def test_logged_in_editors_bypass_the_cache_and_store_nothing(client, story, admin_user):
    client.force_login(admin_user)
    first, _ = get(client, "/")
    second, queries = get(client, "/")
    assert "X-Page-Cache" not in first and "X-Page-Cache" not in second and queries > 0
    client.logout()
    assert get(client, "/")[0]["X-Page-Cache"] == "miss"


def test_preview_is_never_cached(client, story, admin_user):
    draft = ArticleFactory(status=Article.Status.DRAFT, title="Brouillon secret")
    client.force_login(admin_user)
    client.get(reverse("admin:articles_article_preview", args=[draft.pk]))
    client.logout()
    response = client.get(reverse("admin:articles_article_preview", args=[draft.pk]))
    assert response.status_code == 302  # to the login page, not a cached preview
    assert "Brouillon secret" not in get(client, "/")[0].text


def test_errors_and_redirects_are_not_cached(client, story):
    assert get(client, "/rubrique/inconnue/")[0].status_code == 404
    assert "X-Page-Cache" not in get(client, "/rubrique/inconnue/")[0]


def test_conditional_requests_answer_304(client, story):
    first, _ = get(client, story.section.get_absolute_url())
    etag, modified = first["ETag"], first["Last-Modified"]
    again, queries = get(client, story.section.get_absolute_url(), if_none_match=etag)
    assert again.status_code == 304 and queries == 0
    since, _ = get(client, story.section.get_absolute_url(), if_modified_since=modified)
    assert since.status_code == 304
    story.title = "Autre titre"
    story.save()
    changed, _ = get(client, story.section.get_absolute_url(), if_none_match=etag)
    assert changed.status_code == 200


def test_language_versions_are_cached_apart(client, story):
    french, _ = get(client, "/")
    english, _ = get(client, "/en/")
    assert 'lang="fr"' in french.text and 'lang="en"' in english.text
    assert 'lang="en"' in get(client, "/en/")[0].text


def test_cache_can_be_switched_off(client, story, settings):
    settings.NEWSROOM = {**settings.NEWSROOM, "PAGE_CACHE_SECONDS": 0}
    get(client, "/")
    assert "X-Page-Cache" not in get(client, "/")[0]


def test_section_rename_empties_the_cache(client, story):
    get(client, "/")
    section = story.section
    section.name = "Rubrique renommée"
    section.save()
    assert "Rubrique renommée" in get(client, "/")[0].text
    # A new section joins the navigation with its first visible article, not before.
    new = SectionFactory(name="Toute nouvelle")
    assert "Toute nouvelle" not in get(client, "/")[0].text
    ArticleFactory(section=new)
    assert "Toute nouvelle" in get(client, "/")[0].text


def test_a_page_with_a_csrf_token_is_never_stored(client, story, monkeypatch):
    from website import views

    monkeypatch.setattr(
        views.ArticleDetailView, "template_name", "tests/page_with_raw_form.html", raising=False
    )
    get(client, story.get_absolute_url())
    second, _ = get(client, story.get_absolute_url())
    assert "csrfmiddlewaretoken" in second.text
    assert "X-Page-Cache" not in second


def tokens_of(html: str) -> dict[str, str]:
    return {
        name: re.search(rf'name="{name}" value="([^"]*)"', html).group(1)
        for name in ("csrfmiddlewaretoken", "stamp")
    }


def comment(**fields) -> dict[str, str]:
    return {"name": "Lina", "email": "lina@example.org", "text": "Très utile, merci.", **fields}


def test_the_cached_article_page_is_the_same_for_every_reader(story):
    from django.test import Client

    url = story.get_absolute_url()
    pages = [get(Client(enforce_csrf_checks=True), url)[0] for _ in range(2)]
    assert [page["X-Page-Cache"] for page in pages] == ["miss", "hit"]
    assert pages[0].content == pages[1].content
    assert tokens_of(pages[0].text) == {"csrfmiddlewaretoken": "", "stamp": ""}
    assert not pages[0].cookies and "Cookie" not in pages[0].get("Vary", "")
    assert pages[0]["ETag"] and pages[0]["Last-Modified"]
    assert pages[0]["Cache-Control"].startswith("public, max-age=0, s-maxage=")
    keys = pages[0]["xkey"].split()
    assert {f"article-{story.pk}", f"comments-{story.pk}", "frame", "site"} <= set(keys)
    assert "home" not in keys  # an article page does not go when the homepage changes


def test_the_form_script_fetches_tokens_and_the_post_succeeds(story, settings):
    from django.test import Client

    from comments.models import Comment

    reader = Client(enforce_csrf_checks=True)
    url = story.get_absolute_url()
    get(Client(), url)
    page, queries = get(reader, url)
    assert page["X-Page-Cache"] == "hit" and queries == 0
    tokens_url = re.search(r'data-tokens="([^"]+)"', page.text).group(1)
    answer = reader.get(tokens_url)
    assert answer.status_code == 200 and "no-store" in answer["Cache-Control"]
    tokens = answer.json()
    other = Client().get(tokens_url).json()
    assert tokens["stamp"] != other["stamp"]  # single-use, one per reader
    action = re.search(r'<form method="post" action="([^"]+)"', page.text).group(1)
    with mock.patch.dict(settings.NEWSROOM_COMMENTS, {"MIN_FORM_SECONDS": 0}):
        response = reader.post(action, comment(**tokens))
        again = reader.post(action, comment(**tokens))  # a double click
    assert response.status_code == 302, response.content[:500]
    assert again.status_code in {302, 400}
    assert Comment.objects.filter(article=story, name="Lina").count() == 1


def test_without_javascript_the_post_comes_back_once_with_its_text(story, settings):
    from django.test import Client

    from comments.models import Comment

    reader = Client(enforce_csrf_checks=True)
    page, _ = get(reader, story.get_absolute_url())
    action = re.search(r'<form method="post" action="([^"]+)"', page.text).group(1)
    with mock.patch.dict(settings.NEWSROOM_COMMENTS, {"MIN_FORM_SECONDS": 0}):
        back = reader.post(action, comment(**tokens_of(page.text)))
        assert back.status_code == 400
        assert "Très utile, merci.</textarea>" in back.text
        assert "Votre commentaire n’est pas encore envoyé" in back.text
        assert not Comment.objects.exists()
        fresh = tokens_of(back.text)
        assert all(fresh.values())
        sent = reader.post(action, comment(**fresh))
    assert sent.status_code == 302
    assert Comment.objects.filter(article=story, name="Lina").count() == 1


def test_an_unknown_article_has_no_tokens(client):
    assert client.get("/commentaires/999999/jetons/").status_code == 404
    assert client.post("/commentaires/999999/jetons/").status_code == 405


def test_a_comment_waiting_for_moderation_purges_nothing(client, story, settings):
    from django.test import Client

    url = story.get_absolute_url()
    get(client, "/")
    get(client, url)
    reader = Client()
    tokens = reader.get(f"/commentaires/{story.pk}/jetons/").json()
    with mock.patch.dict(settings.NEWSROOM_COMMENTS, {"MIN_FORM_SECONDS": 0}):
        assert reader.post(f"/commentaires/{story.pk}/", comment(**tokens)).status_code == 302
    assert get(client, url)[0]["X-Page-Cache"] == "hit"
    assert get(client, "/")[0]["X-Page-Cache"] == "hit"


def test_approving_a_comment_shows_it_on_the_next_request(client, story, admin_user):
    from comments.models import Comment
    from comments.services import approve_comment

    comment = Comment.objects.create(
        article=story,
        name="Nour",
        email="nour@example.org",
        text="Merci pour ce papier.",
        status=Comment.Status.PENDING,
    )
    get(client, story.get_absolute_url())
    assert "Merci pour ce papier." not in get(client, story.get_absolute_url())[0].text
    approve_comment(comment, moderator=admin_user)
    response, _ = get(client, story.get_absolute_url())
    assert response["X-Page-Cache"] == "miss" and "Merci pour ce papier." in response.text


def test_a_related_refresh_purges_the_pages_whose_list_changed(client, story):
    from related.tasks import refresh_related

    neighbour = ArticleFactory(title="Premier titre, la suite", tags=["France"])
    elsewhere = ArticleFactory(title="Rien à voir", tags=["Jardin"])
    refresh_related.call(neighbour.pk)  # the lists, with the tags added after each save
    for article in (story, neighbour, elsewhere):
        get(client, article.get_absolute_url())
    newcomer = ArticleFactory(title="Premier titre, encore", tags=["France"], status="draft")
    refresh_related.call(newcomer.pk)  # a draft is in no reader's list
    assert get(client, story.get_absolute_url())[0]["X-Page-Cache"] == "hit"
    Article.objects.filter(pk=newcomer.pk).update(status="published")
    refresh_related.call(newcomer.pk)
    assert "Premier titre, encore" in get(client, story.get_absolute_url())[0].text


def test_closing_comments_in_the_policy_shows_on_cached_pages(client, story):
    """Regression: the moderation policy was not among the changes that empty the cache."""
    from comments.models import ModerationPolicy

    url = story.get_absolute_url()
    get(client, url)
    assert 'id="respond-title"' in get(client, url)[0].text
    policy = ModerationPolicy.load()
    policy.close_after_days = 1
    story.published_at = timezone.now() - timedelta(days=3)
    Article.objects.filter(pk=story.pk).update(published_at=story.published_at)
    policy.save()
    page = get(client, url)[0].text
    assert 'id="respond-title"' not in page and "comments__closed" in page


def test_an_old_articles_page_is_kept_longer_and_still_purged_by_its_changes(client, story):
    """Pages of articles published days ago change only through their own keys: they live
    ARCHIVE_PAGE_SECONDS, past the next scheduled publication; an edit still purges them."""
    old = ArticleFactory(title="Un vieil article", published_at=timezone.now() - timedelta(days=30))
    ArticleFactory(title="Programmé", published_at=timezone.now() + timedelta(minutes=5))
    old_page = get(client, old.get_absolute_url())[0]
    recent_page = get(client, story.get_absolute_url())[0]
    assert old_page["Cache-Control"] == "public, max-age=0, s-maxage=21600"
    recent = int(recent_page["Cache-Control"].rsplit("=", 1)[1])
    assert recent <= 300  # the usual lifetime, cut at the scheduled publication
    assert get(client, old.get_absolute_url())[0]["X-Page-Cache"] == "hit"
    old.title = "Un vieil article corrigé"
    old.save()
    again = get(client, old.get_absolute_url())[0]
    assert again["X-Page-Cache"] == "miss" and "Un vieil article corrigé" in again.text


def test_a_drafts_share_link_preview_still_answers(client, admin_user):
    """A draft has no publication time: the archive rule must not compare it (it made
    every share-link preview of a draft answer 500)."""
    from articles import preview
    from articles.models import Article

    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    link = preview.create_share_link(draft, admin_user)
    assert client.get(link.get_absolute_url()).status_code == 200
