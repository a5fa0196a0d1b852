"""The article page's one-statement read (articles/reader.py) against the ORM it replaces."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import (
    Article,
    ArticleAuthor,
    Correction,
    PinnedRelated,
    RelatedSuggestion,
)
from articles.reader import load_article_page
from articles.related import paused, related_articles
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, image_file

pytestmark = pytest.mark.django_db

ARTICLE_FIELDS = [
    "pk",
    "title",
    "slug",
    "standfirst",
    "body_html",
    "section_id",
    "source_name",
    "source_url",
    "source_kind",
    "language",
    "status",
    "published_at",
    "updated_at",
    "comments_open",
    "reading_time",
    "lead_image_alt",
    "lead_image_caption",
    "lead_image_credit",
    "lead_image_width",
    "lead_image_height",
    "lead_image_renditions",
    "seo_title",
    "seo_description",
]


def orm_page(slug):
    article = Article.objects.published().for_article_page().get(slug=slug)
    return article, related_articles(article)


@pytest.fixture
def story():
    """A published article with everything its page prints, in orders the ids do not give."""
    now = timezone.now()
    with paused():
        story = ArticleFactory(
            title="Cessez‑le‑feu : les États-Unis et la France proposent un plan",
            slug="cessez-le-feu-etats-unis",
            source_name="Agence « Exemple »",
            source_url="https://example.org/depeche",
            source_kind=Article.SourceKind.REWRITE,
            lead_image=image_file(),
            lead_image_alt="Des diplomates autour d'une table",
            lead_image_caption="À Genève, mardi.",
            lead_image_credit="Photo : Rédaction",
            published_at=now - timedelta(days=1),
        )
        story.tags.add("Ukraine", "Russie", "France", "États-Unis")
        for position, name in [(2, "Karim"), (0, "Sara"), (1, "Léa")]:
            ArticleAuthor.objects.create(
                article=story,
                author=AuthorFactory(name=name),
                position=position,
                role="photographer" if name == "Léa" else "",
                agency="AFP" if name == "Karim" else "",
            )
        Correction.objects.create(article=story, text="Second note.", created_at=now)
        Correction.objects.create(
            article=story,
            kind=Correction.Kind.UPDATE,
            text="First note.",
            created_at=now - timedelta(hours=2),
        )
        section = SectionFactory()
        others = [ArticleFactory(section=section) for _ in range(6)]
        hidden = [
            ArticleFactory(status=Article.Status.DRAFT),
            ArticleFactory(published_at=now + timedelta(hours=1)),  # scheduled
            ArticleFactory(status=Article.Status.UNPUBLISHED),
        ]
    # Computed suggestions by rank, two pins in the editor's order (one of them also
    # computed), and hidden articles in both lists: they must never show.
    for rank, related in enumerate([hidden[0], others[3], others[1], others[4], others[5]]):
        RelatedSuggestion.objects.create(article=story, related=related, rank=rank)
    PinnedRelated.objects.create(article=story, related=others[2], position=1)
    PinnedRelated.objects.create(article=story, related=others[4], position=0)
    PinnedRelated.objects.create(article=story, related=hidden[1], position=2)
    return story


def test_the_page_holds_what_the_orm_reads(story):
    page = load_article_page(story.slug)
    article, related = orm_page(story.slug)
    for field in ARTICLE_FIELDS:
        assert getattr(page.article, field) == getattr(article, field), field
    assert page.article.lead_image.name == article.lead_image.name
    assert page.article.lead_image.url == article.lead_image.url
    assert page.article.get_absolute_url() == article.get_absolute_url()
    assert page.article.comment_count == article.comment_count == 0
    assert page.article.section == article.section
    assert page.article.section.name == article.section.name
    assert [(b.pk, b.author.name, b.role, b.agency) for b in page.article.bylines.all()] == [
        (b.pk, b.author.name, b.role, b.agency) for b in article.bylines.all()
    ]
    assert [b.author.name for b in page.article.bylines.all()] == ["Sara", "Léa", "Karim"]
    assert [t.name for t in page.article.tags.all()] == [t.name for t in article.tags.all()]
    assert {t.name for t in page.article.tags.all()} == {
        "Ukraine",
        "Russie",
        "France",
        "États-Unis",
    }
    assert [(n.pk, n.kind, n.text, n.created_at) for n in page.article.corrections.all()] == [
        (n.pk, n.kind, n.text, n.created_at) for n in article.corrections.all()
    ]
    assert [n.text for n in page.article.corrections.all()] == ["First note.", "Second note."]
    assert [r.pk for r in page.related] == [r.pk for r in related]
    assert len(page.related) == 4  # RELATED_COUNT in the test settings


def test_related_are_pinned_first_then_computed_and_never_hidden(story, settings):
    settings.NEWSROOM = {**settings.NEWSROOM, "RELATED_COUNT": 10}
    load_article_page.__globals__["_statement"].cache_clear()
    try:
        page = load_article_page(story.slug)
        expected = [r.pk for r in related_articles(story, limit=10)]
    finally:
        load_article_page.__globals__["_statement"].cache_clear()
    assert [r.pk for r in page.related] == expected
    pins = [p.related_id for p in story.pinned_related.order_by("position")]
    assert [r.pk for r in page.related][:2] == pins[:2]
    assert all(r.is_published for r in page.related)
    assert story.pk not in expected


def test_cards_and_lists_need_no_further_query(story, django_assert_num_queries):
    from articles.cards import article_card, byline, picture

    with django_assert_num_queries(1):
        page = load_article_page(story.slug)
        article = page.article
        byline(article.bylines.all())
        picture(article, "100vw")
        [tag.get_absolute_url() for tag in article.tags.all()]
        list(article.corrections.all())
        article.section.get_absolute_url()
        [article_card(item, show_image=True, show_section=True) for item in page.related]


@pytest.mark.parametrize(
    "change",
    [
        {"status": Article.Status.DRAFT},
        {"status": Article.Status.REVIEW},
        {"status": Article.Status.UNPUBLISHED},
        {"published_at_offset": timedelta(minutes=5)},  # scheduled
    ],
)
def test_only_what_readers_may_see(change):
    article = ArticleFactory(status=change.get("status", Article.Status.PUBLISHED))
    if "published_at_offset" in change:
        Article.objects.filter(pk=article.pk).update(
            published_at=timezone.now() + change["published_at_offset"]
        )
    assert load_article_page(article.slug) is None
    assert not Article.objects.published().filter(slug=article.slug).exists()


def test_an_article_with_nothing_around_it():
    article = ArticleFactory(slug="seul")
    page = load_article_page("seul")
    assert page.article.pk == article.pk
    assert list(page.article.bylines.all()) == []
    assert list(page.article.tags.all()) == []
    assert list(page.article.corrections.all()) == []
    assert page.related == []


def test_comment_count_is_approved_comments_only(story):
    from comments.models import Comment
    from tests.comments.factories import CommentFactory

    CommentFactory.create_batch(3, article=story)
    for status in (Comment.Status.PENDING, Comment.Status.SPAM, Comment.Status.REMOVED):
        CommentFactory(article=story, status=status)
    assert load_article_page(story.slug).article.comment_count == 3


def test_unknown_and_hostile_slugs_find_nothing():
    ArticleFactory(slug="existe")
    for slug in ["n-existe-pas", "existe' OR '1'='1", "existe%", "", "é" * 300]:
        assert load_article_page(slug) is None


def test_page_instances_save_like_the_orm_s(story):
    """Built without Model.__init__ (reader.py), they still save what changed, keep
    deferred fields, and keep a renamed article's old address."""
    from articles.models import ArticleRedirect

    page = load_article_page(story.slug)
    article = page.article
    article.title = "Nouveau titre"
    article.slug = "nouvelle-adresse"
    article.save()
    saved = Article.objects.get(pk=story.pk)
    assert (saved.title, saved.slug, saved.body) == (
        "Nouveau titre",
        "nouvelle-adresse",
        story.body,
    )
    assert ArticleRedirect.objects.filter(old_slug=story.slug, article=saved).exists()
    related = page.related[0]
    assert related.body == Article.objects.get(pk=related.pk).body  # deferred, then loaded
