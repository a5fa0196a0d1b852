"""Privacy commands: purge old IP data, erase or anonymise one reader's comments."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from comments.models import Comment
from tests.comments.factories import CommentFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def aged(comment: Comment, days: int) -> Comment:
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(days=days))
    return comment


def test_purge_clears_ip_data_past_retention_only():
    old = aged(CommentFactory(ip_hash="a" * 64), days=31)
    recent = aged(CommentFactory(ip_hash="b" * 64), days=29)
    output = run("purge_comment_ips")
    assert "1 comment(s) older than 30 day(s)" in output
    old.refresh_from_db(), recent.refresh_from_db()
    assert (old.ip_hash, recent.ip_hash) == ("", "b" * 64)
    assert Comment.objects.count() == 2


def test_purge_days_option():
    CommentFactory(ip_hash="a" * 64)
    assert "Cleared the IP data of 1 comment(s) older than 0 day(s)." in run(
        "purge_comment_ips", "--days", "0"
    )
    assert not Comment.objects.exclude(ip_hash="").exists()


@pytest.mark.parametrize("days", ["-1", "abc"])
def test_purge_refuses_bad_days(days):
    with pytest.raises(CommandError):
        call_command("purge_comment_ips", "--days", days)


def test_erase_deletes_unanswered_comments_and_tombstones_answered_ones(client, article):
    asked = CommentFactory(article=article, email="zoe@example.org", name="Zoé", text="Question ?")
    answer = CommentFactory(parent=asked, email="paul@example.org", text="Réponse de Paul.")
    alone = CommentFactory(article=article, email="zoe@example.org", text="Seule.")
    other = CommentFactory(article=article, email="paul@example.org", text="Autre.")

    output = run("erase_commenter", "ZOE@example.org")
    assert "Deleted 1 comment(s) of ZOE@example.org; 1 with replies left as tombstones." in output
    assert not Comment.objects.filter(pk=alone.pk).exists()
    asked.refresh_from_db()
    assert (asked.status, asked.name, asked.email, asked.text, asked.text_html) == (
        "removed",
        "",
        "",
        "",
        "",
    )
    assert set(Comment.objects.values_list("pk", flat=True)) == {asked.pk, answer.pk, other.pk}
    html = client.get(article.get_absolute_url()).text
    assert "Réponse de Paul." in html and "Autre." in html
    assert "Commentaire retiré par la modération." in html
    assert "Zoé" not in html and "Question ?" not in html


def test_erase_removes_a_readers_own_chain_of_replies(settings, article):
    settings.NEWSROOM_COMMENTS = {**settings.NEWSROOM_COMMENTS, "THREAD_DEPTH": 3}
    top = CommentFactory(article=article, email="zoe@example.org")
    middle = CommentFactory(parent=top, email="zoe@example.org")
    CommentFactory(parent=middle, email="zoe@example.org")
    assert "Deleted 3 comment(s)" in run("erase_commenter", "zoe@example.org")
    assert Comment.objects.count() == 0


def test_anonymise_keeps_texts_and_drops_personal_data(client, article):
    comment = CommentFactory(
        article=article,
        email="zoe@example.org",
        name="Zoé",
        website="https://zoe.example",
        ip_hash="c" * 64,
        text="Mon avis reste.",
    )
    assert "Anonymised 1 comment(s)" in run("erase_commenter", "zoe@example.org", "--anonymise")
    comment.refresh_from_db()
    assert (comment.name, comment.email, comment.website, comment.ip_hash) == ("", "", "", "")
    assert comment.status == "approved"
    html = client.get(article.get_absolute_url()).text
    assert "Mon avis reste." in html and "Anonyme" in html and "zoe.example" not in html


def test_erase_of_an_unknown_email_does_nothing():
    CommentFactory(email="paul@example.org")
    assert "Deleted 0 comment(s)" in run("erase_commenter", "personne@example.org")
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("email", ["pas-une-adresse", "", "a@b@c"])
def test_erase_refuses_what_is_not_an_email(email):
    CommentFactory(email="")
    with pytest.raises(CommandError, match="is not an email address"):
        call_command("erase_commenter", email)
    assert Comment.objects.count() == 1
