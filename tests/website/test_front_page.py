"""The homepage's choice of stories, and the order of section, tag and author pages."""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from articles.models import Article, ArticleAuthor, HomepagePin
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    PictureFactory,
    SectionFactory,
)
from website import views

pytestmark = pytest.mark.django_db


def front_page():
    view = views.FrontPageView()
    view.setup(RequestFactory().get("/"))
    return view.get_context_data()


def pks(articles):
    return [article.pk for article in articles]


@pytest.fixture
def newsroom():
    """Sections (two sharing a position), stories of all ages, featured ones, pins (one of
    a hidden story, one expired), hidden stories newer than all, comments and bylines."""
    from comments.models import Comment
    from tests.comments.factories import CommentFactory

    now = timezone.now()
    sections = [
        SectionFactory(name="Monde", slug="monde", position=2),
        SectionFactory(name="Économie", slug="economie", position=1),
        SectionFactory(name="Culture", slug="culture", position=1),
        SectionFactory(name="Sports", slug="sports", position=0),
    ]
    authors = [AuthorFactory(name=name) for name in ("Sara", "Léa", "Karim")]
    stories = []
    for n in range(40):
        stories.append(
            ArticleFactory(
                section=sections[n % 4],
                published_at=now - timedelta(hours=3 * n + 1),
                is_featured=n in (5, 30),
                lead_picture=PictureFactory() if n % 7 == 0 else None,
            )
        )
    for story in stories[:12]:
        for position, author in [(2, authors[0]), (0, authors[1]), (1, authors[2])]:
            ArticleAuthor.objects.create(
                article=story,
                author=author,
                position=position,
                role="photographer" if author.name == "Léa" else "",
                agency="AFP" if author.name == "Karim" else "",
            )
    # Two stories published at the same moment: the newest-first order falls back to ids.
    Article.objects.filter(pk=stories[8].pk).update(published_at=stories[7].published_at)
    hidden = [
        ArticleFactory(section=sections[0], status=Article.Status.DRAFT, published_at=now),
        ArticleFactory(section=sections[1], published_at=now + timedelta(minutes=5)),
        ArticleFactory(section=sections[2], status=Article.Status.UNPUBLISHED, published_at=now),
        ArticleFactory(section=sections[3], status=Article.Status.REVIEW, is_featured=True),
    ]
    for story in (stories[0], stories[15]):
        CommentFactory.create_batch(2, article=story)
        for status in (Comment.Status.PENDING, Comment.Status.SPAM, Comment.Status.REMOVED):
            CommentFactory(article=story, status=status)
    CommentFactory(article=hidden[0])
    later = now + timedelta(hours=1)
    HomepagePin.objects.create(slot=HomepagePin.Slot.TOP_3, article=stories[25], pinned_until=later)
    HomepagePin.objects.create(slot=HomepagePin.Slot.TOP_2, article=hidden[1], pinned_until=later)
    HomepagePin.objects.create(
        slot=HomepagePin.Slot.TOP_4, article=stories[35], pinned_until=now - timedelta(minutes=1)
    )
    return {"stories": stories, "hidden": hidden, "sections": sections, "now": now}


def test_the_homepage_leads_with_the_newest_featured_story_and_pins_come_first(newsroom):
    stories = newsroom["stories"]
    context = front_page()
    # The newest featured story leads; the pinned one comes first in the list.
    assert context["lead"].pk == stories[5].pk
    assert pks(context["latest"])[0] == stories[25].pk
    assert stories[35].pk not in pks(context["latest"])  # its pin has run out
    assert [b.author.name for b in context["lead"].bylines.all()] == ["Léa", "Karim", "Sara"]
    # Sections by position, then name in the database's collation.
    assert [section.slug for section, _ in context["section_blocks"]] == [
        "sports",
        "culture",
        "economie",
        "monde",
    ]
    assert all(len(articles) == views.HOME_PER_SECTION for _, articles in context["section_blocks"])


def test_each_story_shows_once_and_hidden_ones_never(newsroom):
    context = front_page()
    shown = [context["lead"].pk, *pks(context["latest"])]
    shown += [pk for _, articles in context["section_blocks"] for pk in pks(articles)]
    assert len(shown) == len(set(shown))
    assert not set(shown) & set(pks(newsroom["hidden"]))


def test_comment_counts_are_approved_comments_only(newsroom):
    stories = newsroom["stories"]
    context = front_page()
    cards = [context["lead"], *context["latest"]]
    cards += [article for _, articles in context["section_blocks"] for article in articles]
    counts = {article.pk: article.comment_count for article in cards}
    assert counts[stories[0].pk] == counts[stories[15].pk] == 2
    assert sum(counts.values()) == 4


