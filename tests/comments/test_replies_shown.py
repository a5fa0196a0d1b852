"""Long conversations: pages show their oldest replies, a link leads to the whole of them."""

import re
from html import unescape

import pytest
from django.core.cache import cache
from django.urls import reverse

from comments import threads
from comments.models import Comment
from comments.threads import load_conversation, load_thread
from tests.comments.conftest import form_data
from tests.comments.factories import CommentFactory
from tests.comments.test_thread import comment_ids
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[30, 2], ids=["one page", "paginated"])
def per_page(request, settings):
    """Both ways a page is read: the plain query of a short discussion, and pagination."""
    settings.NEWSROOM_COMMENTS = {**settings.NEWSROOM_COMMENTS, "THREADS_PER_PAGE": request.param}
    return request.param


@pytest.fixture
def discussion(article):
    """A conversation of seven replies, one of two, and one of exactly three."""
    long = CommentFactory(article=article, name="Alix")
    long_replies = [CommentFactory(parent=long, name=f"Réponse {n}") for n in range(7)]
    short = CommentFactory(article=article)
    short_replies = [CommentFactory(parent=short) for _ in range(2)]
    full = CommentFactory(article=article)
    full_replies = [CommentFactory(parent=full) for _ in range(3)]
    return {
        "long": (long, long_replies),
        "short": (short, short_replies),
        "full": (full, full_replies),
    }


def ids(root, replies):
    return [root.pk, *(reply.pk for reply in replies)]


def more_links(html: str) -> list[str]:
    return re.findall(r'<p class="comment__more">(.*?)</p>', html)


def conversation(client, article, pk, **params):
    return client.get(article.get_absolute_url(), {"conversation": pk, **params})


# Pages of comments


def test_a_page_shows_the_oldest_replies_of_each_conversation(
    client, article, discussion, per_page
):
    long, long_replies = discussion["long"]
    short, short_replies = discussion["short"]
    full, full_replies = discussion["full"]
    html = client.get(article.get_absolute_url()).text
    expected = ids(long, long_replies[:3]) + ids(short, short_replies)
    if per_page == 30:
        expected += ids(full, full_replies)
    assert comment_ids(html) == expected
    url = article.get_absolute_url()
    assert more_links(html) == [
        f'<a href="{url}?conversation={long.pk}#comment-{long.pk}">Voir les 4 autres réponses</a>'
    ]
    # Inside the conversation's item, after its replies.
    item = html[html.index(f'id="comment-{long.pk}"') : html.index(f'id="comment-{short.pk}"')]
    assert item.index("comment-list--replies") < item.index("comment__more")


def test_the_heading_still_counts_every_approved_comment(client, article, discussion, per_page):
    assert "15 commentaires</h2>" in client.get(article.get_absolute_url()).text


def test_one_reply_left_out_reads_in_the_singular(client, article, settings):
    settings.NEWSROOM_COMMENTS = {**settings.NEWSROOM_COMMENTS, "REPLIES_SHOWN": 2}
    root = CommentFactory(article=article)
    CommentFactory.create_batch(3, parent=root)
    url = article.get_absolute_url()
    assert ">Voir l’autre réponse</a>" in client.get(url).text
    assert ">Show 1 more reply</a>" in client.get(f"/en{url}").text
    CommentFactory(parent=root)
    assert ">Show 2 more replies</a>" in client.get(f"/en{url}").text


def test_the_setting_decides_how_many_replies_a_page_shows(client, article, settings):
    root = CommentFactory(article=article)
    replies = CommentFactory.create_batch(6, parent=root)
    settings.NEWSROOM_COMMENTS = {**settings.NEWSROOM_COMMENTS, "REPLIES_SHOWN": 5}
    html = client.get(article.get_absolute_url()).text
    assert comment_ids(html) == ids(root, replies[:5])
    assert "Voir l’autre réponse" in html


def test_load_thread_counts_what_it_leaves_out_without_an_annotated_article(article, discussion):
    long, long_replies = discussion["long"]
    thread = load_thread(article)  # no `comment_count`: the paginated query
    assert [len(root.thread_replies) for root in thread.comments] == [3, 2, 3]
    assert [root.more_replies for root in thread.comments] == [4, 0, 0]
    assert thread.comments[0].thread_replies == long_replies[:3]
    assert thread.count == 15
    assert set(thread.by_id) == {
        *ids(long, long_replies[:3]),
        *ids(*discussion["short"]),
        *ids(*discussion["full"]),
    }


