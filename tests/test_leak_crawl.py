"""Issue #14, how it is checked: a crawl of the whole reader site, through the warm page
cache, finds nothing of an article readers cannot see, before and after each workflow move.

Every article carries marker words that begin with its own prefix (`zqdraft…`) in its
headline, standfirst, body, slug, comment, and in the names and slugs of the tag, author
and section only it uses; one test for the prefix finds any of them in a page. Article ids
are looked for only where they identify an article (comment form addresses, feed GUIDs,
surrogate keys), never as bare numbers.

Two things a page may show are not counted: what the reader typed (a search page repeats
the query, a 404 links to the address asked for, in each language: the 404 must then be
the very one an address that never existed gets), and the name of a section on its own
page and feeds (finding 9: a section with no visible article keeps them; see below).
"""

from __future__ import annotations

import html
import json
import re
from collections import deque
from datetime import timedelta
from typing import NamedTuple
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from articles import services
from articles.models import Article, Author, HomepagePin, PinnedRelated, Section, Tag
from tests.comments.factories import CommentFactory
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db

HOST = "testserver"
LANGUAGES = ("", "/en")  # French at /, English under /en/
HOMES = [f"{prefix}/" for prefix in LANGUAGES]
FEEDS = [f"{prefix}/flux/{kind}" for prefix in LANGUAGES for kind in ("", "atom/")]
START = [*HOMES, *FEEDS, "/sitemap.xml", "/sitemap-news.xml", "/robots.txt"]
NOT_READER_PAGES = ("/static/", "/media/", "/admin/", "/i18n/", "/favicon.ico")
MAX_PAGES = 600  # a runaway crawl fails instead of hanging

# The marker prefixes of the articles readers must not see at the start (the visible ones
# are zqvisone, zqvistwo, zqvisthree).
HIDDEN = {
    "zqdraft": {"status": Article.Status.DRAFT, "published_at": None},
    # In review with a publication time already past: status alone keeps it hidden.
    "zqreview": {"status": Article.Status.REVIEW, "published_at": -timedelta(hours=3)},
    "zqsched": {"status": Article.Status.PUBLISHED, "published_at": timedelta(hours=2)},
    "zqunpub": {"status": Article.Status.UNPUBLISHED, "published_at": -timedelta(days=1)},
}
SEARCHED_FIELDS = ("head", "stand", "body")

_LINKS = [
    re.compile(r'(?:href|src|data-tokens)="([^"]*)"'),  # HTML and Atom
    re.compile(r"<loc>\s*([^<\s]+)\s*</loc>"),  # sitemaps
    re.compile(r"<link>\s*([^<\s]+)\s*</link>"),  # RSS
    re.compile(r"^Sitemap:\s*(\S+)", re.MULTILINE),  # robots.txt
]
_JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


class Page(NamedTuple):
    status: int
    text: str
    cache: str  # X-Page-Cache: "hit", "miss" or "" (not a cached page)
    keys: str  # the surrogate keys the page carries


# The crawl ----------------------------------------------------------------------------------


def crawl(client: Client, extra: list[str] = ()) -> dict[str, Page]:
    """Every same-site page reachable from the start pages and `extra`: {url: Page}."""
    queue = deque(dict.fromkeys([*START, *extra]))
    pages: dict[str, Page] = {}
    while queue:
        url = queue.popleft()
        if url in pages:
            continue
        assert len(pages) < MAX_PAGES, "the crawl does not end"
        response = client.get(url)
        text = response.content.decode()
        pages[url] = Page(
            response.status_code, text, response.get("X-Page-Cache", ""), response.get("xkey", "")
        )
        found = links(url, text)
        if response.has_header("Location"):
            found.append(same_site(url, response["Location"]))
        queue.extend(link for link in found if link and link not in pages)
    return pages


def links(url: str, text: str) -> list[str | None]:
    found = [same_site(url, m) for pattern in _LINKS for m in pattern.findall(text)]
    for block in _JSON_LD.findall(text):
        found += [same_site(url, value) for value in json_ld_urls(json.loads(block))]
    return found


def json_ld_urls(data) -> list[str]:
    if isinstance(data, list):
        return [url for item in data for url in json_ld_urls(item)]
    if not isinstance(data, dict):
        return []
    own = [v for k, v in data.items() if k in {"url", "@id", "item"} and isinstance(v, str)]
    return own + [url for value in data.values() for url in json_ld_urls(value)]


