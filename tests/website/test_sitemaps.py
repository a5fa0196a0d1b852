import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Tag
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
HIDDEN = {
    "draft": {"status": Article.Status.DRAFT},
    "review": {"status": Article.Status.REVIEW},
    "unpublished": {"status": Article.Status.UNPUBLISHED},
    "scheduled": {"published_at_delta": timedelta(hours=2)},
}
SECTIONS = ["articles", "sections", "tags", "authors"]


def children(element) -> list[str]:
    return [child.tag for child in element]


def parse_xml(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/xml"
    return ET.fromstring(response.content)


def check_lastmod(element):
    lastmod = element.find(f"{SM}lastmod")
    if lastmod is not None:
        assert datetime.fromisoformat(lastmod.text).tzinfo is not None
    return lastmod


def sitemap_index(client) -> dict[str, ET.Element]:
    """{section: <sitemap> element}, after checking the index against the schema's shape."""
    root = parse_xml(client, reverse("sitemap_index"))
    assert root.tag == f"{SM}sitemapindex"
    found = {}
    for sitemap in root:
        assert sitemap.tag == f"{SM}sitemap"
        assert children(sitemap) in ([f"{SM}loc"], [f"{SM}loc", f"{SM}lastmod"])
        check_lastmod(sitemap)
        location = sitemap.find(f"{SM}loc").text
        assert location.startswith("http://testserver/sitemap-")
        found[location.removeprefix("http://testserver/sitemap-").removesuffix(".xml")] = sitemap
    return found


def urlset(client, url) -> dict[str, ET.Element]:
    """{path: <url> element} of a sitemap, after checking its shape."""
    root = parse_xml(client, url)
    assert root.tag == f"{SM}urlset"
    entries = {}
    for entry in root:
        assert entry.tag == f"{SM}url"
        assert children(entry)[0] == f"{SM}loc"
        assert set(children(entry)[1:]) <= {f"{SM}lastmod", f"{NEWS}news"}
        check_lastmod(entry)
        location = entry.find(f"{SM}loc").text
        parts = urlsplit(location)
        assert (parts.scheme, parts.netloc) == ("http", "testserver")
        entries[parts.path] = entry
    return entries


def all_listed_paths(client) -> set[str]:
    paths = set()
    for section in sitemap_index(client):
        paths |= set(urlset(client, reverse("sitemap", kwargs={"section": section})))
    return paths | set(urlset(client, reverse("sitemap_news")))


@pytest.fixture
def world():
    section = SectionFactory(name="Monde", slug="monde")
    author = AuthorFactory(name="Sara", slug="sara")
    visible = ArticleFactory(
        title="Sommet à Genève", section=section, authors=[author], tags=["Diplomatie"]
    )
    return {"section": section, "author": author, "visible": visible}


def make_hidden(kind, **kwargs):
    options = dict(HIDDEN[kind])
    delta = options.pop("published_at_delta", None)
    if delta:
        options["published_at"] = timezone.now() + delta
    return ArticleFactory(**options, **kwargs)


def test_index_lists_the_four_sitemaps_with_lastmod(client, world):
    index = sitemap_index(client)
    assert list(index) == SECTIONS
    for sitemap in index.values():
        assert check_lastmod(sitemap) is not None


def test_sitemaps_list_visible_pages(client, world):
    paths = all_listed_paths(client)
    assert paths == {
        world["visible"].get_absolute_url(),
        world["section"].get_absolute_url(),
        world["author"].get_absolute_url(),
        Tag.objects.get(slug="diplomatie").get_absolute_url(),
    }


@pytest.mark.parametrize("kind", list(HIDDEN))
def test_nothing_hidden_is_listed(client, world, kind):
    # Its own section, author and tag: none of them may give the hidden article away.
    hidden = make_hidden(
        kind,
        title="Fusion secrète",
        section=SectionFactory(name="Coulisses", slug="coulisses"),
        authors=[AuthorFactory(name="Anonyme", slug="anonyme")],
        tags=["Projet secret", "Diplomatie"],
    )
    paths = all_listed_paths(client)
    assert hidden.get_absolute_url() not in paths
    assert "/rubrique/coulisses/" not in paths
    assert "/auteur/anonyme/" not in paths
    assert "/sujet/projet-secret/" not in paths
    assert "/sujet/diplomatie/" in paths


def test_scheduled_article_is_listed_once_its_time_comes(client, world, move_time):
    scheduled = make_hidden("scheduled", title="Annonce prévue")
    assert scheduled.get_absolute_url() not in all_listed_paths(client)
    move_time(hours=3)
    assert scheduled.get_absolute_url() in urlset(
        client, reverse("sitemap", kwargs={"section": "articles"})
    )
    assert scheduled.get_absolute_url() in urlset(client, reverse("sitemap_news"))


def test_lastmod_follows_visible_articles_only(client, world):
    old = timezone.now() - timedelta(days=10)
    Article.objects.filter(pk=world["visible"].pk).update(published_at=old, updated_at=old)
    make_hidden("draft", section=world["section"], tags=["Diplomatie"], authors=[world["author"]])
    for section in ("sections", "tags", "authors", "articles"):
        (entry,) = urlset(client, reverse("sitemap", kwargs={"section": section})).values()
        lastmod = datetime.fromisoformat(entry.find(f"{SM}lastmod").text)
        assert abs(lastmod - old) < timedelta(seconds=1), section


def test_article_lastmod_is_its_latest_edit(client, world):
    article = world["visible"]
    article.title = "Sommet à Genève : accord"
    article.save()
    entries = urlset(client, reverse("sitemap", kwargs={"section": "articles"}))
    lastmod = datetime.fromisoformat(entries[article.get_absolute_url()].find(f"{SM}lastmod").text)
    assert abs(lastmod - article.updated_at) < timedelta(seconds=1)


def test_unknown_sitemap_is_404(client):
    assert client.get("/sitemap-inconnu.xml").status_code == 404
    articles = reverse("sitemap", kwargs={"section": "articles"})
    assert client.get(articles, {"p": 9}).status_code == 404


# Google News -------------------------------------------------------------------------------


def test_news_sitemap_lists_the_last_two_days(client, world):
    ArticleFactory(title="Trop ancien", published_at=timezone.now() - timedelta(days=3))
    english = ArticleFactory(title="Talks <resume> & more", language="en")
    root = parse_xml(client, reverse("sitemap_news"))
    assert root.tag == f"{SM}urlset"
    found = {}
    for entry in root:
        assert children(entry) == [f"{SM}loc", f"{NEWS}news"]
        news = entry.find(f"{NEWS}news")
        assert children(news) == [f"{NEWS}publication", f"{NEWS}publication_date", f"{NEWS}title"]
        publication = news.find(f"{NEWS}publication")
        assert children(publication) == [f"{NEWS}name", f"{NEWS}language"]
        assert publication.find(f"{NEWS}name").text == "Newsroom"
        published = datetime.fromisoformat(news.find(f"{NEWS}publication_date").text)
        assert published.tzinfo is not None
        found[news.find(f"{NEWS}title").text] = (
            publication.find(f"{NEWS}language").text,
            published,
        )
    assert set(found) == {"Sommet à Genève", "Talks <resume> & more"}
    assert found["Talks <resume> & more"][0] == "en"
    assert found["Sommet à Genève"][0] == "fr"
    assert abs(found["Talks <resume> & more"][1] - english.published_at) < timedelta(seconds=1)


# robots.txt ------------------------------------------------------------------------------


def test_robots_txt_points_to_the_sitemaps_and_keeps_crawlers_out_of_private_paths(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.text.splitlines()
    assert lines[0] == "User-agent: *"
    for path in ("/admin/", "/apercu/", "/en/apercu/", "/recherche/", "/en/recherche/"):
        assert f"Disallow: {path}" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/sitemap-news.xml" in lines
    assert "Disallow: /" not in lines


def test_robots_txt_allows_the_public_site(client, world):
    disallowed = [
        line.removeprefix("Disallow: ")
        for line in client.get("/robots.txt").text.splitlines()
        if line.startswith("Disallow: ")
    ]
    for path in all_listed_paths(client) | {"/", "/flux/", "/sitemap.xml"}:
        assert not any(path.startswith(prefix) for prefix in disallowed), path


# Query budget ------------------------------------------------------------------------------


def build_data(count):
    sections = SectionFactory.create_batch(min(count, 4))
    authors = AuthorFactory.create_batch(count)
    for n in range(count * 2):
        ArticleFactory(
            section=sections[n % len(sections)],
            authors=[authors[n % count]],
            tags=[f"Sujet {m}" for m in range(n % 5 + 1)],
        )
        make_hidden("draft", tags=[f"Caché {n}"])


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


URLS = {
    "index": lambda: reverse("sitemap_index"),
    **{name: (lambda name=name: reverse("sitemap", kwargs={"section": name})) for name in SECTIONS},
    "news": lambda: reverse("sitemap_news"),
    "robots": lambda: "/robots.txt",
}


@pytest.mark.parametrize("name", list(URLS))
def test_sitemap_queries_do_not_grow_with_length(client, name):
    counts = []
    for count in (1, 12):
        build_data(count)
        counts.append(count_queries(client, URLS[name]()))
    assert counts[0] == counts[1] <= 8
