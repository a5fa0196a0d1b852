import html
import re
from datetime import UTC, timedelta

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Tag
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    PictureFactory,
    SectionFactory,
    image_file,
)
from website.feeds import FEED_LENGTH

pytestmark = pytest.mark.django_db

HIDDEN = {
    "draft": {"status": Article.Status.DRAFT},
    "review": {"status": Article.Status.REVIEW},
    "unpublished": {"status": Article.Status.UNPUBLISHED},
    "scheduled": {"published_at_delta": timedelta(hours=2)},
}
KINDS = ["", "_atom"]


@pytest.fixture
def world():
    section = SectionFactory(name="Monde", slug="monde")
    author = AuthorFactory(name="Sara Dupont", slug="sara")
    visible = ArticleFactory(
        title="Sommet à Genève",
        standfirst="Les délégations arrivent.",
        section=section,
        authors=[author],
        tags=["Diplomatie"],
        lead_picture=PictureFactory(
            file=image_file(),
            alt="La salle du sommet",
            credit="Photo AFP",
        ),
    )
    return {
        "section": section,
        "author": author,
        "tag": Tag.objects.get(slug="diplomatie"),
        "visible": visible,
    }


def feed_urls(world) -> dict[str, str]:
    urls = {}
    for kind in KINDS:
        urls[f"site{kind}"] = reverse(f"articles:feed{kind}")
        for name in ("section", "tag", "author"):
            urls[f"{name}{kind}"] = reverse(
                f"articles:{name}_feed{kind}", kwargs={"slug": world[name].slug}
            )
    return urls


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, (url, parsed.get("bozo_exception"))
    return response, parsed


def make_hidden(kind, **kwargs):
    options = dict(HIDDEN[kind])
    delta = options.pop("published_at_delta", None)
    if delta:
        options["published_at"] = timezone.now() + delta
    return ArticleFactory(title=f"Article caché ({kind})", **options, **kwargs)


def test_every_feed_parses_in_its_format(client, world):
    for name, url in feed_urls(world).items():
        response, parsed = parse(client, url)
        if name.endswith("_atom"):
            assert parsed.version == "atom10"
            assert response["Content-Type"].startswith("application/atom+xml")
        else:
            assert parsed.version == "rss20"
            assert response["Content-Type"].startswith("application/rss+xml")
        assert [entry.link for entry in parsed.entries] == [
            "http://testserver" + world["visible"].get_absolute_url()
        ], name
        assert parsed.feed.language == "fr"


@pytest.mark.parametrize("kind", list(HIDDEN))
def test_feeds_list_only_visible_articles(client, world, kind):
    hidden = make_hidden(
        kind, section=world["section"], authors=[world["author"]], tags=["Diplomatie"]
    )
    for url in feed_urls(world).values():
        response, parsed = parse(client, url)
        assert [entry.title for entry in parsed.entries] == ["Sommet à Genève"], url
        assert hidden.title not in response.text


def test_scheduled_article_enters_the_feeds_when_its_time_comes(client, world, move_time):
    scheduled = make_hidden(
        "scheduled", section=world["section"], authors=[world["author"]], tags=["Diplomatie"]
    )
    move_time(hours=3)
    for url in feed_urls(world).values():
        _, parsed = parse(client, url)
        assert parsed.entries[0].title == scheduled.title, url


def test_items_carry_summary_dates_author_categories_and_picture(client, world):
    article = world["visible"]
    _, rss = parse(client, reverse("articles:feed"))
    entry = rss.entries[0]
    assert entry.summary == "Les délégations arrivent."
    assert entry.author == "Sara Dupont"
    assert {tag.term for tag in entry.tags} == {"Monde", "Diplomatie"}
    assert entry.published_parsed[:6] == article.published_at.utctimetuple()[:6]
    (enclosure,) = entry.enclosures
    assert enclosure.type == "image/jpeg" and enclosure.href.startswith("http://testserver/")
    (media,) = entry.media_content
    assert media["url"] == enclosure.href and media["medium"] == "image"
    assert media["width"] == "1200" and media["height"] == "675"

    _, atom = parse(client, reverse("articles:feed_atom"))
    entry = atom.entries[0]
    assert entry.summary == "Les délégations arrivent."
    assert entry.author_detail.href == "http://testserver/auteur/sara/"
    assert entry.published_parsed[:6] == article.published_at.utctimetuple()[:6]
    assert entry.updated_parsed[:6] == article.updated_at.utctimetuple()[:6]
    assert [link.rel for link in entry.links] == ["alternate", "enclosure"]


def test_article_without_picture_or_byline_still_makes_a_valid_item(client, world):
    ArticleFactory(title="Brève sans image", standfirst="")
    for name in ("feed", "feed_atom"):
        _, parsed = parse(client, reverse(f"articles:{name}"))
        entry = parsed.entries[0]
        assert entry.title == "Brève sans image"
        assert not entry.get("enclosures")
        # Atom wants an author: the feed's own (the site) covers entries without one.
        assert parsed.feed.get("author") == "Newsroom" or name == "feed"