def same_site(base: str, link: str) -> str | None:
    """The path and query of `link` if it is a reader page of this site, else None."""
    parts = urlsplit(urljoin(f"http://{HOST}{base}", html.unescape(link)))
    if parts.scheme not in {"http", "https"} or parts.hostname != HOST:
        return None
    if parts.path.startswith(NOT_READER_PAGES):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl_twice(extra: list[str]) -> tuple[dict[str, Page], dict[str, Page]]:
    """Two passes: the second must come from the page cache the first one warmed."""
    first = crawl(Client(), extra)
    second = crawl(Client(), extra)
    assert second.keys() == first.keys()
    stored = [url for url, page in first.items() if page.cache in {"hit", "miss"}]
    assert len(stored) >= 30, "the page cache holds almost nothing"
    for url in stored:
        assert second[url].cache == "hit", url
        assert (second[url].status, second[url].text) == (first[url].status, first[url].text)
    return first, second


# The newsroom -------------------------------------------------------------------------------


class Story(NamedTuple):
    prefix: str
    article: Article
    tag: Tag | None  # the tag, author and section no other article uses, if any
    author: Author | None
    section: Section | None

    def marker(self, field: str) -> str:
        return f"{self.prefix}{field}"

    def fresh(self) -> Article:
        return Article.objects.get(pk=self.article.pk)


def make_story(prefix: str, *, section, tags, authors, own=(), **fields) -> Story:
    """An article whose every word readers could see starts with `prefix`; `own` names
    what it alone uses ("tag", "author", "section"), named and slugged with markers too."""
    name = prefix.capitalize()
    tag = Tag.objects.create(name=f"{name}tag") if "tag" in own else None
    author = (
        AuthorFactory(name=f"{name}author", slug=f"{prefix}author") if "author" in own else None
    )
    own_section = None
    if "section" in own:
        section = own_section = SectionFactory(name=f"{name}section", slug=f"{prefix}section")
    tags = [*tags, *([tag] if tag else [])]
    authors = [*authors, *([author] if author else [])]
    article = ArticleFactory(
        title=f"{name}head : une enquête au long cours",
        slug=f"{prefix}-slug",
        standfirst=f"Le chapô {prefix}stand résume l’affaire.",
        body=f"<p>Un paragraphe {prefix}body.</p><h2>Intertitre</h2><p>La suite.</p>",
        section=section,
        tags=tags,
        authors=authors,
        **fields,
    )
    CommentFactory(article=article, text=f"Un avis {prefix}comment.")
    return Story(prefix, article, tag, author, own_section)


@pytest.fixture
def newsroom(settings, django_capture_on_commit_callbacks):
    """Three visible articles with comments, one hidden article of each kind; the page
    cache on. Built with its commit hooks run, so related suggestions exist."""
    settings.NEWSROOM = {**settings.NEWSROOM, "PAGE_CACHE_SECONDS": 300}
    cache.clear()
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        monde = SectionFactory(name="Monde", slug="monde")
        culture = SectionFactory(name="Culture", slug="culture")
        sara = AuthorFactory(name="Sara Dupont", slug="sara-dupont")
        climat = Tag.objects.create(name="Climat")
        stories = {}
        for prefix, section, age, own in [
            ("zqvisone", monde, 1, ("tag", "author")),  # pages that go when it is unpublished
            ("zqvistwo", monde, 2, ()),
            ("zqvisthree", culture, 3, ()),
        ]:
            story = make_story(
                prefix,
                section=section,
                tags=[climat],
                authors=[sara],
                own=own,
                published_at=now - timedelta(hours=age),
            )
            reply_to = story.article.comments.get()
            CommentFactory(parent=reply_to, text="Une réponse.")
            stories[prefix] = story
        for prefix, fields in HIDDEN.items():
            offset = fields["published_at"]
            stories[prefix] = make_story(
                prefix,
                section=monde,
                tags=[climat],  # shared with visible ones: a related candidate
                authors=[sara],
                own=("tag", "author", "section"),
                status=fields["status"],
                published_at=None if offset is None else now + offset,
                is_featured=True,  # a candidate for the lead story
            )
        # Editors' choices that point at hidden articles: pins and pinned related articles.
        pinned_until = now + timedelta(days=1)
        HomepagePin.objects.create(
            slot=HomepagePin.Slot.LEAD,
            article=stories["zqsched"].article,
            pinned_until=pinned_until,
        )
        HomepagePin.objects.create(
            slot=HomepagePin.Slot.TOP_2,
            article=stories["zqdraft"].article,
            pinned_until=pinned_until,
        )
        for position, prefix in enumerate(HIDDEN):
            PinnedRelated.objects.create(
                article=stories["zqvistwo"].article,
                related=stories[prefix].article,
                position=position,
            )
    yield stories
    cache.clear()


