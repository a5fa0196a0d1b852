import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import search
from articles.models import Article
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("articles:search")
HIDDEN = {
    "draft": {"status": Article.Status.DRAFT},
    "review": {"status": Article.Status.REVIEW},
    "unpublished": {"status": Article.Status.UNPUBLISHED},
    "scheduled": {"published_at_delta": timedelta(hours=2)},
}


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def titles(response) -> list[str]:
    return [article.title for article in response.context["articles"]]


def find(client, query, **params):
    response = client.get(SEARCH, {"q": query, **params})
    assert response.status_code == 200
    return response


def hours_ago(hours: float):
    return timezone.now() - timedelta(hours=hours)


# Ranking ----------------------------------------------------------------------------------


def test_headline_match_beats_body_match_even_when_older(client):
    ArticleFactory(
        title="Le conseil municipal se réunit",
        body="<p>Le budget, encore le budget : le budget occupe toute la séance.</p>",
        published_at=hours_ago(1),
    )
    ArticleFactory(title="Le budget de la ville adopté", published_at=hours_ago(72))
    assert titles(find(client, "budget")) == [
        "Le budget de la ville adopté",
        "Le conseil municipal se réunit",
    ]


def test_standfirst_match_beats_body_match(client):
    ArticleFactory(title="Séance agitée", body="<p>Il fut question du tramway.</p>")
    ArticleFactory(
        title="Conseil de quartier",
        standfirst="Le tramway arrive en 2027.",
        published_at=hours_ago(30),
    )
    assert titles(find(client, "tramway")) == ["Conseil de quartier", "Séance agitée"]


def test_recency_breaks_ties_between_equal_matches(client):
    ArticleFactory(title="Incendie en forêt", published_at=hours_ago(24 * 40))
    ArticleFactory(title="Incendie en montagne", published_at=hours_ago(2))
    assert titles(find(client, "incendie")) == ["Incendie en montagne", "Incendie en forêt"]


def test_every_word_must_match(client):
    ArticleFactory(title="Grève des transports à Lyon")
    ArticleFactory(title="Grève des enseignants")
    assert titles(find(client, "grève lyon")) == ["Grève des transports à Lyon"]


def test_excluded_words_leave_articles_out(client):
    ArticleFactory(title="Grève des transports à Lyon")
    ArticleFactory(title="Grève des enseignants")
    assert titles(find(client, "grève -lyon")) == ["Grève des enseignants"]


# Language: stems and accents ---------------------------------------------------------------


def test_french_singular_finds_plural(client):
    ArticleFactory(title="Reprise des négociations à Genève", language="fr")
    assert titles(find(client, "négociation")) == ["Reprise des négociations à Genève"]


def test_french_stemming_finds_other_forms_on_postgresql(client):
    if not on_postgresql():
        pytest.skip("the SQLite fallback matches word beginnings, it does not stem verbs")
    ArticleFactory(title="Reprise des négociations à Genève", language="fr")
    assert titles(find(client, "négocier")) == ["Reprise des négociations à Genève"]


def test_english_articles_use_english_stemming_on_postgresql(client):
    if not on_postgresql():
        pytest.skip("the SQLite fallback matches word beginnings, it does not stem verbs")
    ArticleFactory(title="Ceasefire negotiations resume", language="en")
    ArticleFactory(title="Négociations salariales", language="fr")
    assert titles(find(client, "negotiating")) == ["Ceasefire negotiations resume"]


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("Sommet avec les États-Unis", "Etats-Unis"),
        ("Sommet avec les États-Unis", "etats unis"),
        ("Sommet avec les États-Unis", "ÉTATS-UNIS"),
        ("Visite à l’Élysée", "elysee"),
        ("Visite à l'Elysee", "Élysée"),
        ("Le cœur du problème", "coeur"),
    ],
)
def test_accents_and_case_are_ignored(client, stored, typed):
    ArticleFactory(title=stored)
    ArticleFactory(title="Rien à voir")
    assert titles(find(client, typed)) == [stored]


