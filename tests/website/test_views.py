import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Tag
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

HIDDEN_STATES = {
    "draft": {"status": Article.Status.DRAFT},
    "review": {"status": Article.Status.REVIEW},
    "scheduled": {"published_at_delta": timedelta(hours=2)},
}


def make_hidden(kind, **kwargs):
    options = dict(HIDDEN_STATES[kind])
    delta = options.pop("published_at_delta", None)
    if delta:
        options["published_at"] = timezone.now() + delta
    return ArticleFactory(title=f"Article caché {kind}", **options, **kwargs)


def listing_urls(section, tag, author):
    return [
        reverse("articles:index"),
        section.get_absolute_url(),
        tag.get_absolute_url(),
        author.get_absolute_url(),
    ]


@pytest.fixture
def world():
    section = SectionFactory(name="Actualité", slug="actualite")
    author = AuthorFactory(name="Sara", slug="sara")
    visible = ArticleFactory(
        title="Article visible", section=section, tags=["États-Unis"], authors=[author]
    )
    tag = Tag.objects.get(slug="etats-unis")
    return {"section": section, "author": author, "tag": tag, "visible": visible}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(HIDDEN_STATES))
def test_hidden_articles_appear_nowhere(client, world, kind):
    hidden = make_hidden(
        kind, section=world["section"], tags=["États-Unis"], authors=[world["author"]]
    )
    for url in listing_urls(world["section"], world["tag"], world["author"]):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Article visible" in response.text, url
        assert hidden.title not in response.text, url
    assert client.get(hidden.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_scheduled_article_appears_everywhere_once_its_time_passes(client, world, move_time):
    scheduled = make_hidden(
        "scheduled", section=world["section"], tags=["États-Unis"], authors=[world["author"]]
    )
    assert client.get(scheduled.get_absolute_url()).status_code == 404
    move_time(hours=3)
    for url in listing_urls(world["section"], world["tag"], world["author"]):
        assert scheduled.title in client.get(url).text, url
    assert client.get(scheduled.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_article_page_shows_its_full_anatomy(client, world, django_capture_on_commit_callbacks):
    other = AuthorFactory(name="Julien", slug="julien")
    article = ArticleFactory(
        title="Cessez‑le‑feu : les négociations reprennent",
        standfirst="Les diplomates se retrouvent à Genève.",
        body="<p>Intro.</p><h2>Un calendrier serré</h2><p>Suite.</p>",
        section=world["section"],
        tags=["Ukraine", "Russie", "France", "États-Unis"],
        authors=[world["author"], other],
        source_name="Le Courrier",
        source_url="https://example.org/courrier/article",
        source_kind=Article.SourceKind.REWRITE,
    )
    with django_capture_on_commit_callbacks(execute=True):  # suggestions follow the commit
        related = ArticleFactory(title="Une suite possible", tags=["Ukraine"])
    html = client.get(article.get_absolute_url()).text
    assert 'aria-label="Fil d’Ariane"' in html or "breadcrumb" in html
    assert "Accueil" in html and "Actualité" in html
    assert "Cessez‑le‑feu : les négociations reprennent" in html
    assert "Les diplomates se retrouvent à Genève." in html
    assert 'href="/auteur/sara/"' in html and 'href="/auteur/julien/"' in html
    for slug in ("ukraine", "russie", "france", "etats-unis"):
        assert f'href="/sujet/{slug}/"' in html
    assert "<h2>Un calendrier serré</h2>" in html
    assert 'href="https://example.org/courrier/article"' in html
    assert related.title in html
    assert f'datetime="{article.published_at.isoformat()}"' in html or "<time" in html


@pytest.mark.django_db
def test_old_slug_answers_301_to_the_new_address(client, world):
    article = world["visible"]
    old_url = article.get_absolute_url()
    article.slug = "nouvelle-adresse"
    article.save()
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
def test_old_slug_of_an_unpublished_article_is_404(client, world):
    article = world["visible"]
    old_url = article.get_absolute_url()
    article.slug = "nouvelle-adresse"
    article.save()
    article.status = Article.Status.DRAFT
    article.save()
    assert client.get(old_url).status_code == 404


@pytest.mark.django_db
def test_wrong_year_or_month_redirects_to_the_canonical_address(client, world):
    article = world["visible"]
    url = reverse("articles:detail", kwargs={"year": 1999, "month": 1, "slug": article.slug})
    response = client.get(url)
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


@pytest.mark.django_db
def test_unicode_slug_article_is_served_without_redirect_loop(client, world):
    article = ArticleFactory(title="Київ", slug="", section=world["section"])
    assert article.slug == "київ"
    assert client.get(article.get_absolute_url()).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/rubrique/inconnue/",
        "/sujet/inconnu/",
        "/auteur/inconnu/",
        "/2026/11/inconnu/",
        "/2026/13/inconnu/",
        "/99999999999999999999/1/x/",
        "/rubrique/" + "a" * 5000 + "/",
        "/2026/11/" + "é" * 3000 + "/",
        "/nimporte/quoi/",
    ],
)
def test_unknown_addresses_are_404(client, world, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "Page introuvable" in response.text


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["abc", "99999", "0", "-1", "1.5", "", "last", "2" * 400])
def test_bad_page_numbers_never_error(client, world, page):
    response = client.get(world["section"].get_absolute_url(), {"page": page})
    assert response.status_code in {200, 404}