# What each crawl must and must not find -------------------------------------------------------


def in_languages(path_of) -> list[str]:
    urls = []
    for code in ("fr", "en"):
        with translation.override(code):
            urls.append(path_of())
    return urls


def listing_urls(obj, name: str) -> list[str]:
    return [
        url
        for suffix in ("", "_feed", "_feed_atom")
        for url in in_languages(lambda s=suffix: reverse(f"articles:{name}{s}", args=[obj.slug]))
    ]


def search_url(word: str, language: str = "fr") -> str:
    with translation.override(language):
        return f"{reverse('articles:search')}?q={word}"


def direct_urls(stories: dict[str, Story]) -> list[str]:
    """What the links may never lead to: every story's page, form tokens, own listings, a
    search for each of its words, and a visible page asked to show its comment."""
    urls = []
    always_visible = stories["zqvistwo"].fresh().get_absolute_url()
    for prefix in HIDDEN:
        comment = stories[prefix].article.comments.get().pk
        urls += [f"{always_visible}?reply={comment}", f"{always_visible}?conversation={comment}"]
    for story in stories.values():
        urls += expected_404s(story)
        urls += [never_existed(url, story) for url in expected_404s(story)]
        if story.section is not None:
            urls += listing_urls(story.section, "section")
        urls += [search_url(story.marker(field)) for field in SEARCHED_FIELDS]
        urls.append(search_url(story.marker("head"), "en"))
    return urls


def id_pattern(pk: int) -> re.Pattern:
    """An article id where it names an article: comment form and token addresses, feed
    GUIDs (`:article:12`), surrogate keys (`article-12`, `comments-12`), `?p=12`."""
    return re.compile(
        rf"(?:/commentaires/|/article/|:article:|\barticle-|\bcomments-|[?&]p=){pk}(?!\d)"
    )


def page_text_to_check(url: str, page: Page, story: Story) -> str:
    """The page as a reader sees it, minus what it may show of `story`: a search page
    repeats what was typed; an empty section keeps its own page (finding 9, below)."""
    text = page.text if page.status == 200 else without_own_address(url, page.text)
    text = text.lower()
    query = urlsplit(url).query
    if query.startswith("q="):
        text = text.replace(query.removeprefix("q="), "")
    if story.section is not None and f"/{story.section.slug}/" in url:
        text = text.replace(story.section.name.lower(), "").replace(story.section.slug, "")
    return text


def without_own_address(url: str, text: str) -> str:
    """A 404 links to the address asked for in each language: an echo, not a leak."""
    path = url.removeprefix("/en")
    for address in (path, f"/en{path}"):
        for link in (address, f"http://{HOST}{address}"):
            text = text.replace(f'"{link}"', '"<self>"')
    return text


def never_existed(url: str, story: Story) -> str:
    """The same address for something that never existed."""
    return url.replace(story.prefix, "zzmissing").replace(f"/{story.article.pk}/", "/99999/")


def expected_404s(story: Story) -> list[str]:
    article = story.fresh()
    urls = in_languages(article.get_absolute_url)
    urls += in_languages(lambda: reverse("comments:tokens", args=[article.pk]))
    for obj, name in [(story.tag, "tag"), (story.author, "author")]:
        if obj is not None:
            urls += listing_urls(obj, name)
    return urls


