"""The homepage's and list pages' one-statement reads (articles/reader.py) against the ORM."""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from articles import views
from articles.models import Article, ArticleAuthor, HomepagePin
from articles.reader import load_front_page
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, image_file

pytestmark = pytest.mark.django_db

CARD_FIELDS = [
    "pk",
    "title",
    "slug",
    "standfirst",
    "section_id",
    "status",
    "published_at",
    "is_featured",
    "lead_image_alt",
    "lead_image_width",
    "lead_image_height",
    "lead_image_renditions",
]


def orm_front_page():
    """The homepage's context from the ORM's queries, as before articles/reader.py (commit
    8b9087e); the lead and latest list are chosen by the view's own rule."""
    visible = Article.objects.published()
    pins = dict(
        HomepagePin.objects.active().filter(article__in=visible).values_list("slot", "article_id")
    )
    featured = list(
        visible.filter(is_featured=True, published_at__gte=timezone.now() - views.FEATURED_FOR)
        .latest_first()
        .values_list("pk", flat=True)[:1]
    )
    newest = visible.latest_first().values("pk")
    top_ids = {
        *pins.values(),
        *featured,
        *newest.values_list("pk", flat=True)[: views.HOME_LATEST + 1],
    }
    top = list(visible.filter(pk__in=top_ids).for_listing().without_body().latest_first())
    lead, latest = views.arrange_front_page(pins, top)
    shown = [article.pk for article in top]
    blocks = {}
    for article in (
        visible.filter(pk__in=newest[: views.HOME_WINDOW])
        .exclude(pk__in=shown)
        .latest_per_section(views.HOME_PER_SECTION)
        .select_related("section")
        .with_comment_counts()
        .without_body()
        .order_by("section__position", "section__name", "-published_at", "-pk")
    ):
        blocks.setdefault(article.section_id, []).append(article)
    return {
        "lead": lead,
        "latest": latest,
        "section_blocks": [(articles[0].section, articles) for articles in blocks.values()],
    }


def view_front_page():
    view = views.FrontPageView()
    view.setup(RequestFactory().get("/"))
    return view.get_context_data()


def card(article, bylines=True):
    values = [getattr(article, field) for field in CARD_FIELDS]
    values += [
        article.lead_image.name,
        article.get_absolute_url(),
        article.comment_count,
        (article.section.pk, article.section.name, article.section.slug),
    ]
    if bylines:
        values.append(
            [(b.pk, b.author.name, b.author.slug, b.role, b.agency) for b in article.bylines.all()]
        )
    return values


def summary(context):
    """Everything the page prints of its articles, comparable between the two reads."""
    lead = context["lead"]
    return {
        "lead": None if lead is None else card(lead),
        "latest": [card(article) for article in context["latest"]],
        "section_blocks": [
            (section.pk, section.name, section.slug, [card(a, bylines=False) for a in articles])
            for section, articles in context["section_blocks"]
        ],
    }


def assert_same_as_orm():
    expected, actual = orm_front_page(), view_front_page()
    assert summary(actual) == summary(expected)
    html = render_to_string("articles/home.html", actual)
    assert html == render_to_string("articles/home.html", expected)
    return actual


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
                lead_image=image_file() if n % 7 == 0 else None,
                lead_image_alt="Une photo" if n % 7 == 0 else "",
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


def test_the_homepage_holds_what_the_orm_read(newsroom):
    stories = newsroom["stories"]
    context = assert_same_as_orm()
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
    context = assert_same_as_orm()
    shown = [context["lead"].pk, *pks(context["latest"])]
    shown += [pk for _, articles in context["section_blocks"] for pk in pks(articles)]
    assert len(shown) == len(set(shown))
    assert not set(shown) & set(pks(newsroom["hidden"]))


def test_comment_counts_are_approved_comments_only(newsroom):
    stories = newsroom["stories"]
    context = assert_same_as_orm()
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
    context = assert_same_as_orm()
    assert context["lead"].pk == stories[20].pk
    assert pks(context["latest"])[:2] == [stories[25].pk, stories[0].pk]
    assert stories[5].pk in pks(context["latest"])


def test_a_pinned_lead_of_a_hidden_story_is_ignored(newsroom):
    HomepagePin.objects.create(
        slot=HomepagePin.Slot.LEAD,
        article=newsroom["hidden"][0],
        pinned_until=newsroom["now"] + timedelta(hours=1),
    )
    assert assert_same_as_orm()["lead"].pk == newsroom["stories"][5].pk


def test_without_a_recent_featured_story_the_newest_leads(newsroom):
    Article.objects.filter(pk=newsroom["stories"][5].pk).update(is_featured=False)
    context = assert_same_as_orm()
    assert context["lead"].pk == newsroom["stories"][0].pk


