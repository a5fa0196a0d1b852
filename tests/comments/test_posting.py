"""Posting a comment: the happy path, and every hostile input with its safe outcome."""

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments.antispam import STAMP_SALT, issue_stamp
from comments.models import Comment, ModerationPolicy
from tests.comments.conftest import form_data
from tests.comments.factories import CommentFactory
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def post(client, article, **fields):
    return client.post(reverse("comments:post", args=[article.pk]), form_data(article, **fields))


def assert_refused(response, status, message):
    assert response.status_code == status
    assert message in response.text, response.text[-4000:]
    assert not Comment.objects.filter(email="camille@example.org").exists()


# The happy path


def test_new_comment_waits_for_moderation_then_redirects_with_a_notice(client, article):
    response = post(client, article)
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#respond"
    comment = Comment.objects.get()
    assert (comment.status, comment.moderation_rule) == ("pending", "pre_moderation")
    assert (comment.name, comment.email, comment.article) == (
        "Camille",
        "camille@example.org",
        article,
    )
    page = client.get(response["Location"]).text
    assert "Merci ! Votre commentaire apparaîtra dès qu’un modérateur l’aura validé." in page
    assert "Enfin une bonne nouvelle" not in page


def test_approved_comment_redirects_to_itself(client, article):
    CommentFactory(email="camille@example.org")  # a known reader
    response = post(client, article)
    comment = Comment.objects.get(article=article)
    assert comment.status == "approved"
    assert response["Location"] == f"{article.get_absolute_url()}#comment-{comment.pk}"
    page = client.get(response["Location"]).text
    assert "Merci : votre commentaire est publié." in page
    assert f'id="comment-{comment.pk}"' in page


def test_reply_to_an_approved_comment(client, article):
    parent = CommentFactory(article=article)
    assert post(client, article, parent=parent.pk).status_code == 302
    reply = Comment.objects.get(parent=parent)
    assert (reply.article, reply.depth) == (article, 1)


def test_email_is_stored_lowercase_and_never_shown(client, article):
    ModerationPolicy(**{**ModerationPolicy.defaults(), "mode": "post"}).save()
    post(client, article, email="  Camille@Example.ORG ")
    comment = Comment.objects.get()
    assert (comment.status, comment.email) == ("approved", "camille@example.org")
    assert "camille@example.org" not in client.get(article.get_absolute_url()).text.lower()


def test_ip_address_is_stored_only_as_a_keyed_hash(client, article):
    client.post(
        reverse("comments:post", args=[article.pk]), form_data(article), REMOTE_ADDR="203.0.113.9"
    )
    comment = Comment.objects.get()
    assert re.fullmatch(r"[0-9a-f]{64}", comment.ip_hash)
    assert "203.0.113" not in str(Comment.objects.values().get())


# Double submission


def test_replayed_form_creates_no_second_comment(client, article):
    data = form_data(article)
    url = reverse("comments:post", args=[article.pk])
    first = client.post(url, data)
    second = client.post(url, data)
    assert Comment.objects.count() == 1
    assert second.status_code == 302 and second["Location"] == first["Location"]


def test_replayed_form_with_other_text_creates_no_second_comment(client, article):
    data = form_data(article)
    url = reverse("comments:post", args=[article.pk])
    client.post(url, data)
    client.post(url, {**data, "text": "Et encore une chose."})
    assert Comment.objects.count() == 1


def test_stamp_is_bound_to_its_article(client, article):
    other = ArticleFactory()
    data = form_data(other)
    response = client.post(reverse("comments:post", args=[article.pk]), data)
    assert_refused(response, 400, "Ce formulaire n’a pas pu être vérifié")


def test_duplicate_text_from_the_same_email_is_refused(client, article):
    post(client, article)
    response = post(client, article)  # a fresh form, the same words
    assert response.status_code == 400
    assert "Vous avez déjà publié ce commentaire." in response.text
    assert Comment.objects.count() == 1


# Anti-spam


def test_honeypot_filled_is_dropped_quietly(client, article):
    response = post(client, article, homepage="http://spam.example")
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#respond"
    assert Comment.objects.count() == 0


def test_form_sent_in_under_two_seconds_is_refused_with_the_text_kept(client, article):
    response = post(client, article, age=0.5, text="Écrit très vite.")
    assert_refused(response, 400, "C’était très rapide.")
    assert "Écrit très vite.</textarea>" in response.text