def test_deeper_replies_follow_their_parent_into_the_shown_ones(client, article, settings):
    settings.NEWSROOM_COMMENTS = {**settings.NEWSROOM_COMMENTS, "THREAD_DEPTH": 3}
    root = CommentFactory(article=article)
    first = CommentFactory(parent=root)
    under_first = CommentFactory(parent=first)
    second = CommentFactory(parent=root)
    CommentFactory(parent=root)
    CommentFactory(parent=under_first.parent)
    [top] = load_thread(article).comments
    assert top == root
    assert top.thread_replies == [first, second]
    assert top.thread_replies[0].thread_replies == [under_first]
    assert top.more_replies == 2


def test_a_tombstone_conversation_is_capped_too(client, article):
    root = CommentFactory(article=article)
    replies = CommentFactory.create_batch(5, parent=root)
    root.status = "removed"
    root.save()
    html = client.get(article.get_absolute_url()).text
    assert comment_ids(html) == ids(root, replies[:3])
    assert "Voir les 2 autres réponses" in html
    assert comment_ids(conversation(client, article, root.pk).text) == ids(root, replies)


# The conversation view


def test_the_conversation_view_shows_every_reply_and_leads_back(
    client, article, discussion, per_page
):
    long, long_replies = discussion["long"]
    response = conversation(client, article, long.pk)
    assert response.status_code == 200
    html = response.text
    assert comment_ids(html) == ids(long, long_replies)
    assert more_links(html) == []
    assert "15 commentaires</h2>" in html
    url = article.get_absolute_url()
    assert f'<a href="{url}#comment-{long.pk}">Retour aux commentaires</a>' in html
    assert "Page 1 sur" not in html


def test_the_back_link_leads_to_the_page_of_the_conversation(client, article, discussion, settings):
    settings.NEWSROOM_COMMENTS = {**settings.NEWSROOM_COMMENTS, "THREADS_PER_PAGE": 2}
    full, full_replies = discussion["full"]
    html = conversation(client, article, full.pk).text
    assert comment_ids(html) == ids(full, full_replies)
    url = article.get_absolute_url()
    assert f'<a href="{url}?commentaires=2#comment-{full.pk}">Retour aux commentaires</a>' in html
    english = client.get(f"/en{url}", {"conversation": full.pk}).text
    assert (
        f'<a href="/en{url}?commentaires=2#comment-{full.pk}">Back to all comments</a>' in english
    )


def test_the_conversation_view_has_a_bound(client, article, monkeypatch):
    monkeypatch.setattr(threads, "CONVERSATION_REPLIES", 5)
    root = CommentFactory(article=article)
    replies = CommentFactory.create_batch(7, parent=root)
    assert comment_ids(conversation(client, article, root.pk).text) == ids(root, replies[:5])


def test_a_conversation_whose_top_comment_waits_can_be_viewed(client, article):
    root = CommentFactory(article=article)
    replies = CommentFactory.create_batch(5, parent=root)
    root.status = "pending"
    root.save()
    assert comment_ids(conversation(client, article, root.pk).text) == ids(root, replies)[1:]


@pytest.mark.parametrize(
    "value",
    ["abc", "0", "-1", "", "1.5", "+1", " 1", "01", "9" * 40, "99999999", "9" * 18, "１"],
)
def test_conversations_that_name_none_are_404(client, article, discussion, value):
    assert conversation(client, article, value).status_code == 404


@pytest.mark.parametrize("which", ["reply", "other article", "hidden", "pending alone"])
def test_conversations_readers_cannot_see_are_404(client, article, discussion, which):
    long, long_replies = discussion["long"]
    other = CommentFactory()
    hidden = CommentFactory(article=article, status="removed")
    CommentFactory(parent=hidden, status="spam")
    pending = CommentFactory(article=article, status="pending")
    pk = {
        "reply": long_replies[0].pk,
        "other article": other.pk,
        "hidden": hidden.pk,
        "pending alone": pending.pk,
    }[which]
    assert conversation(client, article, pk).status_code == 404
    assert (
        client.get(other.article.get_absolute_url(), {"conversation": other.pk}).status_code == 200
    )


def test_a_conversation_with_a_page_number_is_404(client, article, discussion):
    long, _ = discussion["long"]
    assert conversation(client, article, long.pk, commentaires=1).status_code == 404
    assert conversation(client, article, long.pk, commentaires=2).status_code == 404


# Replies


def test_reply_links_keep_the_conversation_view(client, article, discussion):
    long, _ = discussion["long"]
    html = conversation(client, article, long.pk).text
    url = article.get_absolute_url()
    assert f'href="{url}?conversation={long.pk}&amp;reply={long.pk}#respond"' in html
    assert f'href="{url}?reply={long.pk}#respond"' in client.get(url).text


