from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory


@pytest.fixture
def mixed_articles():
    section = SectionFactory()
    return {
        "published": ArticleFactory(section=section),
        "draft": ArticleFactory(section=section, status=Article.Status.DRAFT),
        "review": ArticleFactory(section=section, status=Article.Status.REVIEW),
        "scheduled": ArticleFactory(
            section=section, published_at=timezone.now() + timedelta(hours=2)
        ),
    }


@pytest.mark.django_db
def test_published_keeps_only_what_readers_may_see(mixed_articles):
    assert list(Article.objects.published()) == [mixed_articles["published"]]


@pytest.mark.django_db
def test_scheduled_article_becomes_visible_when_its_time_comes(mixed_articles, move_time):
    scheduled = mixed_articles["scheduled"]
    assert scheduled not in Article.objects.published()
    move_time(hours=3)
    assert scheduled in Article.objects.published()
    assert mixed_articles["draft"] not in Article.objects.published()


@pytest.mark.django_db
def test_in_section_tagged_and_by_author_filter():
    author = AuthorFactory()
    sport, culture = SectionFactory(), SectionFactory()
    match = ArticleFactory(section=sport, tags=["Rugby"], authors=[author])
    ArticleFactory(section=culture, tags=["Cinéma"])
    rugby = match.tags.get()
    assert list(Article.objects.in_section(sport)) == [match]
    assert list(Article.objects.tagged(rugby)) == [match]
    assert list(Article.objects.by_author(author)) == [match]


@pytest.mark.django_db
def test_latest_per_section_takes_the_newest_of_each_section():
    now = timezone.now()
    first, second = SectionFactory(), SectionFactory()
    for hours in range(1, 6):
        ArticleFactory(section=first, published_at=now - timedelta(hours=hours))
    only = ArticleFactory(section=second)
    picked = list(Article.objects.published().latest_per_section(2).order_by("-published_at"))
    assert len(picked) == 3
    assert only in picked
    assert [a.published_at for a in picked if a.section == first] == [
        now - timedelta(hours=1),
        now - timedelta(hours=2),
    ]


@pytest.mark.django_db
def test_related_to_prefers_shared_tags_and_excludes_itself():
    section = SectionFactory()
    article = ArticleFactory(section=section, tags=["Ukraine", "Russie"])
    both = ArticleFactory(tags=["Ukraine", "Russie"])
    one = ArticleFactory(tags=["Ukraine"])
    same_section = ArticleFactory(section=section)
    ArticleFactory(tags=["Rugby"])
    related = list(Article.objects.published().related_to(article))
    assert related[:2] == [both, one]
    assert same_section in related
    assert article not in related
    assert len(related) == 3
