"""What readers see of a discussion: the thread, tombstones, counts, and its query budget."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.sanitize import render_comment_text
from comments.models import Comment
from comments.threads import load_thread
from tests.comments.factories import CommentFactory
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


def comment_ids(html: str) -> list[int]:
    import re

    return [int(pk) for pk in re.findall(r'<li class="comment[^"]*" id="comment-(\d+)"', html)]


def test_readers_see_approved_comments_only(client, article):
    shown = CommentFactory(article=article, text="Publié.")
    for status in ["pending", "rejected", "spam", "removed"]:
        CommentFactory(article=article, status=status, text=f"Caché {status}.")
    CommentFactory(text="Un autre article.")
    html = client.get(article.get_absolute_url()).text
    assert comment_ids(html) == [shown.pk]
    assert "Caché" not in html and "Un autre article." not in html


def test_replies_nest_under_their_comment_oldest_first(client, article):
    first = CommentFactory(article=article)
    second = CommentFactory(article=article)
    reply = CommentFactory(parent=first)
    thread = load_thread(article)
    assert thread.comments == [first, second]
    assert thread.comments[0].thread_replies == [reply]
    assert thread.count == 3
    html = client.get(article.get_absolute_url()).text
    assert comment_ids(html) == [first.pk, reply.pk, second.pk]
    assert html.index("comment-list--replies") > html.index(f'id="comment-{first.pk}"')


@pytest.mark.parametrize("status", ["removed", "spam", "rejected"])
def test_a_hidden_comment_with_replies_leaves_a_tombstone(client, article, status):
    parent = CommentFactory(article=article, text="Propos déplacés.", name="Troll")
    reply = CommentFactory(parent=parent, text="Une réponse sensée.")
    parent.status = status
    parent.save()
    html = client.get(article.get_absolute_url()).text
    assert comment_ids(html) == [parent.pk, reply.pk]
    assert "Commentaire retiré par la modération." in html
    assert "Propos déplacés." not in html and "Troll" not in html
    assert "Une réponse sensée." in html


def test_a_hidden_comment_without_shown_replies_leaves_nothing(client, article):
    parent = CommentFactory(article=article, status="removed")
    CommentFactory(parent=parent, status="spam")
    html = client.get(article.get_absolute_url()).text
    assert comment_ids(html) == []
    assert "retiré" not in html


def test_reply_links_stop_at_the_thread_depth(client, article, settings):
    top = CommentFactory(article=article)
    reply = CommentFactory(parent=top)
    html = client.get(article.get_absolute_url()).text
    assert f"?reply={top.pk}#respond" in html
    assert f"?reply={reply.pk}#respond" not in html

    settings.NEWSROOM_COMMENTS = {**settings.NEWSROOM_COMMENTS, "THREAD_DEPTH": 3}
    assert f"?reply={reply.pk}#respond" in client.get(article.get_absolute_url()).text


def test_reply_parameter_prepares_the_form(client, article):
    top = CommentFactory(article=article, name="Inès")
    html = client.get(article.get_absolute_url(), {"reply": top.pk}).text
    assert "Répondre à Inès" in html
    assert f'<input type="hidden" name="parent" value="{top.pk}">' in html


@pytest.mark.parametrize("value", ["abc", "999999", "-1", "1e9", ""])
def test_bad_reply_parameters_are_ignored(client, article, value):
    CommentFactory(article=article, status="pending")
    response = client.get(article.get_absolute_url(), {"reply": value})
    assert response.status_code == 200
    assert 'name="parent"' not in response.text


def test_reply_parameter_to_a_pending_comment_is_ignored(client, article):
    pending = CommentFactory(article=article, status="pending")
    html = client.get(article.get_absolute_url(), {"reply": pending.pk}).text
    assert 'name="parent"' not in html


def test_comment_text_is_plain_text_with_paragraphs_and_safe_links(client, article):
    CommentFactory(
        article=article,
        name='<img src=x onerror="alert(1)">',
        website="https://exemple.fr/blog",
        text="<script>alert('x')</script>\nLigne deux\n\nVoir https://exemple.fr/a?b=1 "
        'et javascript:alert(1) <a href="javascript:alert(2)">clic</a>',
    )
    html = client.get(article.get_absolute_url()).text
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;<br>Ligne deux</p><p>" in html or (
        "&lt;script&gt;" in html and "<br>Ligne deux</p><p>" in html
    )
    assert '<a href="https://exemple.fr/a?b=1" rel="nofollow ugc noopener">' in html
    assert 'href="javascript:' not in html
    assert '<a href="https://exemple.fr/blog" rel="nofollow ugc noopener">&lt;img' in html


def test_counts_show_on_the_article_page_and_in_lists(client):
    section = SectionFactory()
    article = ArticleFactory(section=section)
    ArticleFactory(section=section, title="Sans commentaire")
    CommentFactory.create_batch(3, article=article)
    CommentFactory(article=article, status="pending")
    page = client.get(article.get_absolute_url()).text
    assert '<a class="comment-count" href="#comments">3 commentaires</a>' in page
    assert "3 commentaires</h2>" in page
    listing = client.get(section.get_absolute_url())
    assert listing.text.count("3 commentaires") == 1
    assert {a.comment_count for a in listing.context["articles"]} == {3, 0}


def test_closed_article_shows_its_comments_without_form(client, article):
    CommentFactory(article=article, text="Avant la fermeture.")
    article.comments_open = False
    article.save()
    html = client.get(article.get_absolute_url()).text
    assert "Avant la fermeture." in html
    assert "Les commentaires sont fermés" in html
    assert 'action="/commentaires/' not in html and "?reply=" not in html


def build_discussion(article, count: int) -> None:
    """`count` approved comments in threads: roots with a reply each, and a tombstone."""
    roots = Comment.objects.bulk_create(
        Comment(
            article=article,
            name=f"L{n}",
            email=f"l{n}@example.org",
            text=f"Avis {n}",
            text_html=render_comment_text(f"Avis {n} https://exemple.fr"),
            status="approved",
        )
        for n in range((count + 1) // 2)
    )
    roots[0].status = "removed"
    roots[0].save()
    Comment.objects.bulk_create(
        Comment(
            article=article,
            parent=root,
            thread_root=root,  # bulk_create skips save(), which keeps it
            depth=1,
            name="R",
            email="r@example.org",
            text=f"Réponse {n}",
            text_html=f"<p>Réponse {n}</p>",
            status="approved",
        )
        for n, root in enumerate(roots[: count // 2])
    )


def count_article_queries(client, article) -> tuple[int, str]:
    """Queries of a page render (the page cache is off in tests)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return len(ctx.captured_queries), response.text