@pytest.mark.django_db
def test_listing_pages_paginate(client, world, settings):
    ArticleFactory.create_batch(25, section=world["section"])
    url = world["section"].get_absolute_url()
    first = client.get(url)
    assert len(first.context["articles"]) == 20
    assert 'rel="next"' in first.text
    second = client.get(url, {"page": 2})
    assert len(second.context["articles"]) == 6


@pytest.mark.django_db
def test_homepage_shows_each_article_once(client):
    sections = SectionFactory.create_batch(3)
    for section in sections:
        ArticleFactory.create_batch(6, section=section)
    html = client.get(reverse("articles:index")).text
    for article in Article.objects.all():
        assert html.count(f'href="{article.get_absolute_url()}"') <= 1, article.title


@pytest.mark.django_db
def test_homepage_leads_with_the_latest_featured_story(client):
    ArticleFactory(title="Une brève récente")
    featured = ArticleFactory(
        title="Le grand reportage",
        is_featured=True,
        published_at=timezone.now() - timedelta(hours=5),
    )
    response = client.get(reverse("articles:index"))
    assert response.context["lead"] == featured


def build_data(count):
    """`count` sections, authors and tags, and 2 × count articles (12 at least) using them."""
    sections = SectionFactory.create_batch(count)
    authors = AuthorFactory.create_batch(count)
    tags = [f"Sujet {n}" for n in range(count)]
    # At least a homepage's worth, so every block of the page has something to show.
    for n in range(max(count * 2, 12)):
        ArticleFactory(
            section=sections[n % count],
            authors=list(dict.fromkeys([authors[n % count], authors[(n + 1) % count]])),
            tags=tags[: n % count + 1],
        )
    return sections[0], authors[0], Tag.objects.get(name="Sujet 0")


PAGES = {
    "index": lambda section, author, tag, article: reverse("articles:index"),
    "section": lambda section, author, tag, article: section.get_absolute_url(),
    "tag": lambda section, author, tag, article: tag.get_absolute_url(),
    "author": lambda section, author, tag, article: author.get_absolute_url(),
    "detail": lambda section, author, tag, article: article.get_absolute_url(),
}


# Queries per page (docs/deploy.md has the table): the homepage's pins, recent window,
# top cards, their bylines and section blocks; a list page's heading, count, cards and
# bylines; an article with its section and comment count, its bylines, tags, corrections,
# related cards and comments. The section navigation and the comment moderation policy
# come from the shared cache (pagecache/memo.py, comments/threads.py): read by the first
# page after a purge of theirs, which costs it one query more.
BUDGETS = {"index": 5, "section": 4, "tag": 4, "author": 4, "detail": 6}


