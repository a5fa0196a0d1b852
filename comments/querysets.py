"""What readers and moderators see of comments, as QuerySet methods."""

from __future__ import annotations

from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Value, When


class CommentQuerySet(models.QuerySet):
    def approved(self) -> CommentQuerySet:
        return self.filter(status="approved")

    def pending(self) -> CommentQuerySet:
        return self.filter(status="pending")

    def visible_in_thread(self) -> CommentQuerySet:
        """Approved comments, and hidden ones a later reply hangs from (shown as tombstones).

        A hidden comment whose replies are all hidden too is fetched but pruned by the thread.
        """
        answered = self.model.objects.filter(parent=OuterRef("pk")).exclude(status="pending")
        return self.filter(Q(status="approved") | (~Q(status="pending") & Exists(answered)))

    def for_thread(self) -> CommentQuerySet:
        """Oldest first, without the columns a page never prints (email, IP, raw text)."""
        return self.defer("email", "ip_hash", "text").order_by("created_at", "pk")

    def with_queue_rank(self) -> CommentQuerySet:
        """`queue_rank` is 0 for comments waiting for a moderator, 1 for the others."""
        return self.annotate(
            queue_rank=Case(When(status="pending", then=Value(0)), default=Value(1))
        )