def test_accents_are_ignored_in_body_and_standfirst(client):
    ArticleFactory(title="Un", standfirst="Débat à l’Assemblée.")
    ArticleFactory(title="Deux", body="<p>Rencontre à <strong>Québec</strong>.</p>")
    assert titles(find(client, "assemblee")) == ["Un"]
    assert titles(find(client, "quebec")) == ["Deux"]


def test_other_languages_are_searched_without_stemming(client):
    ArticleFactory(title="Київ готується до зими", language="uk")
    ArticleFactory(title="Die Verhandlungen gehen weiter", language="de")
    assert titles(find(client, "Київ")) == ["Київ готується до зими"]
    assert titles(find(client, "verhandlungen")) == ["Die Verhandlungen gehen weiter"]


def test_html_tags_of_the_body_are_not_searched(client):
    ArticleFactory(
        title="Avec un lien",
        body='<p>Voir <a href="https://example.org/zebrafish">ce site</a>.</p>',
    )
    assert titles(find(client, "zebrafish")) == []
    assert titles(find(client, "site")) == ["Avec un lien"]


# Visibility --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(HIDDEN))
def test_only_visible_articles_are_found(client, kind):
    options = dict(HIDDEN[kind])
    delta = options.pop("published_at_delta", None)
    if delta:
        options["published_at"] = timezone.now() + delta
    ArticleFactory(title="Inondations : le bilan s’alourdit", **options)
    ArticleFactory(title="Inondations : les secours mobilisés")
    assert titles(find(client, "inondations")) == ["Inondations : les secours mobilisés"]


def test_scheduled_article_is_found_once_its_time_comes(client, move_time):
    ArticleFactory(title="Élection du maire", published_at=timezone.now() + timedelta(hours=2))
    assert titles(find(client, "maire")) == []
    move_time(hours=3)
    assert titles(find(client, "maire")) == ["Élection du maire"]


def test_edits_are_searchable_at_once(client):
    article = ArticleFactory(title="Ancien titre sur la sécheresse")
    article.title = "Nouveau titre sur les vendanges"
    article.save()
    assert titles(find(client, "vendanges")) == ["Nouveau titre sur les vendanges"]
    assert titles(find(client, "sécheresse")) == []
    # Writes that bypass save() too (bulk updates, imports, revision restores).
    Article.objects.filter(pk=article.pk).update(standfirst="Les raisins de la colère.")
    assert titles(find(client, "raisins")) == ["Nouveau titre sur les vendanges"]


# Highlighting and safety -----------------------------------------------------------------


def test_matches_are_highlighted_in_title_and_snippet(client):
    ArticleFactory(
        title="Les négociations reprennent",
        standfirst="Un chapô.",
        body="<p>Début du texte.</p><p>Les délégués ont repris les négociations mardi.</p>",
    )
    html = find(client, "négociation").text
    assert "Les <mark>négociations</mark> reprennent" in html
    snippet = re.search(r'<p class="search-result__snippet">(.*?)</p>', html, re.S).group(1)
    assert "<mark>négociations</mark>" in snippet
    assert "<p>" not in snippet


def test_snippets_show_the_standfirst_when_the_body_does_not_match(client):
    ArticleFactory(
        title="Marché de Noël",
        standfirst="Les chalets ouvrent samedi.",
        body="<p>Rien de plus.</p>",
    )
    html = find(client, "noel").text
    snippet = re.search(r'<p class="search-result__snippet">(.*?)</p>', html, re.S).group(1)
    assert "Les chalets ouvrent samedi." in snippet