def test_a_pinned_lead_comes_first_and_leaves_the_featured_story_in_the_list(newsroom):
    stories = newsroom["stories"]
    HomepagePin.objects.create(
        slot=HomepagePin.Slot.LEAD,
        article=stories[20],
        pinned_until=newsroom["now"] + timedelta(hours=1),
    )
    context = front_page()
    assert context["lead"].pk == stories[20].pk
    assert pks(context["latest"])[:2] == [stories[25].pk, stories[0].pk]
    assert stories[5].pk in pks(context["latest"])


def test_a_pinned_lead_of_a_hidden_story_is_ignored(newsroom):
    HomepagePin.objects.create(
        slot=HomepagePin.Slot.LEAD,
        article=newsroom["hidden"][0],
        pinned_until=newsroom["now"] + timedelta(hours=1),
    )
    assert front_page()["lead"].pk == newsroom["stories"][5].pk


def test_without_a_recent_featured_story_the_newest_leads(newsroom):
    Article.objects.filter(pk=newsroom["stories"][5].pk).update(is_featured=False)
    context = front_page()
    assert context["lead"].pk == newsroom["stories"][0].pk


def test_a_featured_story_pinned_elsewhere_does_not_lead(newsroom):
    HomepagePin.objects.filter(slot=HomepagePin.Slot.TOP_3).update(article=newsroom["stories"][5])
    context = front_page()
    assert context["lead"].pk == newsroom["stories"][0].pk
    assert pks(context["latest"])[0] == newsroom["stories"][5].pk


def test_section_blocks_come_from_the_window_of_recent_stories(newsroom, monkeypatch):
    monkeypatch.setattr(views, "HOME_WINDOW", 16)
    context = front_page()
    recent = set(pks(newsroom["stories"][:16]))
    blocks = [pk for _, articles in context["section_blocks"] for pk in pks(articles)]
    assert blocks and set(blocks) <= recent
    monkeypatch.setattr(views, "HOME_PER_SECTION", 1)
    assert all(len(articles) == 1 for _, articles in front_page()["section_blocks"])


def test_a_small_site_and_an_empty_one():
    context = front_page()
    assert context["lead"] is None and context["latest"] == [] and context["section_blocks"] == []
    story = ArticleFactory()
    context = front_page()
    assert context["lead"].pk == story.pk
    assert context["latest"] == [] and context["section_blocks"] == []


def test_the_homepage_renders_its_cards_in_a_fixed_number_of_queries(
    newsroom, django_assert_num_queries
):
    # Pins, the recent window, the top cards, their bylines, the section blocks; the
    # section navigation is read once, then kept until a purge (pagecache/memo.py).
    render_to_string("articles/home.html", front_page())
    with django_assert_num_queries(5):
        html = render_to_string("articles/home.html", front_page())
    assert html.count('<article class="card') == 1 + views.HOME_LATEST + 4 * views.HOME_PER_SECTION


# --- Section, tag and author pages -------------------------------------------------------


@pytest.fixture
def lists(newsroom):
    """The newsroom's stories tagged and signed in two overlapping sets, hidden ones too."""
    from articles.models import Tag

    stories, hidden = newsroom["stories"], newsroom["hidden"]
    for story in [*stories[::2], *hidden]:
        story.tags.add("Élections")
    author = AuthorFactory(name="Zoé")
    for n, story in enumerate([*stories[1::3], *hidden]):
        ArticleAuthor.objects.create(article=story, author=author, position=n % 2)
    # In each list a tie across the boundary of 4-card pages (4th and 5th), broken by ids.
    for first, second in [(stories[6], stories[8]), (stories[10], stories[13])]:
        Article.objects.filter(pk=second.pk).update(published_at=first.published_at)
    Article.objects.filter(pk=stories[17].pk).update(published_at=stories[10].published_at)
    return {
        "section": newsroom["sections"][1],
        "tag": Tag.objects.get(name="Élections"),
        "author": author,
    }


@pytest.mark.parametrize("kind", ["section", "tag", "author"])
def test_list_pages_show_visible_stories_newest_first_ties_by_id(client, lists, kind, monkeypatch):
    monkeypatch.setattr(views.ArticleListView, "paginate_by", 4)
    heading = lists[kind]
    expected = list(
        {
            "section": Article.objects.in_section,
            "tag": Article.objects.tagged,
            "author": Article.objects.by_author,
        }[kind](heading)
        .published()
        .order_by("-published_at", "-pk")
        .values_list("pk", flat=True)
    )
    pages = (len(expected) + 3) // 4
    assert pages >= 2
    url = heading.get_absolute_url()
    shown = []
    for number in range(1, pages + 1):
        shown += pks(client.get(url, {"page": number}).context["articles"])
    assert shown == expected
    assert client.get(url, {"page": pages + 1}).status_code == 404


def test_an_empty_section_page_says_so(client):
    section = SectionFactory()
    ArticleFactory(section=section, status=Article.Status.DRAFT)
    response = client.get(section.get_absolute_url())
    assert response.status_code == 200 and list(response.context["articles"]) == []
