"""Long discussions in pages of conversations: splitting, navigation, replies, queries."""

import importlib
import re
from html import unescape

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import Comment
from comments.threads import load_thread, page_of
from tests.comments.conftest import form_data
from tests.comments.factories import CommentFactory
from tests.comments.test_thread import build_discussion, comment_ids
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_per_page(settings):
    settings.NEWSROOM_COMMENTS = {**settings.NEWSROOM_COMMENTS, "THREADS_PER_PAGE": 2}


@pytest.fixture
def conversations(article, two_per_page):
    """Five conversations, three pages; the first one's reply is the newest comment."""
    roots = [CommentFactory(article=article, name=f"Auteur {n}") for n in range(5)]
    replies = {n: CommentFactory(parent=roots[n]) for n in (1, 2)}
    replies[0] = CommentFactory(parent=roots[0])
    return roots, replies


def page(client, article, number=None, **params):
    if number is not None:
        params["commentaires"] = number
    return client.get(article.get_absolute_url(), params)


def nav(html: str) -> str:
    found = re.search(r'<nav class="pagination comment-pages".*?</nav>', html, re.DOTALL)
    return found.group(0) if found else ""


# Splitting


def test_pages_hold_whole_conversations_oldest_first(client, article, conversations):
    roots, replies = conversations
    assert comment_ids(page(client, article).text) == [
        roots[0].pk,
        replies[0].pk,
        roots[1].pk,
        replies[1].pk,
    ]
    assert comment_ids(page(client, article, 2).text) == [roots[2].pk, replies[2].pk, roots[3].pk]
    assert comment_ids(page(client, article, 3).text) == [roots[4].pk]


def test_page_one_is_the_article_address_and_also_answers_to_its_number(
    client, article, conversations
):
    assert len(comment_ids(page(client, article, 1).text)) == 4
    assert comment_ids(page(client, article, 1).text) == comment_ids(page(client, article).text)


def test_heading_counts_every_approved_comment_on_every_page(client, article, conversations):
    CommentFactory(article=article, status="pending")
    for number in (None, 2, 3):
        assert "8 commentaires</h2>" in page(client, article, number).text


def test_a_tombstone_conversation_keeps_its_place(client, article, conversations):
    roots, replies = conversations
    roots[2].status = "removed"
    roots[2].save()
    html = page(client, article, 2).text
    assert comment_ids(html) == [roots[2].pk, replies[2].pk, roots[3].pk]
    assert "Commentaire retiré par la modération." in html


def test_conversations_with_nothing_to_show_take_no_place(client, article, two_per_page):
    shown = [CommentFactory(article=article) for _ in range(2)]
    hidden = CommentFactory(article=article, status="removed")
    CommentFactory(parent=hidden, status="spam")
    CommentFactory(article=article, status="pending")
    last = CommentFactory(article=article)
    assert comment_ids(page(client, article).text) == [shown[0].pk, shown[1].pk]
    assert comment_ids(page(client, article, 2).text) == [last.pk]
    assert page(client, article, 3).status_code == 404


def test_deeper_threads_stay_with_their_conversation(client, article, two_per_page, settings):
    settings.NEWSROOM_COMMENTS = {**settings.NEWSROOM_COMMENTS, "THREAD_DEPTH": 3}
    roots = [CommentFactory(article=article) for _ in range(3)]
    reply = CommentFactory(parent=roots[2])
    deeper = CommentFactory(parent=reply)
    assert deeper.thread_root == roots[2]
    html = page(client, article, 2).text
    assert comment_ids(html) == [roots[2].pk, reply.pk, deeper.pk]
    assert comment_ids(page(client, article).text) == [roots[0].pk, roots[1].pk]


def test_a_reply_whose_parent_waits_stands_on_its_own_in_its_conversation(
    client, article, two_per_page
):
    first = CommentFactory(article=article)
    parent = CommentFactory(article=article)
    orphan = CommentFactory(parent=parent)
    parent.status = "pending"  # sent back to the queue by an editor
    parent.save()
    last = CommentFactory(article=article)
    assert comment_ids(page(client, article).text) == [first.pk, orphan.pk]
    assert comment_ids(page(client, article, 2).text) == [last.pk]


# Navigation


def test_navigation_links_pages_in_both_directions(client, article, conversations):
    url = article.get_absolute_url()
    first = nav(page(client, article).text)
    assert 'aria-label="Pages des commentaires"' in first
    assert "Page 1 sur 3" in first
    assert 'rel="prev"' not in first
    assert f'<a href="{url}?commentaires=2#comments" rel="next">Commentaires suivants</a>' in first

    middle = nav(page(client, article, 2).text)
    assert "Page 2 sur 3" in middle
    assert f'<a href="{url}#comments" rel="prev">Commentaires précédents</a>' in middle
    assert f'<a href="{url}?commentaires=3#comments" rel="next">' in middle

    last = nav(page(client, article, 3).text)
    assert "Page 3 sur 3" in last
    assert f'<a href="{url}?commentaires=2#comments" rel="prev">' in last
    assert 'rel="next"' not in last


