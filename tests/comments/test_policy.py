"""The moderation policy: which rule decides a new comment's status, and why it says so."""

import uuid
from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from comments import services
from comments.models import Comment, ModerationPolicy
from tests.comments.conftest import form_data
from tests.comments.factories import CommentFactory
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def set_policy(**changes) -> ModerationPolicy:
    policy = ModerationPolicy(**{**ModerationPolicy.defaults(), **changes})
    policy.save()
    return policy


def submit(article, **fields) -> Comment:
    values = {
        "name": "Camille",
        "email": "camille@example.org",
        "text": "Un avis mesuré.",
        "token": uuid.uuid4(),
        **fields,
    }
    return services.submit_comment(article=article, **values)


def explained(comment: Comment) -> tuple[str, str, str]:
    return comment.status, comment.moderation_rule, comment.moderation_detail


def test_pre_moderation_is_the_default(article):
    assert explained(submit(article)) == ("pending", "pre_moderation", "")


def test_post_moderation_publishes_at_once(article):
    set_policy(mode="post")
    assert explained(submit(article)) == ("approved", "post_moderation", "")


def test_settings_give_the_defaults_until_an_editor_saves_the_policy(article, settings):
    settings.NEWSROOM_COMMENTS = {**settings.NEWSROOM_COMMENTS, "MODERATION": "post"}
    assert not ModerationPolicy.objects.exists()
    assert submit(article).status == "approved"
    set_policy(mode="pre")
    assert submit(article, email="autre@example.org").status == "pending"


def test_known_email_is_approved(article):
    CommentFactory(email="camille@example.org")
    assert explained(submit(article, email="Camille@Example.org")) == (
        "approved",
        "known_email",
        "",
    )


def test_email_known_only_for_pending_or_spam_is_not_approved(article):
    CommentFactory(email="camille@example.org", status="pending")
    CommentFactory(email="camille@example.org", status="spam")
    assert submit(article).status == "pending"


def test_known_email_rule_can_be_switched_off(article):
    set_policy(auto_approve_known_emails=False)
    CommentFactory(email="camille@example.org")
    assert submit(article).status == "pending"


def test_more_links_than_allowed_are_held_even_in_post_moderation(article):
    set_policy(mode="post")
    text = "Voir https://www.a.example, www.b.example et http://c.example/page (d.example)."
    assert explained(submit(article, text=text)) == ("pending", "links", "3 > 2")


def test_links_up_to_the_limit_pass(article):
    set_policy(mode="post")
    assert submit(article, text="Voir https://a.example et https://b.example").status == "approved"


def test_links_held_before_a_known_email_is_trusted(article):
    CommentFactory(email="camille@example.org")
    text = "https://a.example https://b.example https://c.example"
    assert explained(submit(article, text=text))[:2] == ("pending", "links")


def test_hold_word_holds_and_names_the_word(article):
    set_policy(mode="post", hold_words="arnaque\nbon plan")
    comment = submit(article, text="Un vrai BON PLAN pour tous.")
    assert explained(comment) == ("pending", "hold_word", "bon plan")


def test_words_match_whole_words_only(article):
    set_policy(mode="post", hold_words="plan")
    assert submit(article, text="Un planning serré.").status == "approved"


def test_spam_word_marks_spam_in_name_website_or_text(article):
    set_policy(spam_words="casino")
    assert explained(submit(article, name="Casino Royal")) == ("spam", "spam_word", "casino")
    assert submit(article, website="https://casino.example", text="b").status == "spam"
    assert submit(article, text="Le casino en ligne !").status == "spam"


def test_spam_word_wins_over_a_known_email(article):
    set_policy(spam_words="casino")
    CommentFactory(email="camille@example.org")
    assert submit(article, text="casino").status == "spam"


def test_staff_comments_are_approved(article, admin_user):
    set_policy(spam_words="casino")
    comment = submit(article, text="Rappel : pas de casino ici.", user=admin_user)
    assert explained(comment) == ("approved", "staff", "")
    assert comment.user == admin_user


