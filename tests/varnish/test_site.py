"""The reader site through Varnish: every change readers can see is on the next request,
and what they cannot see purges nothing."""

import http.client
import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from articles.models import Article
from comments.models import Comment
from comments.services import approve_comment
from pagecache.purge import purge_now
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

from .http import get

pytestmark = [pytest.mark.varnish, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _through_varnish(settings, varnish):
    settings.NEWSROOM = {**settings.NEWSROOM, "PAGE_CACHE_SECONDS": 300, "PURGE": [varnish]}
    settings.NEWSROOM_COMMENTS = {**settings.NEWSROOM_COMMENTS, "MIN_FORM_SECONDS": 0}
    cache.clear()
    purge_now(["site"])  # what an earlier test left in Varnish
    yield


def warm(url) -> None:
    """Read a page until Varnish serves it from its own store."""
    get(url)
    status, headers, _ = get(url)
    assert status == 200 and headers["X-Cache"] == "hit", (url, status, dict(headers))


@pytest.fixture
def story():
    return ArticleFactory(title="Le sommet de Paris", authors=[AuthorFactory()], tags=["Europe"])


def test_publishing_shows_on_the_homepage_at_once(varnish, story):
    warm(f"{varnish}/")
    draft = ArticleFactory(title="Dépêche de dernière minute", status=Article.Status.DRAFT)
    assert get(f"{varnish}/")[1]["X-Cache"] == "hit"  # a draft purges nothing
    draft.status = Article.Status.PUBLISHED
    draft.published_at = timezone.now()
    draft.save()
    _, headers, home = get(f"{varnish}/")
    assert headers["X-Cache"] == "miss" and "Dépêche de dernière minute" in home


def test_an_edit_shows_on_the_article_and_its_lists(varnish, story):
    pages = [varnish + story.get_absolute_url(), f"{varnish}/", varnish + "/sujet/europe/"]
    for page in pages:
        warm(page)
    story.title = "Le sommet de Paris s'achève"
    story.save()
    for page in pages:
        assert "Le sommet de Paris s&#x27;achève" in get(page)[2], page


def test_unpublishing_takes_the_article_out_everywhere(varnish, story):
    url = varnish + story.get_absolute_url()
    for page in (url, f"{varnish}/", f"{varnish}/flux/"):
        warm(page)
    story.status = Article.Status.UNPUBLISHED
    story.save()
    assert get(url)[0] == 404
    assert "Le sommet de Paris" not in get(f"{varnish}/")[2]
    assert "Le sommet de Paris" not in get(f"{varnish}/flux/")[2]


def test_a_slug_change_moves_the_article(varnish, story):
    old = story.get_absolute_url()
    warm(varnish + old)
    story.slug = "sommet-paris-bilan"
    story.save()
    connection = http.client.HTTPConnection(varnish.removeprefix("http://"), timeout=10)
    connection.request("GET", old)
    answer = connection.getresponse()
    assert answer.status == 301 and answer.getheader("Location") == story.get_absolute_url()
    connection.close()
    assert get(varnish + story.get_absolute_url())[0] == 200


def test_an_approved_comment_shows_and_a_pending_one_purges_nothing(varnish, story, admin_user):
    url = varnish + story.get_absolute_url()
    warm(url)
    warm(f"{varnish}/")
    comment = Comment.objects.create(
        article=story, name="Nour", email="nour@example.org", text="Merci pour ce compte rendu."
    )
    assert comment.status == Comment.Status.PENDING
    assert get(url)[1]["X-Cache"] == "hit"
    approve_comment(comment, moderator=admin_user)
    _, headers, page = get(url)
    assert headers["X-Cache"] == "miss" and "Merci pour ce compte rendu." in page
    assert get(f"{varnish}/")[1]["X-Cache"] == "hit"  # only its article's pages


def test_a_section_rename_shows_in_every_page(varnish, story):
    pages = [f"{varnish}/", varnish + story.get_absolute_url()]
    for page in pages:
        warm(page)
    section = story.section
    section.name = "Monde et Europe"
    section.save()
    for page in pages:
        assert "Monde et Europe" in get(page)[2], page


def test_a_scheduled_article_appears_at_its_time_with_no_job(varnish, story):
    ArticleFactory(
        title="Programmé dans trois secondes",
        section=SectionFactory(),
        published_at=timezone.now() + timedelta(seconds=3),
    )
    warm(f"{varnish}/")
    _, headers, _ = get(f"{varnish}/")
    assert int(headers["Age"] or 0) <= 3
    time.sleep(3.5)
    assert "Programmé dans trois secondes" in get(f"{varnish}/")[2]
