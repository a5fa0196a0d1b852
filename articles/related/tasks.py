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
from django_tasks import task

logger = logging.getLogger(__name__)
_paused: ContextVar[bool] = ContextVar("related_refresh_paused", default=False)


@task()
def refresh_related(article_id: int) -> None:
    from ..models import Article
    from ..pagecache import content_changed
    from .store import refresh

    try:
        refresh(article_id)
        # Other articles' "you might also like" lists changed after the save's own commit;
        # a draft or an article in review is in no list.
        if Article.objects.filter(pk=article_id).exclude(status__in=["draft", "review"]).exists():
            content_changed()
    except Exception:
        # The backend keeps the error on the task result; say it where people look, too.
        logger.exception("Refreshing related articles of article %s failed", article_id)
        raise


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
