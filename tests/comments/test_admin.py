"""The moderation queue in the admin, its actions, their permission, and the policy page."""

from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments import services
from comments.models import Comment, ModerationPolicy
from tests.comments.factories import CommentFactory
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db
QUEUE = reverse("admin:comments_comment_changelist")


def run_action(client, action: str, comments) -> object:
    return client.post(
        QUEUE,
        {"action": action, ACTION_CHECKBOX_NAME: [c.pk for c in comments], "index": 0},
        follow=True,
    )


@pytest.fixture
def editor_without_moderation(client, django_user_model):
    user = django_user_model.objects.create_user("stagiaire", password="password", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="comments", codename__in=["view_comment", "change_comment"]
        )
    )
    client.force_login(user)
    return client


def test_queue_shows_pending_first_then_newest(admin_client):
    old_pending = CommentFactory(status="pending")
    approved = CommentFactory()
    new_pending = CommentFactory(status="pending")
    Comment.objects.filter(pk=old_pending.pk).update(created_at=timezone.now() - timedelta(days=1))
    response = admin_client.get(QUEUE)
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [new_pending, old_pending, approved]


def test_queue_shows_article_text_and_why_a_comment_was_held(admin_client):
    CommentFactory(
        status="pending",
        text="Achetez sur https://a.example https://b.example …",
        moderation_rule="links",
        moderation_detail="3 > 2",
        article=ArticleFactory(title="Budget municipal"),
    )
    html = admin_client.get(QUEUE).text
    assert "Budget municipal" in html
    assert "Achetez sur https://a.example" in html
    assert "Trop de liens : 3 &gt; 2" in html or "Trop de liens: 3 &gt; 2" in html


def test_queue_filters_and_search(admin_client):
    article = ArticleFactory(title="Le pont rouvre")
    CommentFactory.create_batch(2, article=article, status="pending")
    CommentFactory(status="spam", email="robot@spam.example", text="Casino")
    assert "Le pont rouvre (2)" in admin_client.get(QUEUE).text
    by_article = admin_client.get(QUEUE, {"article": article.pk}).context["cl"].result_list
    assert {c.article_id for c in by_article} == {article.pk} and len(by_article) == 2
    spam = admin_client.get(QUEUE, {"status__exact": "spam"}).context["cl"].result_list
    assert [c.email for c in spam] == ["robot@spam.example"]
    found = admin_client.get(QUEUE, {"q": "robot@spam"}).context["cl"].result_list
    assert [c.text for c in found] == ["Casino"]
    assert admin_client.get(QUEUE, {"article": "pas-un-nombre"}).status_code == 200


def test_comment_change_page_loads_and_comments_cannot_be_added(admin_client):
    comment = CommentFactory(moderation_rule="hold_word", moderation_detail="arnaque")
    response = admin_client.get(reverse("admin:comments_comment_change", args=[comment.pk]))
    assert response.status_code == 200
    assert "arnaque" in response.text
    assert admin_client.get(reverse("admin:comments_comment_add")).status_code == 403


def test_queue_queries_do_not_grow(admin_client):
    counts = []
    admin_client.get(QUEUE)  # the session's first admin page also reads the admin language
    for batch in (1, 20):
        CommentFactory.create_batch(batch, status="pending")
        with CaptureQueriesContext(connection) as ctx:
            assert admin_client.get(QUEUE).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize(
    ("action", "status"),
    [("approve", "approved"), ("mark_spam", "spam"), ("remove", "removed"), ("reject", "rejected")],
)
def test_moderator_actions_change_status_and_record_who(client, moderator, action, status):
    client.force_login(moderator)
    comments = CommentFactory.create_batch(2, status="pending")
    response = run_action(client, action, comments)
    assert response.status_code == 200
    for comment in comments:
        comment.refresh_from_db()
        assert comment.status == status
        assert comment.moderated_by == moderator and comment.moderated_at is not None
    assert "2 commentaires" in response.text


def test_approval_shows_on_the_article_page_at_once(client, moderator):
    comment = CommentFactory(status="pending", text="Bien vu.")
    url = comment.article.get_absolute_url()
    assert "Bien vu." not in client.get(url).text
    client.force_login(moderator)
    run_action(client, "approve", [comment])
    client.logout()
    assert "Bien vu." in client.get(url).text
    client.force_login(moderator)
    run_action(client, "remove", [comment])
    client.logout()
    assert "Bien vu." not in client.get(url).text


def test_actions_are_not_offered_without_the_moderate_permission(editor_without_moderation):
    CommentFactory(status="pending")
    html = editor_without_moderation.get(QUEUE).text
    assert 'value="approve"' not in html and 'value="mark_spam"' not in html


@pytest.mark.parametrize("action", ["approve", "mark_spam", "remove", "reject"])
def test_action_posted_directly_without_the_permission_changes_nothing(
    editor_without_moderation, action
):
    comment = CommentFactory(status="pending")
    response = run_action(editor_without_moderation, action, [comment])
    assert response.status_code in {200, 403}
    comment.refresh_from_db()
    assert comment.status == "pending" and comment.moderated_by is None


def test_services_refuse_a_user_without_the_permission(django_user_model):
    intern = django_user_model.objects.create_user("stagiaire", is_staff=True)
    comment = CommentFactory(status="pending")
    with pytest.raises(PermissionDenied):
        services.approve_comment(comment, moderator=intern)
    comment.refresh_from_db()
    assert comment.status == "pending"


def test_moderate_permission_has_the_agreed_name(moderator):
    assert moderator.has_perm("comments.moderate_comment")


def test_pending_counts_per_article_for_the_article_admin():
    busy, quiet = ArticleFactory(), ArticleFactory()
    CommentFactory.create_batch(3, article=busy, status="pending")
    CommentFactory(article=busy)
    counts = dict(
        Article.objects.with_pending_comment_counts().values_list("pk", "pending_comment_count")
    )
    assert counts == {busy.pk: 3, quiet.pk: 0}


def test_policy_page_starts_from_the_settings_and_stays_one_row(admin_client, settings):
    settings.NEWSROOM_COMMENTS = {**settings.NEWSROOM_COMMENTS, "MAX_LINKS": 4}
    listing = reverse("admin:comments_moderationpolicy_changelist")
    add = reverse("admin:comments_moderationpolicy_add")
    assert admin_client.get(listing)["Location"] == add
    form = admin_client.get(add).context["adminform"].form
    assert form.initial["max_links"] == 4 and form.initial["mode"] == "pre"
    response = admin_client.post(
        add,
        {
            "mode": "post",
            "auto_approve_known_emails": "on",
            "max_links": 1,
            "hold_words": "arnaque",
            "spam_words": "",
            "close_after_days": 14,
        },
    )
    assert response.status_code == 302
    policy = ModerationPolicy.load()
    assert (policy.pk, policy.mode, policy.max_links, policy.close_after_days) == (1, "post", 1, 14)
    change = reverse("admin:comments_moderationpolicy_change", args=[1])
    assert admin_client.get(listing)["Location"] == change
    assert admin_client.get(add).status_code == 403
    assert admin_client.get(change).status_code == 200
    assert (
        admin_client.get(reverse("admin:comments_moderationpolicy_delete", args=[1])).status_code
        == 403
    )