def test_form_sent_after_two_seconds_is_accepted(client, article, move_time):
    data = form_data(article, age=0)
    move_time(seconds=3)
    response = client.post(reverse("comments:post", args=[article.pk]), data)
    assert response.status_code == 302


def test_form_older_than_a_day_is_refused_and_a_fresh_stamp_given(client, article):
    data = form_data(article, age=25 * 3600)
    response = client.post(reverse("comments:post", args=[article.pk]), data)
    assert_refused(response, 400, "Ce formulaire est trop ancien.")
    assert data["stamp"] not in response.text


@pytest.mark.parametrize(
    "stamp",
    [
        "",
        "nimportequoi",
        signing.dumps({"t": "x", "a": 1, "at": 0}, salt="other-salt"),
        signing.dumps({"t": "pas-un-uuid", "a": 1, "at": 0}, salt=STAMP_SALT),
        signing.dumps(["liste"], salt=STAMP_SALT),
    ],
)
def test_forged_or_missing_stamp_is_refused(client, article, stamp):
    response = post(client, article, stamp=stamp)
    if stamp:
        assert_refused(response, 400, "Ce formulaire n’a pas pu être vérifié")
    else:  # a shared page's form sent before its script brought the tokens
        assert_refused(response, 400, "Votre commentaire n’est pas encore envoyé")


def test_fifty_posts_in_a_minute_from_one_address_get_429(client, article, monkeypatch):
    # The limit counts in fixed windows: start the burst well inside one, so a
    # boundary falling during a slow run cannot hand out a fresh allowance half-way.
    # (The next window's start: the article, published now, is then a few minutes old.)
    window = settings.NEWSROOM_COMMENTS["RATE_LIMITS"]["ip"][1]
    next_window = (int(timezone.now().timestamp()) // window + 1) * window
    moment = datetime.fromtimestamp(next_window + 60, tz=UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    url = reverse("comments:post", args=[article.pk])
    statuses = [
        client.post(
            url, form_data(article, email=f"r{n}@example.org", text=f"Avis {n}")
        ).status_code
        for n in range(50)
    ]
    assert statuses[:10] == [302] * 10
    assert set(statuses[10:]) == {429}
    assert Comment.objects.count() == 10
    last = client.post(url, form_data(article, email="z@example.org", text="Un de plus"))
    assert int(last["Retry-After"]) > 0
    assert "Vous avez envoyé beaucoup de commentaires en peu de temps." in last.text
    assert "Un de plus</textarea>" in last.text


def test_other_addresses_are_not_limited_by_one_busy_address(client, article):
    url = reverse("comments:post", args=[article.pk])
    for n in range(12):
        client.post(url, form_data(article, email=f"r{n}@example.org", text=f"Avis {n}"))
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert other.post(url, form_data(article, text="Ailleurs")).status_code == 302


def test_one_email_is_limited_across_addresses(article):
    url = reverse("comments:post", args=[article.pk])
    statuses = [
        Client(REMOTE_ADDR=f"198.51.100.{n}")
        .post(url, form_data(article, text=f"Avis {n}"))
        .status_code
        for n in range(7)
    ]
    assert statuses == [302] * 5 + [429] * 2


# Hostile input, field by field


@pytest.mark.parametrize(
    "website",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "&#106;avascript:alert(1)",
        "jav&#x09;ascript:alert(1)",
        "ftp://example.org/",
        "http://",
        "http://[::1",
        '//evil.example/x" onmouseover="alert(1)',
    ],
)
def test_websites_other_than_http_are_refused(client, article, website):
    response = post(client, article, website=website)
    assert_refused(response, 400, "Saisissez une adresse web commençant par http:// ou https://.")


def test_website_without_scheme_becomes_https(client, article):
    post(client, article, website="exemple.fr")
    assert Comment.objects.get().website == "https://exemple.fr"


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(document.cookie)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">clic</a>',
        '<a href="JaVaScRiPt:alert(1)">clic</a> <a href="data:text/html;base64,PHNjcmlwdD4=">d</a>',
        "&#60;script&#62;alert(1)&#60;/script&#62; &#x6A;avascript:alert(1)",
        '"><svg onload=alert(1)>',
    ],
)
def test_html_in_the_text_is_shown_as_text(client, article, text):
    comment = CommentFactory(article=article, text=text)
    html = client.get(article.get_absolute_url()).text
    shown = html[html.index(f'<li class="comment" id="comment-{comment.pk}"') :]
    shown = shown[: shown.index("</li>")]
    assert set(re.findall(r"<([a-zA-Z]+)", shown)) <= {
        "li",
        "article",
        "p",
        "bdi",
        "a",
        "time",
        "div",
    }
    hrefs = re.findall(r'href="([^"]*)"', shown)
    assert all(href.startswith(("#", article.get_absolute_url())) for href in hrefs), hrefs


