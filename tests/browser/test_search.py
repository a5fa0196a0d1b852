import pytest
from django.urls import reverse

from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def stories():
    section = SectionFactory(name="Monde", slug="monde")
    sara = AuthorFactory(name="Sara", slug="sara")
    ArticleFactory(
        title="Les négociations reprennent à Genève",
        standfirst="Les délégations des États-Unis et de l’Ukraine se retrouvent.",
        body="<p>Les négociations, suspendues depuis l’été, reprennent lundi.</p>",
        section=section,
        authors=[sara],
    )
    ArticleFactory(title="Le marché de Noël ouvre", section=section)
    for n in range(3):
        ArticleFactory(
            title=f"Brève {n}", body="<p>Une négociation salariale s’ouvre.</p>", section=section
        )


def test_reader_searches_from_the_header(live_server, page, axe, stories):
    page.goto(live_server.url + reverse("articles:index"))
    header_search = page.get_by_role("search", name="Recherche sur le site")
    header_search.get_by_label("Chercher dans les articles").fill("negociation")
    header_search.get_by_role("button", name="Rechercher").click()
    page.wait_for_url("**/recherche/?q=negociation")

    assert page.locator("h1").inner_text() == "Résultats de la recherche"
    assert page.get_by_role("status").inner_text() == "4 articles correspondent à « negociation »."
    results = page.locator(".search-result")
    assert results.count() == 4
    first = results.first
    assert first.locator("h2").inner_text() == "Les négociations reprennent à Genève"
    assert first.locator("h2 mark").inner_text() == "négociations"
    assert first.locator(".search-result__snippet mark").count() >= 1
    # The query stays in both boxes for another try.
    assert page.get_by_label("Mots à chercher").input_value() == "negociation"
    assert axe(page) == []


def test_search_page_reads_well_on_a_phone(live_server, phone_page, axe, stories):
    phone_page.goto(live_server.url + reverse("articles:search") + "?q=%C3%89tats-Unis")
    assert phone_page.locator(".search-result").count() == 1
    overflow = phone_page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    assert axe(phone_page) == []


def test_odd_query_shows_a_calm_page(live_server, page, axe, stories):
    page.goto(live_server.url + reverse("articles:search") + "?q=%22%27%3B%20DROP%20TABLE%20x%3B")
    assert page.locator("h1").inner_text() == "Résultats de la recherche"
    assert "0 article" in page.get_by_role("status").inner_text()
    assert axe(page) == []