def test_highlighted_text_is_escaped(client):
    ArticleFactory(
        title="<script>alert('titre')</script> Scandale",
        standfirst="<img src=x onerror=alert(1)> scandale",
        body="<p>Le scandale &lt;b&gt;éclate&lt;/b&gt; &amp; s’étend.</p>",
    )
    html = find(client, "scandale").text
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&#x27;titre&#x27;)&lt;/script&gt; <mark>Scandale</mark>" in html
    assert "&lt;b&gt;éclate&lt;/b&gt; &amp; s’étend" in html
    results = re.search(r'<ol class="search-results".*?</ol>', html, re.S).group(0)
    tag_names = set(re.findall(r"</?([a-zA-Z][a-zA-Z0-9]*)", results))
    assert tag_names == {"ol", "li", "p", "a", "h2", "mark", "time"}


def test_markers_typed_by_a_reader_or_an_editor_stay_text(client):
    ArticleFactory(title="Budget \ue000annexe\ue001 voté", body="<p>\ue001Le budget\ue000</p>")
    response = find(client, "budget \ue000")
    html = response.text
    block = re.search(r'<ol class="search-results".*?</ol>', html, re.S).group(0)
    assert block.count("<mark>") == block.count("</mark>") > 0


ODD_QUERIES = [
    "",
    " ",
    '"',
    '""',
    "'",
    "''",
    "&|!:*",
    "&",
    "|",
    "!",
    ":*",
    "*",
    "-",
    "--",
    "or",
    "OR OR",
    "(",
    ")",
    "()",
    "<->",
    "a & b | c",
    "foo:*",
    "foo:A",
    "\\",
    "'; DROP TABLE articles_article; --",
    "1; SELECT pg_sleep(10)",
    "<mark>",
    "</mark><script>alert(1)</script>",
    "le la les",
    "%",
    "_",
    "%_%",
    '"unterminated phrase',
    "x" * 10_000,
    "mot " * 2_500,
    "négociation\x00",
    "\x00",
    "\x00" * 50,
    "\t\n\r",
    "é" * 300,
    "🙂",
    "Київ",
    "\ue000budget\ue001",
    "\u202e\u200b",
]


@pytest.mark.parametrize("query", ODD_QUERIES, ids=range(len(ODD_QUERIES)))
def test_odd_queries_give_a_calm_page(client, query):
    ArticleFactory(title="Budget : négociations serrées")
    response = find(client, query)
    assert '<form class="search-form" role="search"' in response.text
    assert "<h1>Résultats de la recherche</h1>" in response.text or (
        "<h1>Chercher dans les articles</h1>" in response.text
    )
    assert "</mark><script>" not in response.text


@pytest.mark.parametrize("page", ["abc", "0", "-1", "99999", "1.5", "", "9" * 400])
def test_odd_page_numbers_give_a_page(client, page):
    ArticleFactory.create_batch(3, title="Météo du jour")
    response = find(client, "météo", page=page)
    assert len(response.context["articles"]) == 3


def test_several_values_use_the_last_one(client):
    ArticleFactory(title="Marée haute")
    response = client.get(SEARCH + "?q=rien&q=marée")
    assert titles(response) == ["Marée haute"]


def test_over_long_query_is_shortened_calmly(client):
    ArticleFactory(title="Marée haute")
    response = find(client, "marée " + "x" * 10_000)
    assert "seul son début a été utilisé" in response.text
    assert len(response.context["query"]) <= search.MAX_QUERY_LENGTH


def test_empty_search_invites_to_type(client, django_assert_num_queries):
    client.get(SEARCH)  # reads the section navigation, then kept until a purge
    with django_assert_num_queries(0):
        response = client.get(SEARCH)
    assert response.status_code == 200
    assert "Tapez un ou plusieurs mots" in response.text


def test_no_result_says_so(client):
    response = find(client, "zyxwvut")
    assert "0 article ne correspond à « zyxwvut »" in response.text or (
        "Essayez d’autres mots" in response.text
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, ("", False)),
        ("  deux   mots ", ("deux mots", False)),
        ("a\x00b", ("a b", False)),
        ("x" * 250, ("x" * 200, True)),
        ("mot " * 100, (("mot " * 50).strip(), True)),
    ],
)
def test_clean_query(raw, expected):
    assert search.clean_query(raw) == expected