def count_queries(client, django_assert_max_num_queries, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("page", list(PAGES))
def test_public_page_queries_do_not_grow_with_data(client, page, django_assert_max_num_queries):
    section, author, tag = build_data(1)
    article = Article.objects.published().filter(tags=tag).first()
    client.get(PAGES[page](section, author, tag, article))  # caches filled once per site
    small = count_queries(client, None, PAGES[page](section, author, tag, article))

    section, author, tag = build_data(12)
    article = Article.objects.published().filter(tags=tag).order_by("pk").last()
    large = count_queries(client, None, PAGES[page](section, author, tag, article))
    assert small == large
    assert large == BUDGETS[page], f"{page}: {large} queries"


@pytest.mark.django_db
def test_language_switch_links_to_the_same_page_in_the_other_language(client, world):
    url = world["visible"].get_absolute_url()
    french = client.get(url).text
    assert f'href="/en{url}" hreflang="en" lang="en">English</a>' in french
    english = client.get("/en" + url)
    assert english.status_code == 200 and '<html lang="en">' in english.text
    assert f'href="{url}" hreflang="fr" lang="fr">Français</a>' in english.text


@pytest.mark.django_db
@pytest.mark.parametrize("reply", [False, True])
def test_the_comment_form_targets_its_article_and_carries_no_token(client, reply):
    """The form is part of a page every reader shares: its tokens come from its script."""
    from tests.comments.factories import CommentFactory

    article = ArticleFactory()
    query = ""
    if reply:
        query = f"?reply={CommentFactory(article=article, name='Ana').pk}"
    page = client.get(article.get_absolute_url() + query).text
    assert f'action="/commentaires/{article.pk}/#respond"' in page
    assert f'data-tokens="/commentaires/{article.pk}/jetons/"' in page
    assert 'name="csrfmiddlewaretoken" value=""' in page and 'name="stamp" value=""' in page
    if reply:
        assert "Ana" in page and f'href="{article.get_absolute_url()}#respond"' in page


@pytest.mark.django_db
def test_cards_count_only_approved_comments(client, world):
    from comments.models import Comment
    from tests.comments.factories import CommentFactory

    article = world["visible"]
    CommentFactory.create_batch(2, article=article)
    CommentFactory(article=article, status=Comment.Status.PENDING)
    CommentFactory(article=article, status=Comment.Status.SPAM)
    for url in (reverse("articles:index"), world["section"].get_absolute_url()):
        page = client.get(url).content.decode()
        assert '<span class="comment-count">2 commentaires</span>' in page, url
    assert "2 commentaires" in client.get(article.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_section_navigation_marks_the_current_page_in_each_language(client, world):

    def current_links(url):
        nav = re.search(r'<nav class="sections-nav".*?</nav>', client.get(url).text, re.DOTALL)
        return re.findall(r'<a href="([^"]+)" aria-current="page">', nav.group())

    section_url = world["section"].get_absolute_url()
    assert current_links("/") == ["/"]
    assert current_links(section_url) == [section_url]
    assert current_links(world["visible"].get_absolute_url()) == [section_url]
    assert current_links("/en" + section_url) == ["/en" + section_url]
    assert current_links("/en/") == ["/en/"]
    assert current_links("/recherche/?q=test") == []
    english = client.get("/en/").text
    assert ">Home</a>" in english and ">Accueil</a>" in client.get("/").text


@pytest.mark.django_db
def test_the_page_frame_is_kept_per_language_and_never_holds_a_search(client, world):
    """base.html keeps its language-only parts (`{% cache … using="frames" %}`)."""

    def search_value(url):
        return re.search(r'id="site-search-q" name="q" value="([^"]*)"', client.get(url).text)[1]

    article = world["visible"].get_absolute_url()
    assert search_value("/recherche/?q=cessez-le-feu") == "cessez-le-feu"
    assert search_value(article) == ""
    assert search_value("/recherche/?q=%3Cb%3E") == "&lt;b&gt;"
    assert search_value("/") == ""
    french, english = client.get(article).text, client.get("/en" + article).text
    assert 'href="#content">Aller au contenu</a>' in french
    assert 'href="#content">Skip to content</a>' in english
    assert 'action="/en/recherche/"' in english and 'action="/recherche/"' in french
    assert 'class="site-name" href="/en/"' in english
    # List pages name their own feeds; other pages the site's.
    section = client.get(world["section"].get_absolute_url()).text
    assert section.count('type="application/rss+xml"') == 2
    assert client.get(article).text.count('type="application/rss+xml"') == 1


@pytest.mark.django_db
def test_reading_time_and_comment_count_read_in_each_language(client):
    from tests.comments.factories import CommentFactory

    long = ArticleFactory(body="<p>" + "mot " * 1000 + "</p>")
    short = ArticleFactory(body="<p>Court.</p>")
    CommentFactory(article=short)
    assert f"{long.reading_time} minutes de lecture" in client.get(long.get_absolute_url()).text
    french = client.get(short.get_absolute_url()).text
    assert "1 minute de lecture" in french
    assert '<a class="comment-count" href="#comments">1 commentaire</a>' in french
    english = client.get("/en" + short.get_absolute_url()).text
    assert "1 minute read" in english and ">1 comment</a>" in english
    assert long.reading_time > 1


@pytest.mark.django_db
def test_tags_print_in_the_editors_order_not_the_alphabets(client):
    """As the editor gave them (one tag row after another in the admin), everywhere the
    article lists them: the page, its JSON-LD keywords and its feed categories."""
    from articles.models import TaggedArticle

    article = ArticleFactory(title="Sommet à Paris")
    order = ["Ukraine", "États-Unis", "Diplomatie", "Russie"]
    for name in order:
        TaggedArticle.objects.create(content_object=article, tag=Tag.objects.create(name=name))
    html = client.get(article.get_absolute_url()).text
    tags = html.split('<ul class="tags"')[1].split("</ul>")[0]
    assert [tags.index(f">{name}</a>") for name in order] == sorted(
        tags.index(f">{name}</a>") for name in order
    )
    from tests.website.test_seo import Head

    assert Head(html).json_ld()["NewsArticle"]["keywords"] == order
    feed = client.get("/flux/").text
    assert (
        feed.index("<category>Ukraine</category>")
        < feed.index("<category>États-Unis</category>")
        < feed.index("<category>Russie</category>")
    )
