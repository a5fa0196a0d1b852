import json
import re
from datetime import datetime, timedelta
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import preview
from articles.models import Article, Correction
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    PictureFactory,
    SectionFactory,
    image_file,
)
from website.seo import json_ld_script

pytestmark = pytest.mark.django_db


class Head(HTMLParser):
    """The <title>, <meta>, <link> and <script> elements of a page."""

    def __init__(self, html: str):
        super().__init__()
        self.title = ""
        self.meta: dict[str, list[str]] = {}
        self.links: list[dict] = []
        self.scripts: list[tuple[dict, str]] = []
        self._in: str | None = None
        self._attrs: dict = {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            key = attrs.get("property") or attrs["name"]
            self.meta.setdefault(key, []).append(attrs.get("content"))
        elif tag == "link":
            self.links.append(attrs)
        elif tag in {"title", "script"}:
            self._in, self._attrs, self._text = tag, attrs, ""

    def handle_data(self, data):
        if self._in:
            self._text += data

    def handle_endtag(self, tag):
        if tag == self._in == "title":
            self.title = self._text
        elif tag == self._in == "script":
            self.scripts.append((self._attrs, self._text))
        self._in = None

    def one(self, key: str) -> str:
        (value,) = self.meta[key]
        return value

    def json_ld(self) -> dict[str, dict]:
        found = {}
        for attrs, text in self.scripts:
            if attrs.get("type") == "application/ld+json":
                data = json.loads(text)
                found[data["@type"]] = data
        return found


@pytest.fixture
def article():
    section = SectionFactory(name="Monde", slug="monde")
    sara = AuthorFactory(name="Sara Dupont", slug="sara")
    julien = AuthorFactory(name="Julien", slug="julien")
    article = ArticleFactory(
        title="Cessez-le-feu : les négociations reprennent",
        standfirst="Les délégations se retrouvent à Genève pour une semaine de discussions. " * 4,
        section=section,
        authors=[sara, julien],
        tags=["Ukraine", "Diplomatie"],
        lead_picture=PictureFactory(
            file=image_file(size=(1600, 900)),
            alt="Une table de négociation",
            credit="Photo AFP",
        ),
        source_name="Le Courrier",
        source_url="https://example.org/courrier/article",
        source_kind=Article.SourceKind.REWRITE,
    )
    Correction.objects.create(
        article=article,
        text="Le lieu était erroné : Genève, pas Lausanne.",
        kind=Correction.Kind.CORRECTION,
    )
    Correction.objects.create(article=article, text="Ajout d’une réaction.", kind="update")
    return article


def head_of(client, url) -> Head:
    response = client.get(url)
    assert response.status_code == 200
    return Head(response.content.decode())


def test_news_article_json_ld_carries_the_fields(client, article):
    data = head_of(client, article.get_absolute_url()).json_ld()["NewsArticle"]
    url = "http://testserver" + article.get_absolute_url()
    assert data["@context"] == "https://schema.org"
    assert data["headline"] == article.title
    assert data["url"] == url and data["mainEntityOfPage"]["@id"] == url
    assert datetime.fromisoformat(data["datePublished"]) == article.published_at.replace(
        microsecond=0
    )
    correction_time = article.corrections.filter(kind="correction").get().created_at
    assert datetime.fromisoformat(data["dateModified"]) >= correction_time.replace(microsecond=0)
    assert data["articleSection"] == "Monde"
    assert data["inLanguage"] == "fr"
    assert sorted(data["keywords"]) == ["Diplomatie", "Ukraine"]
    assert data["author"] == [
        {"@type": "Person", "name": "Sara Dupont", "url": "http://testserver/auteur/sara/"},
        {"@type": "Person", "name": "Julien", "url": "http://testserver/auteur/julien/"},
    ]
    publisher = data["publisher"]
    assert publisher["@type"] == "Organization" and publisher["name"] == "Newsroom"
    assert publisher["logo"]["@type"] == "ImageObject"
    assert publisher["logo"]["url"].startswith("http://testserver/static/")
    # The whole picture, then its cut for sharing sites (1.91:1 around the focal point).
    whole, social = data["image"]
    assert whole["url"].startswith("http://testserver/media/") and whole["width"] == 1600
    assert (social["width"], social["height"]) == (1200, 630) and "-social" in social["url"]
    assert data["isBasedOn"] == {
        "@type": "CreativeWork",
        "url": "https://example.org/courrier/article",
        "publisher": {"@type": "Organization", "name": "Le Courrier"},
    }
    (correction,) = data["correction"]
    assert correction["@type"] == "CorrectionComment"
    assert correction["text"] == "Le lieu était erroné : Genève, pas Lausanne."


def test_breadcrumb_json_ld(client, article):
    data = head_of(client, article.get_absolute_url()).json_ld()["BreadcrumbList"]
    assert [(item["position"], item["name"], item["item"]) for item in data["itemListElement"]] == [
        (1, "Accueil", "http://testserver/"),
        (2, "Monde", "http://testserver/rubrique/monde/"),
        (3, article.title, "http://testserver" + article.get_absolute_url()),
    ]


def test_json_ld_without_optional_parts(client):
    plain = ArticleFactory(title="Brève", standfirst="")
    data = head_of(client, plain.get_absolute_url()).json_ld()["NewsArticle"]
    for key in ("image", "isBasedOn", "correction", "keywords"):
        assert key not in data
    assert data["author"] == []
    assert data["description"] == "Brève"


def test_json_ld_cannot_break_out_of_its_script(client):
    sly = ArticleFactory(
        title="</script><script>alert(1)</script><!--",
        standfirst="Fin </SCRIPT> & <b>gras</b>",
    )
    html = client.get(sly.get_absolute_url()).content.decode()
    assert "</script><script>alert(1)" not in html
    assert "</SCRIPT>" not in html
    data = Head(html).json_ld()["NewsArticle"]
    assert data["headline"] == "</script><script>alert(1)</script><!--"
    assert data["description"] == "Fin </SCRIPT> & <b>gras</b>"


def test_json_ld_script_escapes_markup():
    script = json_ld_script({"a": "</script><!-- & \u2028"})
    assert script.startswith('<script type="application/ld+json">')
    body = script.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert "<" not in body and ">" not in body and "&" not in body
    assert json.loads(body) == {"a": "</script><!-- & \u2028"}


def test_page_scripts_are_data_or_files_only(client, article):
    # Content-Security-Policy allows no inline script: JSON-LD is data, not code.
    head = head_of(client, article.get_absolute_url())
    for attrs, text in head.scripts:
        assert attrs.get("type") == "application/ld+json" or (attrs.get("src") and not text.strip())


def test_opengraph_and_twitter_tags(client, article):
    head = head_of(client, article.get_absolute_url())
    url = "http://testserver" + article.get_absolute_url()
    assert head.one("og:type") == "article"
    assert head.one("og:site_name") == "Newsroom"
    assert head.one("og:title") == article.title
    assert head.one("og:url") == url
    assert head.one("og:locale") == "fr_FR"
    assert head.one("og:description") == head.one("description")
    assert head.one("og:image").startswith("http://testserver/media/")
    assert head.one("og:image:alt") == "Une table de négociation"
    # The sharing cut: the size sharing sites ask for.
    assert (head.one("og:image:width"), head.one("og:image:height")) == ("1200", "630")
    assert datetime.fromisoformat(head.one("article:published_time")) == article.published_at
    assert head.one("article:section") == "Monde"
    assert sorted(head.meta["article:tag"]) == ["Diplomatie", "Ukraine"]
    assert head.meta["article:author"] == [
        "http://testserver/auteur/sara/",
        "http://testserver/auteur/julien/",
    ]
    assert head.one("twitter:card") == "summary_large_image"
    assert head.one("twitter:title") == article.title
    assert head.one("twitter:image") == head.one("og:image")
    assert head.one("twitter:image:alt") == "Une table de négociation"


def test_twitter_card_without_picture_is_a_summary(client):
    plain = ArticleFactory()
    head = head_of(client, plain.get_absolute_url())
    assert head.one("twitter:card") == "summary"
    assert "og:image" not in head.meta


def test_canonical_address(client, article):
    head = head_of(client, article.get_absolute_url())
    canonical = [link["href"] for link in head.links if link.get("rel") == "canonical"]
    assert canonical == ["http://testserver" + article.get_absolute_url()]


def test_title_and_description_come_from_headline_and_standfirst(client, article):
    head = head_of(client, article.get_absolute_url())
    assert head.title == f"{article.title} | Newsroom"
    description = head.one("description")
    assert len(description) <= 160
    assert description.startswith("Les délégations se retrouvent à Genève")
    assert description.endswith("…")


def test_editors_may_override_title_and_description(client, article):
    article.seo_title = "Ukraine : reprise des pourparlers à Genève"
    article.seo_description = "Tout sur la reprise des discussions."
    article.save()
    head = head_of(client, article.get_absolute_url())
    assert head.title == "Ukraine : reprise des pourparlers à Genève | Newsroom"
    assert head.one("description") == "Tout sur la reprise des discussions."
    assert head.one("og:title") == "Ukraine : reprise des pourparlers à Genève"
    assert head.one("twitter:description") == "Tout sur la reprise des discussions."
    # The headline itself stays the article's.
    assert head.json_ld()["NewsArticle"]["headline"] == article.title


def test_previews_carry_no_structured_data(client, article):
    article.status = Article.Status.DRAFT
    article.save()
    response = client.get(preview.create_share_link(article, None).get_absolute_url())
    assert response.status_code == 200
    head = Head(response.content.decode())
    assert head.one("robots") == "noindex, nofollow"
    assert head.json_ld() == {}
    assert "og:title" not in head.meta
    assert not [link for link in head.links if link.get("rel") == "canonical"]


def test_english_page_uses_english_addresses(client, article):
    url = article.get_absolute_url()
    head = head_of(client, "/en" + url)
    assert head.one("og:url") == "http://testserver/en" + url
    crumbs = head.json_ld()["BreadcrumbList"]["itemListElement"]
    assert crumbs[0]["name"] == "Home" and crumbs[0]["item"] == "http://testserver/en/"


def test_corrections_are_fetched_once_for_json_ld_and_page(client, article):
    with CaptureQueriesContext(connection) as ctx:
        client.get(article.get_absolute_url())
    correction_queries = [q for q in ctx.captured_queries if "articles_correction" in q["sql"]]
    assert len(correction_queries) == 1


def test_modified_time_is_never_before_publication(client):
    scheduled_then_published = ArticleFactory(published_at=timezone.now())
    Article.objects.filter(pk=scheduled_then_published.pk).update(
        updated_at=timezone.now() - timedelta(days=1)
    )
    head = head_of(client, scheduled_then_published.get_absolute_url())
    published = datetime.fromisoformat(head.one("article:published_time"))
    modified = datetime.fromisoformat(head.one("article:modified_time"))
    assert modified >= published
    assert re.match(r"\d{4}-\d\d-\d\dT", head.json_ld()["NewsArticle"]["dateModified"])


def test_head_tags_escape_every_value(client):
    """The head is built as a string (website/seo.py head_tags): nothing in it is markup."""
    hostile = '"><script>alert(1)</script>'
    sly = ArticleFactory(
        title="Titre" + hostile,
        standfirst="Chapô" + hostile,
        section=SectionFactory(name="Rubrique" + hostile),
        lead_picture=PictureFactory(file=image_file(), alt="Photo" + hostile),
        tags=["Sujet" + hostile],
        authors=[AuthorFactory(name="Auteur" + hostile)],
    )
    html = client.get(sly.get_absolute_url()).content.decode()
    head = html.split("</head>")[0]
    assert "<script>alert(1)" not in head
    parsed = Head(html)
    assert parsed.one("og:title") == "Titre" + hostile
    assert parsed.one("og:image:alt") == "Photo" + hostile
    assert parsed.one("article:section") == "Rubrique" + hostile
    assert parsed.one("article:tag") == "Sujet" + hostile
    assert parsed.one("twitter:description") == "Chapô" + hostile