def test_html_posted_in_the_text_is_stored_as_typed_and_escaped(client, article):
    post(client, article, text="<script>alert(1)</script> <b>gras</b>")
    comment = Comment.objects.get()
    assert comment.text == "<script>alert(1)</script> <b>gras</b>"
    assert (
        comment.text_html == "<p>&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;gras&lt;/b&gt;</p>"
    )


def test_html_in_the_name_is_escaped(client, article):
    comment = CommentFactory(article=article, name="<b onmouseover=alert(1)>Zoé</b>")
    html = client.get(article.get_absolute_url()).text
    assert "&lt;b onmouseover=alert(1)&gt;Zoé&lt;/b&gt;" in html
    assert "<b onmouseover" not in html
    assert comment.pk


def test_one_megabyte_body_is_refused_with_its_length(client, article):
    response = post(client, article, text="a" * 1_000_000)
    assert_refused(
        response, 400, "Votre commentaire fait 1000000 caractères ; la limite est de 5000."
    )


def test_text_at_the_limit_is_accepted(client, article):
    assert post(client, article, text="é" * 5000).status_code == 302


@pytest.mark.parametrize("field", ["name", "text", "email", "website"])
def test_null_bytes_are_refused_with_a_message(client, article, field):
    response = post(client, article, **{field: "abc\x00def"})
    assert_refused(response, 400, "Le caractère nul n’est pas autorisé.")


def test_invalid_utf8_is_replaced_never_errors(client, article):
    fields = {k: v for k, v in form_data(article).items() if k not in {"name", "text"}}
    body = urlencode(fields).encode() + b"&name=Z%FF%FEo&text=caf%C3%A9%FF%C3"
    response = client.generic(
        "POST",
        reverse("comments:post", args=[article.pk]),
        body,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.name, comment.text) == ("Z\ufffd\ufffdo", "café\ufffd\ufffd")


