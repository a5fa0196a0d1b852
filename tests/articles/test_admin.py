import pytest
from django.urls import reverse

from articles.models import Article, ArticleAuthor, Tag
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory
from tests.formdata import form_data

MODELS = ["article", "section", "author", "tag"]


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS)
def test_admin_changelist_and_add_pages_load(admin_client, model):
    ArticleFactory(tags=["Ukraine"], authors=[AuthorFactory()])
    assert admin_client.get(reverse(f"admin:articles_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:articles_{model}_add")).status_code == 200


@pytest.mark.django_db
def test_admin_article_change_page_loads(admin_client):
    article = ArticleFactory(tags=["Ukraine"], authors=[AuthorFactory()])
    response = admin_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert response.status_code == 200
    assert article.title in response.text


@pytest.mark.django_db
def test_admin_article_list_filters_and_search(admin_client):
    author = AuthorFactory(name="Sara")
    ArticleFactory(title="Sommet de Genève", authors=[author])
    ArticleFactory(title="Match nul", status=Article.Status.DRAFT, authors=[AuthorFactory()])
    url = reverse("admin:articles_article_changelist")
    assert "Sommet de Genève" in admin_client.get(url, {"q": "Genève"}).text
    drafts = admin_client.get(url, {"status__exact": "draft"}).text
    assert "Match nul" in drafts and "Sommet de Genève" not in drafts
    by_author = admin_client.get(url, {"bylines__author__id__exact": author.pk}).text
    assert "Sommet de Genève" in by_author and "Match nul" not in by_author


@pytest.mark.django_db
def test_admin_list_query_count_does_not_grow(admin_client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("admin:articles_article_changelist")
    counts = []
    admin_client.get(url)  # the session's first admin page also reads the admin language
    for batch in (1, 10):
        ArticleFactory.create_batch(batch, authors=[AuthorFactory(), AuthorFactory()])
        with CaptureQueriesContext(connection) as ctx:
            assert admin_client.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_author_and_tag_autocomplete_answer(admin_client):
    AuthorFactory(name="Camille Dufresne")
    ArticleFactory(tags=["États-Unis"])
    url = reverse("admin:autocomplete")
    authors = admin_client.get(
        url,
        {
            "term": "Cami",
            "app_label": "articles",
            "model_name": "articleauthor",
            "field_name": "author",
        },
    ).json()
    assert [r["text"] for r in authors["results"]] == ["Camille Dufresne"]
    tags = admin_client.get(
        url,
        {
            "term": "Unis",
            "app_label": "articles",
            "model_name": "taggedarticle",
            "field_name": "tag",
        },
    ).json()
    assert [r["text"] for r in tags["results"]] == ["États-Unis"]


@pytest.mark.django_db
def test_editor_creates_an_article_with_bylines_and_tags_in_the_admin(admin_client):
    section = SectionFactory()
    sara, julien = AuthorFactory(name="Sara"), AuthorFactory(name="Julien")
    tag = Tag.objects.create(name="États-Unis")
    add_url = reverse("admin:articles_article_add")
    data = form_data(admin_client.get(add_url).text, "article_form")
    data.update(
        {
            "title": "Nouvel article",
            "slug": "nouvel-article",
            "standfirst": "Chapô.",
            "body": "<p>Texte <script>alert(1)</script></p><h2>Intertitre</h2>",
            "section": section.pk,
            "status": "published",
            "published_at_0": "2026-01-02",
            "published_at_1": "10:00:00",
            "bylines-TOTAL_FORMS": "2",
            "bylines-0-author": sara.pk,
            "bylines-0-position": "0",
            "bylines-0-role": "reporter",
            "bylines-0-agency": "AFP",
            "bylines-1-author": julien.pk,
            "bylines-1-position": "1",
            "bylines-1-role": "photographer",
            "bylines-1-agency": "",
            "tag_names": tag.name,
        }
    )
    response = admin_client.post(add_url, data)
    assert response.status_code == 302, (
        response.context["adminform"].errors if response.context else response
    )
    article = Article.objects.get(slug="nouvel-article")
    assert "<script>" not in article.body_html
    assert [b.author for b in ArticleAuthor.objects.filter(article=article)] == [sara, julien]
    assert list(article.tags.all()) == [tag]


@pytest.mark.django_db
def test_a_slug_left_empty_is_made_from_the_headline_by_the_sites_rule(admin_client):
    """The address saved is the one the site's rule makes (accents folded): the admin no
    longer fills the slug as the headline is typed, with the browser's rule, which kept
    accents ('paris-alliés-…') and so showed an address the article would not get."""
    add_url = reverse("admin:articles_article_add")
    page = admin_client.get(add_url)
    assert page.context["adminform"].prepopulated_fields == []
    data = form_data(page.text, "article_form")
    title = "Paris et ses alliés relancent l’aide à l’Ukraine"
    data.update(
        {"title": title, "slug": "", "body": "<p>Texte.</p>", "section": SectionFactory().pk}
    )
    data["status"] = "draft"
    response = admin_client.post(add_url, data)
    assert response.status_code == 302, response.context["adminform"].errors
    assert (
        Article.objects.get(title=title).slug == "paris-et-ses-allies-relancent-l-aide-a-l-ukraine"
    )


@pytest.mark.django_db
def test_the_share_link_is_listed_whole_on_the_articles_page(admin_client, admin_user):
    """The address a reviewer needs was only in a one-time success message."""
    from articles import preview

    article = ArticleFactory(status=Article.Status.DRAFT)
    link = preview.create_share_link(article, admin_user)
    page = admin_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    address = f"http://testserver{link.get_absolute_url()}"
    assert f'<a href="{address}" rel="noopener">{address}</a>' in page.content.decode()
