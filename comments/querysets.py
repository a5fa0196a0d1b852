"""What readers and moderators see of comments, as QuerySet methods."""

from __future__ import annotations

from django.db import models
from django.db.models import Case, Count, F, Q, Value, When, Window
from django.db.models.functions import Coalesce, RowNumber


class CommentQuerySet(models.QuerySet):
    def approved(self) -> CommentQuerySet:
        return self.filter(status="approved")

    def pending(self) -> CommentQuerySet:
        return self.filter(status="pending")

    def visible_in_thread(self) -> CommentQuerySet:
        """Approved comments, and hidden ones a later reply hangs from (shown as tombstones).

        A hidden comment whose replies are all hidden too is fetched but pruned by the thread.
        Replies are looked for among this queryset's own comments (an article's): the subquery
        stays on the article's index, where a correlated EXISTS beside the OR could make
        PostgreSQL hash every comment of the site.
        """
        answered = self.exclude(status="pending").values("parent")
        return self.filter(Q(status="approved") | (~Q(status="pending") & Q(pk__in=answered)))

    def thread_roots(self) -> CommentQuerySet:
        """Top-level comments with something to show, oldest first: what comment pages count.

        Approved, or hidden with an approved comment somewhere in their conversation (looked
        for among this queryset's own comments, as in `visible_in_thread`).
        """
        answered = self.filter(status="approved").values("thread_root")
        return (
            self.filter(parent=None)
            .filter(Q(status="approved") | Q(pk__in=answered))
            .order_by("created_at", "pk")
        )

    def in_threads(self, roots: models.QuerySet) -> CommentQuerySet:
        """The comments of the conversations started by `roots` (a queryset of ids)."""
        return self.filter(Q(pk__in=roots) | Q(thread_root__in=roots))

    def capped_conversations(self, replies: int) -> CommentQuerySet:
        """This queryset's first `1 + replies` comments of each conversation, oldest first
        (a parent comes before its replies), each with `conversation_size`: how many of the
        conversation's comments this queryset has.

        Window functions over this queryset's own rows: still one query, which the database
        wraps to filter on the rank.
        """
        conversation = Coalesce("thread_root", "pk")
        return self.annotate(
            conversation_rank=Window(
                RowNumber(),
                partition_by=[conversation],
                order_by=[F("created_at").asc(), F("pk").asc()],
            ),
            conversation_size=Window(Count("pk"), partition_by=[conversation]),
        ).filter(conversation_rank__lte=1 + replies)

    def for_thread(self) -> CommentQuerySet:
        """Oldest first, without the columns a page never prints (email, IP, raw text)."""
        return self.defer("email", "ip_hash", "text").order_by("created_at", "pk")

    def with_queue_rank(self) -> CommentQuerySet:
        """`queue_rank` is 0 for comments waiting for a moderator, 1 for the others."""
        return self.annotate(
            queue_rank=Case(When(status="pending", then=Value(0)), default=Value(1))
        )