def test_no_navigation_when_one_page_holds_everything(client, article, two_per_page):
    CommentFactory.create_batch(2, article=article)
    assert nav(page(client, article).text) == ""
    assert nav(client.get(ArticleFactory().get_absolute_url()).text) == ""


def test_pages_work_in_english_with_the_same_parameter(client, article, conversations):
    roots, _ = conversations
    url = f"/en{article.get_absolute_url()}"
    english = client.get(url, {"commentaires": 2})
    assert english.status_code == 200
    assert comment_ids(english.text)[0] == roots[2].pk
    links = nav(english.text)
    assert 'aria-label="Pages of comments"' in links and "Page 2 of 3" in links
    assert f'<a href="{url}#comments" rel="prev">Earlier comments</a>' in links
    assert f'<a href="{url}?commentaires=3#comments" rel="next">Later comments</a>' in links
    assert f'href="{url}?commentaires=2&amp;reply={roots[2].pk}#respond"' in english.text
    assert client.get(url, {"commentaires": 4}).status_code == 404


def test_every_page_keeps_the_article_as_canonical_address(client, article, conversations):
    html = page(client, article, 2).text
    canonical = f'<link rel="canonical" href="http://testserver{article.get_absolute_url()}">'
    assert canonical in html
    assert 'name="robots"' not in html


# Page numbers that are not pages


@pytest.mark.parametrize(
    "value", ["abc", "0", "-1", "4", "99999", "1.5", "9" * 40, "", "02", "+2", " 2", "２"]
)
def test_page_numbers_that_name_no_page_are_404(client, article, conversations, value):
    response = page(client, article, value)
    assert response.status_code == 404


def test_only_the_first_page_exists_without_comments(client, article):
    assert page(client, article).status_code == 200
    assert page(client, article, 1).status_code == 200
    assert page(client, article, 2).status_code == 404


# Replies and posting


def test_reply_links_keep_the_page(client, article, conversations):
    roots, _ = conversations
    html = page(client, article, 2).text
    url = article.get_absolute_url()
    assert f'href="{url}?commentaires=2&amp;reply={roots[2].pk}#respond"' in html
    assert f'href="{url}?reply={roots[0].pk}#respond"' in page(client, article).text


def test_reply_on_a_later_page_prepares_the_form(client, article, conversations):
    roots, _ = conversations
    html = page(client, article, 3, reply=roots[4].pk).text
    assert "Répondre à Auteur 4" in html
    assert f'<input type="hidden" name="parent" value="{roots[4].pk}">' in html
    url = article.get_absolute_url()
    assert f'action="{reverse("comments:post", args=[article.pk])}?commentaires=3#respond"' in html
    assert f'<a href="{url}?commentaires=3#respond">Annuler la réponse</a>' in html
    # The same reply link on another page finds nothing to answer: a plain form.
    assert 'name="parent"' not in page(client, article, reply=roots[4].pk).text


def post_from(client, article, number, **fields):
    action = reverse("comments:post", args=[article.pk])
    if number:
        action += f"?commentaires={number}"
    return client.post(action, form_data(article, **fields))


def test_a_shown_reply_redirects_to_its_conversation_page(
    client, article, conversations, post_moderation
):
    roots, _ = conversations
    response = post_from(client, article, 2, parent=roots[3].pk)
    reply = Comment.objects.get(parent=roots[3])
    url = f"{article.get_absolute_url()}?commentaires=2#comment-{reply.pk}"
    assert response["Location"] == url
    html = client.get(url).text
    assert f'id="comment-{reply.pk}"' in html
    assert "Merci : votre commentaire est publié." in html


def test_a_shown_comment_redirects_to_the_last_page(
    client, article, conversations, post_moderation
):
    response = post_from(client, article, 2)
    comment = Comment.objects.get(email="camille@example.org")
    assert response["Location"] == (
        f"{article.get_absolute_url()}?commentaires=3#comment-{comment.pk}"
    )
    assert page_of(comment) == 3
    CommentFactory(article=article)
    assert page_of(CommentFactory(article=article)) == 4


def test_a_reply_on_the_first_page_redirects_to_the_article_address(
    client, article, conversations, post_moderation
):
    roots, _ = conversations
    response = post_from(client, article, None, parent=roots[0].pk)
    reply = Comment.objects.get(parent=roots[0], email="camille@example.org")
    assert response["Location"] == f"{article.get_absolute_url()}#comment-{reply.pk}"


def test_a_held_reply_returns_to_the_page_it_was_sent_from(client, article, conversations):
    roots, _ = conversations
    response = post_from(client, article, 2, parent=roots[2].pk)
    assert Comment.objects.get(parent=roots[2], email="camille@example.org").status == "pending"
    assert response["Location"] == f"{article.get_absolute_url()}?commentaires=2#respond"
    trapped = post_from(client, article, 2, homepage="http://spam.example", text="Autre.")
    assert trapped["Location"] == response["Location"]