def test_invalid_utf8_in_a_multipart_form_never_errors(client, article):
    boundary = "----newsroom"
    fields = {**form_data(article), "text": "caf"}
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'.encode()
        + value.encode()
        + (b"\xff\xfe" if key == "text" else b"")
        + b"\r\n"
        for key, value in fields.items()
    ]
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    response = client.generic(
        "POST",
        reverse("comments:post", args=[article.pk]),
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 302
    assert Comment.objects.get().text.startswith("caf")


def test_right_to_left_override_characters_are_stripped(client, article):
    post(
        client,
        article,
        name="Admin\u202egnp.exe",
        text="Bonjour \u202edlrow\u202c \u2066isolé\u2069",
    )
    comment = Comment.objects.get()
    assert comment.name == "Admingnp.exe"
    assert comment.text == "Bonjour dlrow isolé"


def test_overlong_fields_are_refused_never_errors(client, article):
    response = post(client, article, name="N" * 81, email="a" * 250 + "@example.org")
    assert response.status_code == 400
    assert Comment.objects.count() == 0


def test_name_made_only_of_invisible_characters_is_required(client, article):
    response = post(client, article, name="\u202e\u202d ")
    assert_refused(response, 400, "Ce champ est obligatoire.")


def test_arabic_and_hebrew_text_is_kept(client, article):
    post(client, article, name="ليلى", text="مرحبا بكم\nשלום")
    assert Comment.objects.get().text == "مرحبا بكم\nשלום"


# Where and to what one may reply


def test_forged_parent_from_another_article_is_refused(client, article):
    elsewhere = CommentFactory()
    response = post(client, article, parent=elsewhere.pk)
    assert_refused(
        response, 400, "Vous ne pouvez répondre qu’à un commentaire publié de cet article."
    )


@pytest.mark.parametrize("status", ["pending", "removed", "spam", "rejected"])
def test_reply_to_a_comment_that_is_not_shown_is_refused(client, article, status):
    parent = CommentFactory(article=article, status=status)
    response = post(client, article, parent=parent.pk)
    assert response.status_code == 400
    assert "Vous ne pouvez répondre qu’à un commentaire publié de cet article." in response.text
    assert not Comment.objects.filter(parent=parent).exists()


@pytest.mark.parametrize("parent", ["abc", "0", "-4", "99999999999999999999", "1.5"])
def test_nonsense_parent_is_refused(client, article, parent):
    response = post(client, article, parent=parent)
    assert_refused(
        response, 400, "Vous ne pouvez répondre qu’à un commentaire publié de cet article."
    )


def test_reply_deeper_than_the_thread_depth_is_refused(client, article):
    reply = CommentFactory(parent=CommentFactory(article=article))
    response = post(client, article, parent=reply.pk)
    assert response.status_code == 400
    assert "Cette conversation ne peut pas aller plus loin" in response.text
    assert not Comment.objects.filter(parent=reply).exists()


@pytest.mark.parametrize(
    "state",
    [
        {"status": Article.Status.DRAFT},
        {"status": Article.Status.REVIEW},
        {"published_at_in": timedelta(hours=2)},
    ],
    ids=["draft", "review", "scheduled"],
)
def test_posting_to_an_article_readers_cannot_see_is_404(client, state):
    state = dict(state)
    if delta := state.pop("published_at_in", None):
        state["published_at"] = timezone.now() + delta
    hidden = ArticleFactory(**state)
    response = post(client, hidden)
    assert response.status_code == 404
    assert Comment.objects.count() == 0


def test_posting_to_an_unknown_article_is_404(client, article):
    url = reverse("comments:post", args=[article.pk + 1000])
    assert client.post(url, form_data(article)).status_code == 404


def test_posting_to_a_closed_article_is_403(client, article):
    article.comments_open = False
    article.save()
    response = post(client, article)
    assert_refused(response, 403, "Les commentaires sont fermés sur cet article.")


def test_posting_after_the_policy_day_limit_is_403(client):
    old = ArticleFactory(published_at=timezone.now() - timedelta(days=31))
    response = post(client, old)
    assert_refused(response, 403, "Les commentaires sont fermés sur cet article.")


# CSRF


def test_post_without_csrf_token_comes_back_with_its_text_and_fresh_tokens():
    """A form from a cached page sent with no JavaScript: nothing is saved, nothing lost."""
    article = ArticleFactory()
    csrf_client = Client(enforce_csrf_checks=True)
    data = {**form_data(article), "stamp": ""}
    response = csrf_client.post(reverse("comments:post", args=[article.pk]), data)
    assert response.status_code == 400
    assert "Enfin une bonne nouvelle pour le quartier.</textarea>" in response.text
    assert "Votre commentaire n’est pas encore envoyé" in response.text
    assert re.search(r'name="csrfmiddlewaretoken" value="[^"]+"', response.text)
    assert re.search(r'name="stamp" value="[^"]+"', response.text)
    assert Comment.objects.count() == 0


def test_csrf_token_from_another_browser_is_refused():
    article = ArticleFactory()
    victim, attacker = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    token = victim.get(reverse("comments:tokens", args=[article.pk])).json()
    response = attacker.post(
        reverse("comments:post", args=[article.pk]), {**form_data(article), **token}
    )
    assert response.status_code == 400
    assert Comment.objects.count() == 0


def test_real_form_with_csrf_posts_once_even_when_replayed(move_time):
    article = ArticleFactory()
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(article.get_absolute_url()).text
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    assert hidden == {"csrfmiddlewaretoken": "", "stamp": ""}  # the page is shared
    tokens_url = re.search(r'data-tokens="([^"]+)"', page).group(1)
    hidden = browser.get(tokens_url).json()  # what the form's script does
    move_time(seconds=5)
    data = {**hidden, "name": "Jo", "email": "jo@example.org", "text": "Très juste."}
    url = reverse("comments:post", args=[article.pk])
    assert browser.post(url, data).status_code == 302
    assert browser.post(url, data).status_code == 302
    assert Comment.objects.count() == 1


def test_stamps_are_unique_per_rendered_form(article):
    assert issue_stamp(article.pk) != issue_stamp(article.pk)
