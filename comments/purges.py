"""Which cached pages a comment write touches (see pagecache and articles.purges).

Only what readers see: an approved comment, or one that stops being approved (removed,
marked spam, deleted), purges its article's pages (`comments-<article id>`, carried by
every page of that article's comments) and nothing else. A comment waiting for
moderation, held or caught as spam purges nothing, so no reader's post can empty a
cache. Comment counts on other pages' cards catch up when those pages expire
(`PAGE_CACHE_SECONDS`).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save

from pagecache import purge_on_commit

from .models import Comment, ModerationPolicy
from .threads import POLICY_CACHE_KEY

# On every article page: the policy opens and closes every comment form.
POLICY = "comment-policy"
_BEFORE = "_purge_status_before"


def comments_key(article_id: int) -> str:
    return f"comments-{article_id}"


def purge_discussions(article_ids: Iterable[int]) -> None:
    """For writes that bypass signals (queryset updates): these articles' comment pages."""
    purge_on_commit({comments_key(pk) for pk in article_ids})


def _remember(sender, instance: Comment, raw=False, **kwargs) -> None:
    before = None
    if instance.pk is not None and not raw:
        before = Comment.objects.filter(pk=instance.pk).values_list("status", flat=True).first()
    setattr(instance, _BEFORE, before)


def _saved(sender, instance: Comment, raw=False, **kwargs) -> None:
    shown = Comment.Status.APPROVED
    if not raw and shown in {instance.status, getattr(instance, _BEFORE, None)}:
        purge_on_commit({comments_key(instance.article_id)})


def _deleted(sender, instance: Comment, **kwargs) -> None:
    if instance.status == Comment.Status.APPROVED:
        purge_on_commit({comments_key(instance.article_id)})


def _policy_changed(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        transaction.on_commit(lambda: cache.delete(POLICY_CACHE_KEY))
        purge_on_commit({POLICY})


def connect() -> None:
    uid = "comments.purges"
    pre_save.connect(_remember, sender=Comment, dispatch_uid=f"{uid}.before")
    post_save.connect(_saved, sender=Comment, dispatch_uid=f"{uid}.saved")
    post_delete.connect(_deleted, sender=Comment, dispatch_uid=f"{uid}.deleted")
    post_save.connect(_policy_changed, sender=ModerationPolicy, dispatch_uid=f"{uid}.policy")