def test_a_featured_story_pinned_elsewhere_does_not_lead(newsroom):
    HomepagePin.objects.filter(slot=HomepagePin.Slot.TOP_3).update(article=newsroom["stories"][5])
    context = assert_same_as_orm()
    assert context["lead"].pk == newsroom["stories"][0].pk
    assert pks(context["latest"])[0] == newsroom["stories"][5].pk


def test_section_blocks_come_from_the_window_of_recent_stories(newsroom, monkeypatch):
    monkeypatch.setattr(views, "HOME_WINDOW", 16)
    context = assert_same_as_orm()
    recent = set(pks(newsroom["stories"][:16]))
    blocks = [pk for _, articles in context["section_blocks"] for pk in pks(articles)]
    assert blocks and set(blocks) <= recent
    monkeypatch.setattr(views, "HOME_PER_SECTION", 1)
    assert_same_as_orm()


def test_a_small_site_and_an_empty_one():
    context = assert_same_as_orm()
    assert context["lead"] is None and context["latest"] == [] and context["section_blocks"] == []
    story = ArticleFactory()
    context = assert_same_as_orm()
    assert context["lead"].pk == story.pk
    assert context["latest"] == [] and context["section_blocks"] == []


def test_cards_need_no_further_query(newsroom, django_assert_num_queries):
    from articles.cards import article_card

    with django_assert_num_queries(1):
        context = view_front_page()
        article_card(context["lead"], size="lead", show_image=True, show_byline=True)
        for article in context["latest"]:
            article_card(article, size="compact", show_section=True)
        for section, articles in context["section_blocks"]:
            section.get_absolute_url()
            for article in articles:
                article_card(article, show_image=True, show_standfirst=True, lazy=True)


def test_the_statement_is_written_once_per_process(newsroom):
    statement = load_front_page.__globals__["_front_statement"]
    view_front_page()
    misses = statement.cache_info().misses
    view_front_page()
    assert statement.cache_info().misses == misses


# --- Section, tag and author pages -------------------------------------------------------


def orm_cards(kind, heading):
    visible = Article.objects.published().for_listing().without_body().latest_first()
    return {
        "section": visible.in_section,
        "tag": visible.tagged,
        "author": visible.by_author,
    }[kind](heading)


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
@pytest.mark.parametrize(("offset", "limit"), [(0, 4), (4, 4), (8, 20), (0, 100)])
def test_a_list_page_holds_what_the_orm_read(lists, kind, offset, limit):
    from articles.reader import load_article_cards

    heading = lists[kind]
    expected = list(orm_cards(kind, heading)[offset : offset + limit])
    cards = load_article_cards(kind, heading.pk, offset=offset, limit=limit)
    assert [card(article) for article in cards] == [card(article) for article in expected]
    assert len(cards) == len(expected) > 0 or offset >= orm_cards(kind, heading).count()


@pytest.mark.parametrize("kind", ["section", "tag", "author"])
def test_list_pages_render_as_from_the_orm(client, lists, kind, monkeypatch):
    monkeypatch.setattr(views.ArticleListView, "paginate_by", 5)
    heading = lists[kind]
    expected = list(orm_cards(kind, heading))
    pages = (len(expected) + 4) // 5
    assert pages >= 2
    url = heading.get_absolute_url()
    read = [client.get(url, {"page": number}) for number in range(1, pages + 1)]
    for number, response in enumerate(read, start=1):
        articles = response.context["articles"]
        assert [card(a) for a in articles] == [card(a) for a in expected[(number - 1) * 5 :][:5]]
    assert client.get(url, {"page": pages + 1}).status_code == 404

    def from_the_orm(kind, pk, *, offset, limit):
        return list(orm_cards(kind, heading)[offset : offset + limit])

    monkeypatch.setattr(views, "load_article_cards", from_the_orm)
    for number, response in enumerate(read, start=1):
        assert response.content == client.get(url, {"page": number}).content


def test_list_cards_need_no_further_query(lists, django_assert_num_queries):
    from articles.cards import article_card
    from articles.reader import load_article_cards

    with django_assert_num_queries(1):
        for article in load_article_cards("tag", lists["tag"].pk, offset=0, limit=20):
            article_card(
                article,
                size="row",
                show_image=True,
                show_standfirst=True,
                show_byline=True,
                show_section=True,
            )


def test_an_empty_list_page_runs_no_card_query(client, django_assert_num_queries):
    from articles.reader import load_article_cards

    section = SectionFactory()
    ArticleFactory(section=section, status=Article.Status.DRAFT)
    with django_assert_num_queries(0):
        assert load_article_cards("section", section.pk, offset=0, limit=0) == []
    response = client.get(section.get_absolute_url())
    assert response.status_code == 200 and list(response.context["articles"]) == []