def assert_no_leak(pages: dict[str, Page], hidden: list[Story], step: str) -> None:
    for story in hidden:
        ids = id_pattern(story.article.pk)
        for url, page in pages.items():
            text = page_text_to_check(url, page, story)
            assert story.prefix not in text, (step, story.prefix, url)
            assert not ids.search(text), (step, story.prefix, url, ids.search(text))
            assert not ids.search(page.keys), (step, story.prefix, url, page.keys)
        for url in expected_404s(story):
            # The very answer an address that never existed gets.
            twin = never_existed(url, story)
            assert pages[url].status == pages[twin].status == 404, (step, url, pages[url].status)
            assert without_own_address(url, pages[url].text) == without_own_address(
                twin, pages[twin].text
            ), (step, url)
        if story.section is not None:
            # Finding 9 (tests/articles/test_integrity.py): a section with no visible article
            # keeps its own page and feeds, which show its name and no article; it is left
            # out of the navigation and the sitemaps, so no page links to it (its slug is a
            # marker: the check above would have caught a link).
            for url in listing_urls(story.section, "section"):
                assert pages[url].status in {200, 404}, (step, url, pages[url].status)


def assert_shown(pages: dict[str, Page], shown: list[Story], step: str) -> None:
    """The crawl sees what readers may see: otherwise finding nothing proves nothing."""
    lists = [*HOMES, *FEEDS, "/sitemap-articles.xml", "/sitemap-news.xml"]
    article_pages = {story.prefix: in_languages(story.fresh().get_absolute_url) for story in shown}
    for story in shown:
        article = story.fresh()
        for url in article_pages[story.prefix]:
            page = pages[url]
            assert page.status == 200, (step, url)
            for field in (*SEARCHED_FIELDS, "comment"):
                assert story.marker(field) in page.text.lower(), (step, url, field)
            # The id patterns find ids where they are: the comment form, the page's keys.
            assert id_pattern(article.pk).search(page.text), (step, url)
            assert id_pattern(article.pk).search(page.keys), (step, url)
        # Article pages link to other articles only in their related block.
        assert any(
            f"{story.prefix}-slug" in pages[url].text
            for other, urls in article_pages.items()
            if other != story.prefix
            for url in urls
        ), (step, story.prefix, "in no related block")
        for url in lists:
            assert f"{story.prefix}-slug" in pages[url].text, (step, url)
        for field in SEARCHED_FIELDS:
            assert f"{story.prefix}-slug" in pages[search_url(story.marker(field))].text, step
        for obj, name in [(story.tag, "tag"), (story.author, "author"), (story.section, "section")]:
            if obj is not None:
                for url in listing_urls(obj, name):
                    assert pages[url].status == 200, (step, url)
                    assert f"{story.prefix}-slug" in pages[url].text, (step, url)
                assert f"{obj.slug}/" in pages[f"/sitemap-{name}s.xml"].text, (step, name)


# The walk through the workflow ----------------------------------------------------------------


def unpublish_visible_one(stories, user, move_time):
    services.unpublish_article(stories["zqvisone"].fresh(), user=user)


def time_of_scheduled_comes(stories, user, move_time):
    move_time(hours=3)


def submit_draft_for_review(stories, user, move_time):
    services.submit_for_review(stories["zqdraft"].fresh(), user=user)


def published_back_to_draft(stories, user, move_time):
    article = stories["zqsched"].fresh()  # what the admin's change form does
    article.status = Article.Status.DRAFT
    article.updated_by = user
    article.save()


# (what happens, who joins the hidden articles, who leaves them)
STEPS = [
    ("initial state", None, set(), set()),
    ("a visible article is unpublished", unpublish_visible_one, {"zqvisone"}, set()),
    ("the scheduled article's time comes", time_of_scheduled_comes, set(), {"zqsched"}),
    ("the draft is submitted for review", submit_draft_for_review, set(), set()),
    ("the published article goes back to draft", published_back_to_draft, {"zqsched"}, set()),
]


def test_no_reader_page_ever_shows_a_hidden_article(
    newsroom, admin_user, move_time, django_capture_on_commit_callbacks
):
    hidden = set(HIDDEN)
    for step, change, hides, shows in STEPS:
        if change is not None:
            with django_capture_on_commit_callbacks(execute=True):
                change(newsroom, admin_user, move_time)
        hidden = (hidden | hides) - shows
        first, second = crawl_twice(direct_urls(newsroom))
        if change is not None and change is not time_of_scheduled_comes:
            # The cache was warm when the change came: a missed purge would show here.
            assert any(page.cache == "hit" for page in first.values()), step
        for pages in (first, second):
            assert_no_leak(pages, [newsroom[p] for p in sorted(hidden)], step)
            assert_shown(pages, [newsroom[p] for p in sorted(set(newsroom) - hidden)], step)
