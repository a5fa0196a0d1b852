"""The anonymous page cache: hits, invalidation on every change readers see, never personal."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
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


def without_fragments(html: str) -> str:
    return re.sub(r"<!--nr-fragment:.*?<!--/nr-fragment-->", "", html, flags=re.DOTALL)


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
    assert without_fragments(second.text) == without_fragments(first.text)


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
    SectionFactory(name="Toute nouvelle")
    assert "Toute nouvelle" in get(client, "/")[0].text


def test_a_page_with_a_csrf_token_outside_fragments_is_never_stored(client, story, monkeypatch):
    from articles import views

    original = views.ArticleDetailView.get_context_data

    def with_form(self, **kwargs):
        context = original(self, **kwargs)
        context["leak"] = True
        return context

    monkeypatch.setattr(views.ArticleDetailView, "get_context_data", with_form)
    monkeypatch.setattr(
        views.ArticleDetailView, "template_name", "tests/page_with_raw_form.html", raising=False
    )
    first, _ = get(client, story.get_absolute_url())
    second, _ = get(client, story.get_absolute_url())
    assert "csrfmiddlewaretoken" in second.text
    assert "X-Page-Cache" not in second


def test_comment_form_on_a_cached_page_is_fresh_for_each_reader_and_works(story, settings):
    from django.test import Client

    from comments.models import Comment

    url = story.get_absolute_url()
    first_reader, second_reader = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    get(first_reader, url)
    page, queries = get(second_reader, url)
    assert page["X-Page-Cache"] == "hit" and queries == 0
    stamps = [
        re.search(r'name="stamp" value="([^"]+)"', get(c, url)[0].text).group(1)
        for c in (first_reader, second_reader)
    ]
    assert stamps[0] != stamps[1]  # single-use tokens are never shared through the cache
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    assert second_reader.cookies.get("csrftoken")
    form = {
        "csrfmiddlewaretoken": token,
        "stamp": re.search(r'name="stamp" value="([^"]+)"', page.text).group(1),
        "name": "Lina",
        "email": "lina@example.org",
        "text": "Très utile, merci.",
    }
    action = re.search(r'<form method="post" action="([^"]+)"', page.text).group(1)
    # The form is posted at once, faster than a person could: lift the minimum delay.
    with mock.patch.dict(settings.NEWSROOM_COMMENTS, {"MIN_FORM_SECONDS": 0}):
        response = second_reader.post(action, form)
    assert response.status_code == 302, response.content[:500]
    assert Comment.objects.filter(article=story, name="Lina").exists()


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


def test_related_refresh_after_a_publish_empties_the_cache_again(story):
    from articles.pagecache import GENERATION_KEY
    from articles.related.tasks import refresh_related

    cache.set(GENERATION_KEY, 1, None)
    refresh_related.call(story.pk)  # what runs after a save's commit
    assert cache.get(GENERATION_KEY) == 2
    draft = ArticleFactory(status=Article.Status.DRAFT, section=story.section)
    cache.set(GENERATION_KEY, 1, None)
    refresh_related.call(draft.pk)
    assert cache.get(GENERATION_KEY) == 1  # a draft is in no reader's list


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


def test_navigation_is_read_once_per_generation_and_follows_other_processes(client, story):
    from articles.models import Section
    from articles.pagecache import _bump_generation

    def navigation():
        page = get(client, "/")[0].text
        return re.search(r'<nav class="sections-nav".*?</nav>', page, re.DOTALL).group()

    # Every request renders (no page cache), so only the navigation's own memory is at work.
    with mock.patch.dict("django.conf.settings.NEWSROOM", {"PAGE_CACHE_SECONDS": 0}):
        _, first = get(client, story.section.get_absolute_url())
        _, second = get(client, story.section.get_absolute_url())
        assert second == first - 1  # the navigation came from memory
        # Another process renames the section (no signal here) and commits: the
        # generation moves, and this process reads the navigation again.
        Section.objects.filter(pk=story.section.pk).update(name="Renommée ailleurs")
        assert "Renommée ailleurs" not in navigation()
        _bump_generation()
        assert "Renommée ailleurs" in navigation()


def test_memo_survives_being_forgotten_by_another_thread():
    """Regression: a reader thread could find the memo emptied between its check and its
    read (threaded servers: runserver, gthread workers) and fail with a KeyError."""
    import sys
    import threading

    from articles.pagecache import forget_memos, per_generation

    @per_generation
    def value():
        return "navigation"

    errors, stop = [], threading.Event()

    def forget():
        while not stop.is_set():
            forget_memos()

    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns as often as they can
    forgetter = threading.Thread(target=forget)
    forgetter.start()
    try:
        for _ in range(20000):
            try:
                assert value() == "navigation"
            except KeyError as error:
                errors.append(error)
                break
    finally:
        stop.set()
        forgetter.join()
        sys.setswitchinterval(switch)
    assert not errors


@pytest.fixture
def generation_reads():
    """How many times the page cache is asked for the generation."""
    from django.core.cache import caches

    from articles.pagecache import GENERATION_KEY, _cache

    page_cache = _cache()
    reads, inside_get_many = [], []
    get, get_many = page_cache.get, page_cache.get_many

    def counting_get(key, *args, **kwargs):
        if not inside_get_many:  # locmem's get_many() calls get() for each key
            reads.append(key == GENERATION_KEY)
        return get(key, *args, **kwargs)

    def counting_get_many(keys, *args, **kwargs):
        reads.append(GENERATION_KEY in keys)
        inside_get_many.append(True)
        try:
            return get_many(keys, *args, **kwargs)
        finally:
            inside_get_many.pop()

    assert caches["default"] is page_cache
    with (
        mock.patch.object(page_cache, "get", counting_get),
        mock.patch.object(page_cache, "get_many", counting_get_many),
    ):
        yield lambda: sum(reads)


@pytest.mark.parametrize("seconds", [0, 300])
def test_a_request_reads_the_generation_once(client, story, generation_reads, seconds):
    with mock.patch.dict("django.conf.settings.NEWSROOM", {"PAGE_CACHE_SECONDS": seconds}):
        url = story.get_absolute_url()
        get(client, f"{url}?n=1")  # fills the memos
        before = generation_reads()
        response, _ = get(client, f"{url}?n=2")  # a miss: navigation and comment policy
        assert (
            response.status_code == 200
            and "X-Page-Cache" not in response.headers
            or (response["X-Page-Cache"] == "miss")
        )
        assert generation_reads() - before == 1
        get(client, f"{url}?n=3")
        assert generation_reads() - before == 2  # and the next request reads it again


def test_a_write_during_a_request_shows_in_the_rest_of_it(generation_reads):
    from django.http import HttpResponse

    from articles.pagecache import PageCacheMiddleware, content_changed, per_generation

    computed = []

    @per_generation
    def value():
        computed.append(None)
        return len(computed)

    def view(request):
        assert value() == 1 and value() == 1
        reads = generation_reads()
        content_changed()  # commits at once: no transaction around this test
        assert value() == 2 and value() == 2
        assert generation_reads() == reads + 1
        return HttpResponse()

    PageCacheMiddleware(view)(RequestFactory().get("/"))


def test_a_publish_between_two_requests_shows_in_the_second(generation_reads):
    from django.http import HttpResponse

    from articles.pagecache import (
        PageCacheMiddleware,
        _bump_generation,
        current_generation,
        per_generation,
    )

    computed = []

    @per_generation
    def value():
        computed.append(None)
        return len(computed)

    seen = []
    middleware = PageCacheMiddleware(lambda request: HttpResponse(seen.append(value())))
    middleware(RequestFactory().get("/"))
    middleware(RequestFactory().get("/"))
    _bump_generation()  # another process publishes
    middleware(RequestFactory().get("/"))
    assert seen == [1, 1, 2]
    # Outside a request every read asks the cache, as before.
    reads = generation_reads()
    current_generation()
    current_generation()
    assert generation_reads() == reads + 2


def test_a_page_served_lately_is_served_from_this_process_after_one_small_read(client, story):
    """pagecache._recent: only the generation is read again, not the page."""
    from articles.pagecache import GENERATION_KEY, _cache

    url = story.get_absolute_url()
    get(client, url)  # miss: stored in the shared cache and kept here
    page_cache = _cache()
    with (
        mock.patch.object(page_cache, "get_many", wraps=page_cache.get_many) as get_many,
        mock.patch.object(page_cache, "get", wraps=page_cache.get) as get_one,
    ):
        response, queries = get(client, url)
    assert response["X-Page-Cache"] == "hit" and queries == 0
    assert get_many.call_count == 0
    assert [call.args[0] for call in get_one.call_args_list] == [GENERATION_KEY]


def test_a_change_made_by_another_process_is_never_served_from_this_one(client, story):
    from articles.pagecache import _bump_generation

    url = story.get_absolute_url()
    get(client, url)
    assert get(client, url)[0]["X-Page-Cache"] == "hit"
    # Another process edits and commits: no signal here, only the shared generation moves.
    Article.objects.filter(pk=story.pk).update(title="Titre corrigé ailleurs")
    _bump_generation()
    response, _ = get(client, url)
    assert response["X-Page-Cache"] == "miss" and "Titre corrigé ailleurs" in response.text


def test_pages_kept_in_a_process_stay_within_their_limit():
    from articles.pagecache import _RecentEntries

    recent = _RecentEntries(limit=100)
    for n in range(5):
        recent.put(f"page{n}", {"parts": ["x" * 30]})
    assert [recent.get(f"page{n}") is not None for n in range(5)] == [False] * 2 + [True] * 3
    recent.get("page2")  # served: now the most recent
    recent.put("page5", {"parts": ["x" * 30]})
    assert recent.get("page3") is None and recent.get("page2") is not None
    recent.put("huge", {"parts": ["x" * 500]})
    assert recent.size <= 100 and recent.get("huge") is None