def test_signed_in_staff_member_posting_through_the_site_is_approved(admin_client, article):
    response = admin_client.post(reverse("comments:post", args=[article.pk]), form_data(article))
    comment = Comment.objects.get()
    assert comment.status == "approved"
    assert response["Location"].endswith(f"#comment-{comment.pk}")


def test_spam_gets_the_same_answer_as_a_held_comment(client, article):
    set_policy(spam_words="casino")
    response = client.post(
        reverse("comments:post", args=[article.pk]), form_data(article, text="casino")
    )
    assert response["Location"] == f"{article.get_absolute_url()}#respond"
    assert Comment.objects.get().status == "spam"


def test_comments_close_after_the_policy_days(article):
    article.published_at = timezone.now() - timedelta(days=10)
    policy = set_policy(close_after_days=30)
    assert policy.accepts_comments_on(article)
    policy.close_after_days = 7
    assert not policy.accepts_comments_on(article)
    policy.close_after_days = 0
    assert policy.accepts_comments_on(article)


def test_article_flag_closes_comments_whatever_the_policy(article):
    article.comments_open = False
    assert not set_policy(close_after_days=0).accepts_comments_on(article)


def test_closed_article_refuses_submissions(article):
    article.comments_open = False
    article.save()
    with pytest.raises(ValidationError) as refusal:
        submit(article)
    assert refusal.value.code == "closed"


def test_policy_is_one_row(django_assert_num_queries):
    set_policy(max_links=5)
    set_policy(max_links=7)
    assert ModerationPolicy.objects.count() == 1
    with django_assert_num_queries(1):
        assert ModerationPolicy.load().max_links == 7


def test_unsaved_policy_comes_from_settings(settings):
    settings.NEWSROOM_COMMENTS = {
        **settings.NEWSROOM_COMMENTS,
        "MAX_LINKS": 4,
        "SPAM_WORDS": ["casino", "viagra"],
    }
    policy = ModerationPolicy.load()
    assert policy.pk == 1 and policy._state.adding
    assert (policy.max_links, policy.spam_word_list) == (4, ["casino", "viagra"])


def test_same_token_returns_the_first_comment(article):
    token = uuid.uuid4()
    first = submit(article, token=token)
    again = submit(article, token=token, text="Texte modifié.")
    assert again == first
    assert Comment.objects.count() == 1


def test_token_race_lost_at_the_database_returns_the_winner(article):
    """The early check missed the other request's row; the unique constraint catches it."""
    token = uuid.uuid4()
    winner = submit(article, token=token)
    real = services.received_comment
    calls = iter([None])  # the first lookup misses, as if the winner had not committed yet
    with mock.patch.object(
        services, "received_comment", side_effect=lambda t: next(calls, real(t))
    ):
        again = submit(article, token=token, text="Un second clic, un autre texte.")
    assert again == winner
    assert Comment.objects.count() == 1


def test_duplicate_text_is_refused_for_the_same_email_only(article):
    submit(article, text="Bravo.")
    with pytest.raises(ValidationError) as refusal:
        submit(article, text="Bravo.", email="CAMILLE@example.org")
    assert refusal.value.code == "duplicate"
    assert submit(article, text="Bravo.", email="autre@example.org").pk


def test_other_articles_counts_are_unaffected(article):
    other = ArticleFactory()
    submit(article, email="a@example.org")
    set_policy(mode="post")
    submit(other, email="b@example.org")
    assert other.comments.approved().count() == 1
    assert article.comments.approved().count() == 0


def test_a_saved_policy_reaches_article_pages_at_once(client, django_capture_on_commit_callbacks):
    """Article pages read the policy from the cache; saving it empties that entry."""
    from comments.threads import reader_policy

    article = ArticleFactory(published_at=timezone.now() - timedelta(days=10))
    assert reader_policy().accepts_comments_on(article)  # cached: comments open
    with django_capture_on_commit_callbacks(execute=True):
        ModerationPolicy.objects.create(**{**ModerationPolicy.defaults(), "close_after_days": 3})
    assert not reader_policy().accepts_comments_on(article)
    assert "Laisser un commentaire" not in client.get(article.get_absolute_url()).text