# Pagination and query budget --------------------------------------------------------------


def test_results_paginate_and_keep_the_query(client):
    ArticleFactory.create_batch(25, title="Élections régionales")
    first = find(client, "élections")
    assert len(first.context["articles"]) == 20
    assert first.context["paginator"].count == 25
    assert "25 articles correspondent" in first.text
    next_link = re.search(r'<a href="([^"]+)" rel="next">', first.text).group(1)
    assert "q=%C3%A9lections" in next_link and "page=2" in next_link
    second = client.get(SEARCH + next_link.replace("&amp;", "&"))
    assert len(second.context["articles"]) == 5
    assert set(titles(second)) == {"Élections régionales"}
    first_ids = {a.pk for a in first.context["articles"]}
    assert first_ids.isdisjoint({a.pk for a in second.context["articles"]})


def test_broad_queries_rank_only_the_most_recent_matches(client, monkeypatch):
    monkeypatch.setattr(search, "MAX_RESULTS", 3)
    ArticleFactory(title="Pluie : alerte orange", published_at=hours_ago(24 * 30))
    for n in range(4):
        ArticleFactory(
            title=f"Brève {n}", body="<p>Encore de la pluie.</p>", published_at=hours_ago(n + 1)
        )
    response = find(client, "pluie")
    assert titles(response) == ["Brève 0", "Brève 1", "Brève 2"]
    assert "Plus de 3 articles correspondent à « pluie » : les 3 plus récents" in response.text
    exact = find(client, "alerte")
    assert titles(exact) == ["Pluie : alerte orange"]
    assert "1 article correspond à « alerte »." in exact.text


def count_queries(client, query):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(SEARCH, {"q": query})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_search_queries_do_not_grow_with_results(client):
    authors = AuthorFactory.create_batch(3)
    ArticleFactory(title="Canicule en ville", authors=authors[:2], tags=["Climat"])
    count_queries(client, "canicule")  # the section navigation, kept until a purge
    small = count_queries(client, "canicule")
    sections = SectionFactory.create_batch(4)
    for n in range(30):
        ArticleFactory(
            title=f"Canicule, jour {n}",
            section=sections[n % 4],
            authors=authors[: n % 3 + 1],
            tags=["Climat", f"Été {n}"],
        )
    large = count_queries(client, "canicule")
    assert small == large <= 6


# Page and header ---------------------------------------------------------------------------


def test_every_page_has_a_labelled_search_box_in_its_header(client):
    ArticleFactory()
    html = client.get(reverse("articles:index")).text
    form = re.search(r'<form class="site-search".*?</form>', html, re.S).group(0)
    assert 'role="search"' in form and 'method="get"' in form
    assert f'action="{SEARCH}"' in form
    assert '<label class="visually-hidden" for="site-search-q">' in form
    assert 'id="site-search-q" name="q"' in form


def test_search_page_is_not_indexed(client):
    html = find(client, "budget").text
    assert '<meta name="robots" content="noindex, follow">' in html


def test_english_site_searches_too(client):
    ArticleFactory(title="Marée haute")
    response = client.get("/en" + SEARCH, {"q": "maree"})
    assert response.status_code == 200
    assert "1 article matches “maree”." in response.text
    assert 'action="/en/recherche/"' in response.text


# PostgreSQL: the index is usable ----------------------------------------------------------


def test_search_can_use_the_gin_index_on_postgresql():
    if not on_postgresql():
        pytest.skip("the GIN index exists on PostgreSQL only")
    ArticleFactory(title="Budget")
    matching = Article.objects.filter(search.text_match("budget négociations"))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = matching.explain()
    assert "Bitmap Index Scan on article_search_idx" in plan
    assert list(matching.values_list("title", flat=True)) == []