def test_titles_and_summaries_survive_special_characters(client, world):
    ArticleFactory(title="AT&T <rachète> « Time Warner »", standfirst="Prix : 5 < 6 & plus.")
    _, rss = parse(client, reverse("articles:feed"))
    # Titles are text, escaped once for XML; descriptions are HTML, so the text is escaped.
    assert rss.entries[0].title == "AT&T <rachète> « Time Warner »"
    assert html.unescape(rss.entries[0].summary) == "Prix : 5 < 6 & plus."
    _, atom = parse(client, reverse("articles:feed_atom"))
    assert atom.entries[0].title_detail.type == "text/plain"
    assert atom.entries[0].title == "AT&T <rachète> « Time Warner »"
    assert html.unescape(atom.entries[0].summary) == "Prix : 5 < 6 & plus."


def test_an_apostrophe_in_a_headline_reaches_feed_readers_as_itself(client, world):
    """Regression (#14, finding 13): RSS titles were escaped twice (`l&#x27;Ukraine`)."""
    ArticleFactory(title="Le soutien à l'Ukraine")
    body, rss = parse(client, reverse("articles:feed"))
    assert rss.entries[0].title == "Le soutien à l'Ukraine"
    assert "&amp;#x27;" not in body.text


def test_guid_does_not_change_when_headline_or_address_is_edited(client, world):
    article = world["visible"]
    _, before = parse(client, reverse("articles:feed"))
    _, before_atom = parse(client, reverse("articles:feed_atom"))
    guid = before.entries[0].id
    created = article.created_at.astimezone(UTC).date().isoformat()
    assert guid == f"tag:testserver,{created}:article:{article.pk}"
    assert before.entries[0].guidislink is False
    assert before_atom.entries[0].id == guid

    article.title = "Sommet à Genève : accord trouvé"
    article.slug = "sommet-accord"
    article.save()
    _, after = parse(client, reverse("articles:feed"))
    _, after_atom = parse(client, reverse("articles:feed_atom"))
    assert after.entries[0].title == "Sommet à Genève : accord trouvé"
    assert after.entries[0].link.endswith("/sommet-accord/")
    assert after.entries[0].id == guid
    assert after_atom.entries[0].id == guid


def test_feeds_hold_the_latest_articles_newest_first(client, world):
    for n in range(FEED_LENGTH + 5):
        ArticleFactory(title=f"Dépêche {n}", published_at=timezone.now() - timedelta(minutes=n))
    _, parsed = parse(client, reverse("articles:feed"))
    assert len(parsed.entries) == FEED_LENGTH
    assert parsed.entries[0].title == "Dépêche 0"
    assert parsed.entries[-1].title == f"Dépêche {FEED_LENGTH - 1}"


@pytest.mark.parametrize("name", ["section_feed", "tag_feed_atom", "author_feed"])
def test_unknown_feed_objects_are_404(client, world, name):
    assert client.get(reverse(f"articles:{name}", kwargs={"slug": "inconnu"})).status_code == 404


def test_english_site_has_its_feeds(client, world):
    url = world["visible"].get_absolute_url()
    _, parsed = parse(client, "/en" + reverse("articles:feed"))
    assert parsed.feed.language == "en"
    assert parsed.feed.description == "The latest articles of Newsroom."
    assert parsed.entries[0].link == "http://testserver/en" + url


# Links from page heads ---------------------------------------------------------------------


def alternate_links(response) -> set[tuple[str, str]]:
    pattern = r'<link rel="alternate" type="(application/[a-z+]+)" title="[^"]*" href="([^"]+)"'
    return set(re.findall(pattern, response.text))


def test_pages_link_to_the_feeds_in_their_head(client, world):
    site = {
        ("application/rss+xml", reverse("articles:feed")),
        ("application/atom+xml", reverse("articles:feed_atom")),
    }
    assert alternate_links(client.get(reverse("articles:index"))) == site
    assert alternate_links(client.get(world["visible"].get_absolute_url())) == site
    for name in ("section", "tag", "author"):
        slug = world[name].slug
        page = client.get(world[name].get_absolute_url())
        assert alternate_links(page) == site | {
            ("application/rss+xml", reverse(f"articles:{name}_feed", kwargs={"slug": slug})),
            ("application/atom+xml", reverse(f"articles:{name}_feed_atom", kwargs={"slug": slug})),
        }, name


# Query budget ------------------------------------------------------------------------------


def build_data(count):
    section = SectionFactory(slug=f"sec-{count}")
    authors = AuthorFactory.create_batch(count)
    for n in range(count):
        ArticleFactory(
            section=section,
            authors=authors[: n % 3 + 1] if count > 1 else authors,
            tags=[f"Sujet {m}" for m in range(n % 4 + 1)],
            lead_picture=(
                PictureFactory(file=image_file(f"p{n}.jpg", size=(400, 300)), alt="Image")
                if n % 2 == 0
                else None
            ),
        )
    return {"section": section, "author": authors[0], "tag": Tag.objects.get(name="Sujet 0")}


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["site", "site_atom", "section", "tag_atom", "author"])
def test_feed_queries_do_not_grow_with_length(client, name):
    counts = []
    for count in (1, 15):
        world = build_data(count)
        counts.append(count_queries(client, feed_urls(world)[name]))
    assert counts[0] == counts[1] <= 4


def test_section_is_one_of_many(client, world):
    other = SectionFactory(name="Sport", slug="sport")
    ArticleFactory(title="Match nul", section=other)
    _, parsed = parse(client, reverse("articles:section_feed", kwargs={"slug": "sport"}))
    assert [entry.title for entry in parsed.entries] == ["Match nul"]
    assert parsed.feed.title == "Newsroom – Sport"
