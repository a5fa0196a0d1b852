"""The on-save refresh as a task of Django's tasks framework (the django-tasks backport).

With no `TASKS` setting the backport runs tasks at once, in the same process (ImmediateBackend):
nothing else to run. A site that sets a queue backend gets the refresh off the request.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.db.models import Q
from django_tasks import task

logger = logging.getLogger(__name__)
_paused: ContextVar[bool] = ContextVar("related_refresh_paused", default=False)


@task()
def refresh_related(article_id: int) -> None:
    from articles.purges import article_key
    from pagecache import purge_on_commit

    from .store import refresh

    try:
        before = _lists_touching(article_id)
        refresh(article_id)
        after = _lists_touching(article_id)
        # The article pages whose "you might also like" list changed (bulk writes send no
        # signal). A list that lost the article because it was unpublished was already
        # purged with it: its page carries the article's key.
        changed = {
            owner for owner in before.keys() | after.keys() if before.get(owner) != after.get(owner)
        }
        purge_on_commit({article_key(owner) for owner in changed})
    except Exception:
        # The backend keeps the error on the task result; say it where people look, too.
        logger.exception("Refreshing related articles of article %s failed", article_id)
        raise


def _lists_touching(article_id: int) -> dict[int, tuple[int, ...]]:
    """Suggestion lists (owner -> related ids in order) that hold the article or are its own;
    every list while the corpus is small enough to be rebuilt whole on each save."""
    from .models import RelatedSuggestion
    from .store import SMALL_CORPUS

    rows = RelatedSuggestion.objects.order_by("article_id", "rank")
    if rows[: SMALL_CORPUS * 20].count() >= SMALL_CORPUS * 20:
        owners = rows.filter(related_id=article_id).values("article_id")
        rows = rows.filter(Q(article_id__in=owners) | Q(article_id=article_id))
    lists: dict[int, list[int]] = {}
    for owner, related in rows.values_list("article_id", "related_id"):
        lists.setdefault(owner, []).append(related)
    return {owner: tuple(related) for owner, related in lists.items()}


def article_saved(sender, instance, **kwargs) -> None:
    """post_save of Article (connected in articles.apps): its lists follow the save."""
    schedule_refresh(instance.pk)


def schedule_refresh(article_id: int) -> None:
    """Refresh the article's suggestions once the current transaction commits."""
    if not _paused.get():
        transaction.on_commit(lambda: refresh_related.enqueue(article_id))


@contextmanager
def paused() -> Iterator[None]:
    """Skip on-save refreshes (bulk imports); run `rebuild_related` afterwards."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)