def test_a_refused_reply_shows_its_page_with_the_reply_form(client, article, conversations):
    roots, _ = conversations
    response = post_from(client, article, 3, parent=roots[4].pk, email="pas-une-adresse")
    assert response.status_code == 400
    assert comment_ids(response.text) == [roots[4].pk]
    assert "Répondre à Auteur 4" in response.text
    assert f'<input type="hidden" name="parent" value="{roots[4].pk}">' in response.text


def test_comment_form_on_a_cached_later_page_keeps_its_page(
    client, article, conversations, settings
):
    roots, _ = conversations
    settings.NEWSROOM = {**settings.NEWSROOM, "PAGE_CACHE_SECONDS": 300}
    cache.clear()
    first = page(client, article, 2, reply=roots[2].pk)
    second = page(client, article, 2, reply=roots[2].pk)
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    for response in (first, second):
        assert "Répondre à Auteur 2" in response.text
        assert "?commentaires=2#respond" in unescape(response.text)


# The query budget


def count_queries(client, article, number=None, **params) -> int:
    # Warm first: what the site keeps between requests (the navigation) is not the point.
    page(client, article, number, **params)
    with CaptureQueriesContext(connection) as ctx:
        response = page(client, article, number, **params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_article_page_queries_are_the_same_for_any_discussion_and_any_page(client):
    articles = {}
    for size in (0, 40, 200):
        articles[size] = ArticleFactory(tags=["Ville"])
        if size:
            build_discussion(articles[size], size)
    # A long conversation, capped on its page, whole in its own view.
    long = Comment.objects.filter(article=articles[200], parent=None).order_by("pk")[5]
    CommentFactory.create_batch(12, parent=long)
    first = Comment.objects.filter(article=articles[40], parent=None).order_by("pk")[1]
    counts = {
        "none": count_queries(client, articles[0]),
        "40": count_queries(client, articles[40]),
        "200": count_queries(client, articles[200]),
        "200, page 2": count_queries(client, articles[200], 2),
        "200, page 3": count_queries(client, articles[200], 3),
        "200, page 4": count_queries(client, articles[200], 4),
        "40, conversation": count_queries(client, articles[40], conversation=first.pk),
        "200, conversation": count_queries(client, articles[200], conversation=long.pk),
    }
    assert len(set(counts.values())) == 1, counts
    # The article with its section and comment count, bylines, tags, corrections, related
    # cards, the comments, the navigation and the moderation policy.
    assert counts["none"] <= 8, counts


def test_a_page_loads_only_its_own_conversations(article, two_per_page):
    build_discussion(article, 200)
    thread = load_thread(article, 3)
    assert [len(root.thread_replies) for root in thread.comments] == [1, 1]
    assert len(thread.by_id) == 4
    assert (thread.count, thread.page, thread.page_count) == (199, 3, 50)


# QuerySet methods


def test_thread_roots_are_top_level_comments_with_something_to_show(article):
    approved = CommentFactory(article=article)
    CommentFactory(parent=approved)
    removed_answered = CommentFactory(article=article)
    CommentFactory(parent=removed_answered)
    removed_answered.status = "removed"
    removed_answered.save()
    removed_alone = CommentFactory(article=article, status="removed")
    CommentFactory(parent=removed_alone, status="spam")
    CommentFactory(article=article, status="pending")
    CommentFactory(status="approved")  # another article
    assert list(article.comments.thread_roots()) == [approved, removed_answered]


def test_in_threads_takes_whole_conversations(article, settings):
    settings.NEWSROOM_COMMENTS = {**settings.NEWSROOM_COMMENTS, "THREAD_DEPTH": 3}
    first, second = CommentFactory(article=article), CommentFactory(article=article)
    reply = CommentFactory(parent=first)
    deeper = CommentFactory(parent=reply)
    CommentFactory(parent=second)
    roots = Comment.objects.filter(pk=first.pk).values("pk")
    assert set(article.comments.in_threads(roots)) == {first, reply, deeper}


# The conversation column


def test_every_reply_knows_its_conversation(article, settings):
    settings.NEWSROOM_COMMENTS = {**settings.NEWSROOM_COMMENTS, "THREAD_DEPTH": 3}
    root = CommentFactory(article=article)
    reply = CommentFactory(parent=root)
    deeper = CommentFactory(parent=reply)
    assert (root.thread_root, reply.thread_root, deeper.thread_root) == (None, root, root)
    deeper.status = "removed"
    deeper.save(update_fields=["status"])
    fresh = Comment.objects.get(pk=deeper.pk)
    fresh.save()  # a save without the parent at hand keeps the conversation
    assert Comment.objects.get(pk=deeper.pk).thread_root == root


def test_migration_fills_the_conversation_of_existing_replies(article):
    root = CommentFactory(article=article)
    reply = CommentFactory(parent=root)
    deeper = CommentFactory(parent=reply)
    other = CommentFactory(article=article)
    Comment.objects.update(thread_root=None)
    migration = importlib.import_module("comments.migrations.0002_comment_thread_root")
    migration.fill_thread_roots(apps, None)
    roots = dict(Comment.objects.values_list("pk", "thread_root"))
    assert roots == {root.pk: None, reply.pk: root.pk, deeper.pk: root.pk, other.pk: None}
