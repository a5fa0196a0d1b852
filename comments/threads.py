"""An article's discussion as a tree, from one query."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from articles.models import Article

from .models import Comment, ModerationPolicy


@dataclass
class Thread:
    comments: list[Comment]
    """Top-level comments; each has `thread_replies` (its shown replies) and `can_reply`."""
    count: int
    is_open: bool
    by_id: dict[int, Comment]

    def reply_target(self, pk: object) -> Comment | None:
        """The comment a reader may reply to, from an untrusted id (a query parameter)."""
        try:
            comment = self.by_id.get(int(pk))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return None
        return comment if comment is not None and comment.can_reply else None


def _prune(nodes: list[Comment]) -> list[Comment]:
    """Drop hidden comments that no shown reply hangs from."""
    kept = []
    for node in nodes:
        node.thread_replies = _prune(node.thread_replies)
        if node.is_approved or node.thread_replies:
            kept.append(node)
    return kept


def load_thread(article: Article) -> Thread:
    """Approved comments in reply order, tombstones where a hidden comment has replies."""
    is_open = ModerationPolicy.load().accepts_comments_on(article)
    max_depth = settings.NEWSROOM_COMMENTS["THREAD_DEPTH"]
    rows = list(article.comments.visible_in_thread().for_thread())
    by_id = {comment.pk: comment for comment in rows}
    roots: list[Comment] = []
    for comment in rows:
        comment.thread_replies = []
        comment.can_reply = is_open and comment.is_approved and comment.depth + 1 < max_depth
    for comment in rows:
        parent = by_id.get(comment.parent_id)
        (parent.thread_replies if parent else roots).append(comment)
    return Thread(
        comments=_prune(roots),
        count=sum(comment.is_approved for comment in rows),
        is_open=is_open,
        by_id=by_id,
    )