def test_reply_targets_are_the_shown_comments(client, article, settings):
    settings.NEWSROOM_COMMENTS = {**settings.NEWSROOM_COMMENTS, "THREAD_DEPTH": 3}
    root = CommentFactory(article=article)
    replies = [CommentFactory(parent=root, name=f"Réponse {n}") for n in range(5)]
    url = article.get_absolute_url()
    shown = client.get(url, {"reply": replies[2].pk}).text
    assert "Répondre à Réponse 2" in shown
    assert f'<input type="hidden" name="parent" value="{replies[2].pk}">' in shown
    # Left out of the page: a plain form there, the reply form in the conversation view.
    assert 'name="parent"' not in client.get(url, {"reply": replies[4].pk}).text
    html = conversation(client, article, root.pk, reply=replies[4].pk).text
    assert "Répondre à Réponse 4" in html
    assert f'<input type="hidden" name="parent" value="{replies[4].pk}">' in html
    action = reverse("comments:post", args=[article.pk])
    assert f'action="{action}?conversation={root.pk}#respond"' in html
    assert f'<a href="{url}?conversation={root.pk}#respond">Annuler la réponse</a>' in html


def post_from(client, article, *, conversation=None, **fields):
    action = reverse("comments:post", args=[article.pk])
    if conversation:
        action += f"?conversation={conversation}"
    return client.post(action, form_data(article, **fields))


def test_a_reply_left_out_of_its_page_redirects_to_its_conversation(
    client, article, discussion, post_moderation
):
    long, _ = discussion["long"]
    response = post_from(client, article, parent=long.pk)
    reply = Comment.objects.get(parent=long, email="camille@example.org")
    url = f"{article.get_absolute_url()}?conversation={long.pk}#comment-{reply.pk}"
    assert response["Location"] == url
    html = client.get(url).text
    assert f'id="comment-{reply.pk}"' in html
    assert "Merci : votre commentaire est publié." in html


def test_a_reply_shown_on_its_page_redirects_to_the_page(
    client, article, discussion, post_moderation
):
    short, _ = discussion["short"]
    response = post_from(client, article, parent=short.pk)
    reply = Comment.objects.get(parent=short, email="camille@example.org")
    assert response["Location"] == f"{article.get_absolute_url()}#comment-{reply.pk}"
    assert f'id="comment-{reply.pk}"' in client.get(article.get_absolute_url()).text


def test_a_reply_sent_from_a_conversation_view_returns_there(
    client, article, discussion, post_moderation
):
    short, _ = discussion["short"]
    response = post_from(client, article, conversation=short.pk, parent=short.pk)
    reply = Comment.objects.get(parent=short, email="camille@example.org")
    assert response["Location"] == (
        f"{article.get_absolute_url()}?conversation={short.pk}#comment-{reply.pk}"
    )


def test_a_held_reply_returns_to_the_conversation_view(client, article, discussion):
    long, _ = discussion["long"]
    response = post_from(client, article, conversation=long.pk, parent=long.pk)
    assert Comment.objects.get(parent=long, email="camille@example.org").status == "pending"
    assert response["Location"] == f"{article.get_absolute_url()}?conversation={long.pk}#respond"


def test_a_refused_reply_shows_the_conversation_view_with_the_form(client, article, discussion):
    long, long_replies = discussion["long"]
    response = post_from(
        client, article, conversation=long.pk, parent=long.pk, email="pas-une-adresse"
    )
    assert response.status_code == 400
    assert comment_ids(response.text) == ids(long, long_replies)
    assert "Répondre à Alix" in response.text


# Caching


def test_a_cached_conversation_view_keeps_its_form(client, article, discussion, settings):
    long, _ = discussion["long"]
    settings.NEWSROOM = {**settings.NEWSROOM, "PAGE_CACHE_SECONDS": 300}
    cache.clear()
    first = conversation(client, article, long.pk, reply=long.pk)
    second = conversation(client, article, long.pk, reply=long.pk)
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    for response in (first, second):
        assert "Répondre à Alix" in response.text
        assert f"?conversation={long.pk}#respond" in unescape(response.text)


def test_load_conversation_needs_one_of_the_articles_conversations(article, discussion):
    long, long_replies = discussion["long"]
    thread = load_conversation(article, long.pk)
    assert thread.comments == [long] and thread.comments[0].thread_replies == long_replies
    assert (thread.conversation, thread.conversation_page) == (long.pk, 1)
    assert load_conversation(ArticleFactory(), long.pk) is None
    assert load_conversation(article, long_replies[0].pk) is None
