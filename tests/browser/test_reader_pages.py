import pytest
from django.urls import reverse

from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    PictureFactory,
    SectionFactory,
    image_file,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def story():
    section = SectionFactory(name="Actualité", slug="actualite")
    sara = AuthorFactory(name="Sara", slug="sara")
    for n in range(6):
        ArticleFactory(
            title=f"Brève numéro {n}",
            section=section,
            tags=["France"],
            authors=[sara],
            lead_picture=PictureFactory(
                file=image_file(f"b{n}.jpg"),
                alt=f"Illustration de la brève {n}",
            ),
        )
    return ArticleFactory(
        title="Cessez‑le‑feu : reprise des négociations",
        standfirst="Les délégations se retrouvent à Genève.",
        body="<p>Premier paragraphe.</p><h2>Un calendrier serré</h2><p>Suite du texte.</p>",
        section=section,
        tags=["Ukraine", "Russie", "France", "États-Unis"],
        authors=[sara],
        lead_picture=PictureFactory(
            file=image_file(),
            alt="Une table de négociation vide",
            caption="La salle des négociations.",
            credit="Illustration Newsroom",
        ),
        source_name="Le Courrier",
        source_url="https://example.org/courrier",
        is_featured=True,
    )


def test_homepage_loads_and_has_no_serious_accessibility_violations(live_server, page, axe, story):
    response = page.goto(live_server.url + reverse("articles:index"))
    assert response.status == 200
    assert page.locator(".card--lead .card__title").inner_text() == story.title
    lead_image = page.locator(".card--lead img")
    assert lead_image.evaluate("img => img.complete && img.naturalWidth") > 0
    assert axe(page) == []


def test_reader_opens_an_article_from_the_homepage(live_server, page, axe, story):
    page.goto(live_server.url + reverse("articles:index"))
    page.get_by_role("link", name=story.title).first.click()
    page.wait_for_url(f"**{story.get_absolute_url()}")
    assert page.locator("h1").inner_text() == story.title
    breadcrumb = page.get_by_role("navigation", name="Fil d’Ariane")
    assert breadcrumb.inner_text().split() == ["Accueil", "›", "Actualité"] or (
        "Accueil" in breadcrumb.inner_text() and "Actualité" in breadcrumb.inner_text()
    )
    assert page.locator(".byline").inner_text() == "par Sara"
    assert page.locator(".article__body h2").inner_text() == "Un calendrier serré"
    assert page.get_by_role("link", name="Le Courrier").get_attribute("href") == (
        "https://example.org/courrier"
    )
    assert page.get_by_role("heading", name="Cela pourrait vous intéresser").is_visible()
    assert axe(page) == []


def test_article_page_reads_well_on_a_phone(live_server, phone_page, axe, story):
    phone_page.goto(live_server.url + story.get_absolute_url())
    overflow = phone_page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    assert axe(phone_page) == []


def test_a_long_address_in_the_body_does_not_widen_the_phone_page(live_server, phone_page):
    """An editor pastes a long link as its own text: the line breaks inside it rather than
    pushing the page sideways (it made a 375 px page 556 px wide)."""
    address = "https://example.org/documents/" + "rapportannueldelacommission" * 6 + ".pdf"
    article = ArticleFactory(
        title="Le rapport en ligne",
        body=f'<p>Le texte complet : <a href="{address}">{address}</a></p>'
        f"<p>Sans lien : {address}</p><h2>{address}</h2><blockquote><p>{address}</p></blockquote>"
        f"<ul><li>{address}</li></ul>",
        standfirst=f"Voir {address}",
        source_name="Commission",
        source_url=address,
    )
    phone_page.goto(live_server.url + article.get_absolute_url())
    overflow = phone_page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


def test_tag_link_leads_to_the_tag_page(live_server, page, story):
    page.goto(live_server.url + story.get_absolute_url())
    page.get_by_role("link", name="États-Unis").click()
    page.wait_for_url("**/sujet/etats-unis/")
    assert page.locator("h1").inner_text() == "États-Unis"


WIDE_TABLE = (
    "<table><caption>Résultats du premier tour par circonscription</caption>"
    "<thead><tr>"
    + "".join(f"<th>Circonscriptionnumérotée{n}</th>" for n in range(8))
    + "</tr></thead><tbody>"
    + "".join(
        "<tr>" + "".join(f"<td>{n * 1234567:,} voix exprimées</td>" for n in range(8)) + "</tr>"
        for _row in range(3)
    )
    + "</tbody></table>"
)


def test_no_page_scrolls_sideways_on_a_phone_with_the_worst_cases(live_server, phone_page, axe):
    """A wide table, a long address, a long word in a headline, a tag and a name: every
    reader page still fits 375 px, and the table reads as a table."""
    long_word = "Anticonstitutionnellementinconstitutionnalisation"
    address = "https://example.org/documents/" + "rapportannueldelacommission" * 6 + ".pdf"
    section = SectionFactory(name="Circonscriptionsdoutremerettransfrontalières", slug="loin")
    author = AuthorFactory(name="Marie-Françoise Delacroix-Montmorency-Vandervelde", slug="mfd")
    article = ArticleFactory(
        title=f"{long_word} : le scrutin en chiffres",
        standfirst=f"Les résultats complets sur {address}",
        body=f"<p>Le tableau :</p>{WIDE_TABLE}<p>{address}</p>",
        section=section,
        authors=[author],
        tags=[f"Élections{long_word}"],
    )
    pages = [
        article.get_absolute_url(),
        reverse("articles:index"),
        reverse("articles:section", kwargs={"slug": section.slug}),
        reverse("articles:tag", kwargs={"slug": article.tags.first().slug}),
        reverse("articles:author", kwargs={"slug": author.slug}),
        reverse("articles:search") + "?q=scrutin",
    ]
    for path in pages:
        phone_page.goto(live_server.url + path)
        overflow = phone_page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, path
    phone_page.goto(live_server.url + article.get_absolute_url())
    table = phone_page.get_by_role("table", name="Résultats du premier tour par circonscription")
    assert table.is_visible()
    assert table.get_by_role("columnheader").count() == 8
    assert table.bounding_box()["width"] <= 375
    assert axe(phone_page) == []
