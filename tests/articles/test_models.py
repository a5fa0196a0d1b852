from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from articles.models import Article, ArticleRedirect, Tag
from articles.text import make_slug, reading_minutes
from tests.factories import ArticleFactory, SectionFactory


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("États-Unis", "etats-unis"),
        ("cessez\u2011le\u2011feu", "cessez-le-feu"),
        ("L’Élysée dément", "l-elysee-dement"),
        ("Œuvres d'art", "oeuvres-d-art"),
        ("Україна", "україна"),
        ("東京", "東京"),
    ],
)
def test_make_slug_folds_accents_and_keeps_other_scripts(text, slug):
    assert make_slug(text) == slug


@pytest.mark.parametrize("text", ["🔥🔥", "!!!", "", "   "])
def test_make_slug_is_never_empty(text):
    assert make_slug(text)


@pytest.mark.django_db
def test_tag_slug_folds_accents():
    article = ArticleFactory()
    article.tags.add("États-Unis", "Україна", "🔥")
    slugs = set(Tag.objects.values_list("slug", flat=True))
    assert "etats-unis" in slugs
    assert "україна" in slugs
    assert all(slugs)


@pytest.mark.django_db
def test_article_slug_is_generated_from_title_and_made_unique():
    section = SectionFactory()
    first = Article.objects.create(title="Cessez‑le‑feu à l’Est", section=section)
    second = Article.objects.create(title="Cessez‑le‑feu à l’Est", section=section)
    assert first.slug == "cessez-le-feu-a-l-est"
    assert second.slug == "cessez-le-feu-a-l-est-2"


@pytest.mark.django_db
def test_body_is_sanitized_on_save():
    article = ArticleFactory(
        body='<p onclick="x()">Texte <script>alert(1)</script><a href="javascript:alert(1)">lien</a>'
        '<a href="https://example.org/">ailleurs</a></p><iframe src="https://evil"></iframe>'
        '<h2 style="color:red">Titre</h2>'
    )
    assert "script" not in article.body_html
    assert "onclick" not in article.body_html
    assert "javascript:" not in article.body_html
    assert "iframe" not in article.body_html
    assert "style" not in article.body_html
    assert '<a href="https://example.org/" rel="noopener">ailleurs</a>' in article.body_html
    assert "<h2>Titre</h2>" in article.body_html


@pytest.mark.django_db
def test_reading_time_counts_words():
    article = ArticleFactory(body="<p>" + "mot " * 900 + "</p>")
    assert article.reading_time == reading_minutes("mot " * 900) == 5


@pytest.mark.django_db
def test_publishing_without_a_time_stamps_now():
    article = ArticleFactory(status=Article.Status.PUBLISHED, published_at=None)
    assert article.published_at is not None
    assert article.published_at <= timezone.now()


@pytest.mark.django_db
def test_renaming_a_published_article_records_its_old_slug():
    article = ArticleFactory(slug="ancien-titre")
    article.slug = "nouveau-titre"
    article.save()
    assert ArticleRedirect.objects.get(old_slug="ancien-titre").article == article


@pytest.mark.django_db
def test_renaming_a_draft_records_nothing():
    article = ArticleFactory(slug="brouillon", status=Article.Status.DRAFT)
    article.slug = "brouillon-renomme"
    article.save()
    assert not ArticleRedirect.objects.exists()


@pytest.mark.django_db
def test_taking_back_an_old_slug_removes_its_redirect():
    article = ArticleFactory(slug="premier")
    article.slug = "second"
    article.save()
    article.slug = "premier"
    article.save()
    assert list(ArticleRedirect.objects.values_list("old_slug", flat=True)) == ["second"]


@pytest.mark.django_db
def test_source_address_needs_an_outlet_name():
    article = ArticleFactory.build(
        section=SectionFactory(), source_url="https://example.org/x", source_name=""
    )
    with pytest.raises(ValidationError) as excinfo:
        article.full_clean()
    assert "source_name" in excinfo.value.message_dict


@pytest.mark.django_db
def test_is_published_and_is_scheduled():
    past = ArticleFactory()
    future = ArticleFactory(published_at=timezone.now() + timedelta(hours=1))
    draft = ArticleFactory(status=Article.Status.DRAFT)
    assert past.is_published and not past.is_scheduled
    assert future.is_scheduled and not future.is_published
    assert not draft.is_published and not draft.is_scheduled