def test_article_page_queries_do_not_grow_with_comments(client):
    small = ArticleFactory(tags=["Ville"])
    CommentFactory(article=small)
    large = ArticleFactory(tags=["Ville"])
    build_discussion(large, 500)

    client.get(small.get_absolute_url())  # the moderation policy's cache entry, once per site
    few, _ = count_article_queries(client, small)
    many, html = count_article_queries(client, large)
    assert few == many
    assert many <= 7
    # The first page: 30 conversations of a comment and its reply (a tombstone first).
    assert len(comment_ids(html)) == 60
    assert "499 commentaires</h2>" in html


def test_listing_queries_do_not_grow_with_comments(client):
    section = SectionFactory()
    url = section.get_absolute_url()
    ArticleFactory(section=section)
    client.get(url)  # the section navigation, kept until a purge
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for article in ArticleFactory.create_batch(10, section=section):
        build_discussion(article, 6)
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).text
    assert len(few.captured_queries) == len(many.captured_queries)
    assert html.count("5 commentaires") == 10


def test_post_url_rejects_get(client, article):
    assert client.get(reverse("comments:post", args=[article.pk])).status_code == 405


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("Un\ndeux\n\n\ntrois", "<p>Un<br>deux</p><p>trois</p>"),
        ("<b>gras</b> & 'cité'", "<p>&lt;b&gt;gras&lt;/b&gt; &amp; &#x27;cité&#x27;</p>"),
        (
            "Lire https://exemple.fr/a?b=1&c=2.",
            '<p>Lire <a href="https://exemple.fr/a?b=1&amp;c=2" rel="nofollow ugc noopener">'
            "https://exemple.fr/a?b=1&amp;c=2</a>.</p>",
        ),
        ("javascript:alert(1) data:text/html,x mailto:a@b.fr", None),
        ("", ""),
    ],
)
def test_render_comment_text(text, html):
    rendered = render_comment_text(text)
    if html is None:
        assert "<a" not in rendered
    else:
        assert rendered == html
