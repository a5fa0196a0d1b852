"""Which keys each write purges: only what readers can see, only where it shows."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import purges
from articles.models import Article, HomepagePin
from comments import purges as comment_purges
from comments.models import Comment, ModerationPolicy
from tests.comments.factories import CommentFactory
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def purged(monkeypatch, django_capture_on_commit_callbacks):
    """The keys purged by what the test does inside `with purged:` once it commits."""
    import pagecache.purge

    purges.connect()
    comment_purges.connect()
    seen: list[set[str]] = []
    monkeypatch.setattr(pagecache.purge, "purge_now", lambda keys: seen.append(set(keys)))

    class Recorder:
        keys: set[str] = set()

        def __enter__(self):
            seen.clear()
            self._capture = django_capture_on_commit_callbacks(execute=True)
            self._capture.__enter__()
            return self

        def __exit__(self, *exc):
            self._capture.__exit__(*exc)
            self.keys = set().union(*seen)

    return Recorder()


def test_a_draft_edit_purges_nothing(purged):
    draft = ArticleFactory(status=Article.Status.DRAFT)
    with purged:
        draft.title = "Brouillon retouché"
        draft.save()
    assert purged.keys == set()


def test_editing_a_published_article_purges_its_pages_not_its_lists(purged):
    article = ArticleFactory()
    with purged:
        article.body = "<p>Corrigé.</p>"
        article.save()
    assert purged.keys == {f"article-{article.pk}", "sitemaps", "search"}


def test_publishing_purges_every_list_it_joins(purged):
    section = SectionFactory()
    neighbour = ArticleFactory(section=section)  # the section is already in the navigation
    author = AuthorFactory()
    draft = ArticleFactory(status=Article.Status.DRAFT, section=section, authors=[author])
    draft.tags.add("Énergie")
    tag = draft.tags.get()
    with purged:
        draft.status = Article.Status.PUBLISHED
        draft.published_at = timezone.now()
        draft.save()
    assert purged.keys == {
        f"article-{draft.pk}",
        f"article-{neighbour.pk}",  # its "you might also like" now offers the new one
        "home",
        "feeds",
        "sitemaps",
        "search",
        "schedule",
        f"section-{section.pk}",
        f"tag-{tag.pk}",
        f"author-{author.pk}",
    }


def test_the_first_visible_article_of_a_section_changes_the_navigation(purged):
    empty = SectionFactory()
    draft = ArticleFactory(status=Article.Status.DRAFT, section=empty)
    with purged:
        draft.status = Article.Status.PUBLISHED
        draft.save()
    assert "frame" in purged.keys


def test_unpublishing_and_moving_purge_old_and_new_lists(purged):
    old, new = SectionFactory(), SectionFactory()
    ArticleFactory(section=old)
    ArticleFactory(section=new)
    article = ArticleFactory(section=old)
    with purged:
        article.section = new
        article.save()
    assert {f"section-{old.pk}", f"section-{new.pk}", "home"} <= purged.keys
    assert "frame" not in purged.keys  # both sections still have visible articles
    with purged:
        article.status = Article.Status.UNPUBLISHED
        article.save()
    assert {f"article-{article.pk}", f"section-{new.pk}", "home", "feeds"} <= purged.keys


def test_scheduling_purges_the_schedule_so_pages_expire_on_time(purged):
    draft = ArticleFactory(status=Article.Status.DRAFT)
    with purged:
        draft.status = Article.Status.PUBLISHED
        draft.published_at = timezone.now() + timedelta(hours=2)
        draft.save()
    assert "schedule" in purged.keys
    assert purges.next_scheduled_change() == draft.published_at


def test_a_pending_held_or_spam_comment_purges_nothing(purged):
    article = ArticleFactory()
    with purged:
        for status in (Comment.Status.PENDING, Comment.Status.SPAM):
            CommentFactory(article=article, status=status)
    assert purged.keys == set()


def test_approving_or_removing_a_comment_purges_only_its_article(purged):
    article = ArticleFactory()
    comment = CommentFactory(article=article, status=Comment.Status.PENDING)
    with purged:
        comment.status = Comment.Status.APPROVED
        comment.save()
    assert purged.keys == {f"comments-{article.pk}"}
    with purged:
        comment.status = Comment.Status.REMOVED
        comment.save()
    assert purged.keys == {f"comments-{article.pk}"}
    with purged:
        comment.delete()
    assert purged.keys == set()  # it was no longer shown


def test_names_shown_everywhere_purge_the_pages_that_show_them(purged):
    author = AuthorFactory()
    article = ArticleFactory(authors=[author])
    hidden = ArticleFactory(status=Article.Status.DRAFT, authors=[author])
    with purged:
        author.name = "Sara Nouveau-Nom"
        author.save()
    assert f"author-{author.pk}" in purged.keys and f"article-{article.pk}" in purged.keys
    assert f"article-{hidden.pk}" not in purged.keys
    with purged:
        article.section.name = "Monde et Europe"
        article.section.save()
    assert {"frame", f"section-{article.section.pk}"} <= purged.keys


def test_pins_and_the_moderation_policy(purged):
    article = ArticleFactory()
    with purged:
        HomepagePin.objects.create(
            slot=HomepagePin.Slot.LEAD, article=article, pinned_until=timezone.now() + timedelta(1)
        )
    assert purged.keys == {"home", "schedule"}
    with purged:
        ModerationPolicy.load().save()
    assert purged.keys == {"comment-policy"}
