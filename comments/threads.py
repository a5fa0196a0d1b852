"""An article's discussion as a tree, one page of conversations at a time, from one query."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Subquery

from articles.models import Article
from articles.pagecache import per_generation

from .models import Comment, ModerationPolicy

# `?commentaires=2` in every language: one address per page, whatever the reader's language.
PAGE_PARAM = "commentaires"
# Digits only, no sign and no leading zero (one address per page), and few enough of them
# for any database's OFFSET.
_PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,5}")


def page_number(value: str | None) -> int | None:
    """The comment page a query parameter asks for: 1 when absent, None when it names none."""
    if value is None:
        return 1
    return int(value) if _PAGE_NUMBER.fullmatch(value) else None


def page_url(article_url: str, page: int) -> str:
    """The address of a comment page; the first is the article's own address."""
    return f"{article_url}?{PAGE_PARAM}={page}" if page > 1 else article_url


@dataclass
class Thread:
    comments: list[Comment]
    """This page's top-level comments; each has `thread_replies` (its shown replies) and
    `can_reply`."""
    count: int
    """Approved comments of the article, on every page."""
    is_open: bool
    by_id: dict[int, Comment]
    page: int = 1
    page_count: int = 1
    article_url: str = ""

    @property
    def exists(self) -> bool:
        """False for a page number past the last page."""
        return self.page <= self.page_count

    @property
    def url(self) -> str:
        return page_url(self.article_url, self.page)

    @property
    def previous_url(self) -> str | None:
        return page_url(self.article_url, self.page - 1) if self.page > 1 else None

    @property
    def next_url(self) -> str | None:
        return page_url(self.article_url, self.page + 1) if self.page < self.page_count else None

    @property
    def reply_url(self) -> str:
        """This page's address ending in `reply=`: a reply link adds the comment's id."""
        return f"{self.url}{'&' if self.page > 1 else '?'}reply="

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


@per_generation
def reader_policy() -> ModerationPolicy:
    """The policy as article pages apply it, read once per cache generation (saving the
    policy moves the generation). Posting reads it afresh (services.post_comment)."""
    return ModerationPolicy.load()


def _total(comments: QuerySet) -> Subquery:
    """How many rows `comments` has, as a scalar subquery (the database runs it once)."""
    return Subquery(
        comments.order_by().values("article").annotate(total=Count("pk")).values("total")
    )


def load_thread(article: Article, page: int = 1) -> Thread:
    """One page of conversations: approved comments in reply order, tombstones where a
    hidden comment has replies.

    At most one query for the comments, whatever the page and the size of the discussion:
    the page's top-level comments are a sliced subquery, their conversations come through
    `thread_root`, and every row carries the totals the heading and the navigation need.
    When the article's approved comments are already counted (`with_comment_counts`), a
    discussion that fits on one page is read with a plain query (the paginated one took
    about 5 ms of ORM compilation).
    """
    is_open = reader_policy().accepts_comments_on(article)
    conf = settings.NEWSROOM_COMMENTS
    max_depth, per_page = conf["THREAD_DEPTH"], conf["THREADS_PER_PAGE"]
    counted = getattr(article, "comment_count", None)
    rows: list[Comment] = []
    root_total = 0
    if counted is not None and counted <= per_page:
        # Every shown conversation starts with an approved comment or has one (a tombstone's
        # reply), so there are at most `counted` of them: one page, a plain query (run even
        # when there is none, so that the page's query count never depends on the data).
        if page == 1:
            rows = list(article.comments.visible_in_thread().for_thread())
            root_total = 1
    else:
        roots = article.comments.thread_roots()
        start = (page - 1) * per_page
        totals = {"root_total": _total(roots)}
        if counted is None:
            totals["approved_total"] = _total(article.comments.approved())
        rows = list(
            article.comments.visible_in_thread()
            .in_threads(roots.values("pk")[start : start + per_page])
            .annotate(**totals)
            .for_thread()
        )
        root_total = rows[0].root_total if rows else 0
    by_id = {comment.pk: comment for comment in rows}
    page_roots: list[Comment] = []
    for comment in rows:
        comment.thread_replies = []
        comment.can_reply = is_open and comment.is_approved and comment.depth + 1 < max_depth
    for comment in rows:
        parent = by_id.get(comment.parent_id)
        # A reply whose parent is not shown (still pending) stands on its own, as before.
        (parent.thread_replies if parent else page_roots).append(comment)
    return Thread(
        comments=_prune(page_roots),
        count=counted if counted is not None else (rows[0].approved_total if rows else 0),
        is_open=is_open,
        by_id=by_id,
        page=page,
        page_count=max(1, math.ceil(root_total / per_page)),
        article_url=article.get_absolute_url(),
    )


def page_of(comment: Comment) -> int:
    """The comment page that shows `comment`'s conversation (for a shown comment)."""
    root = comment.thread_root if comment.thread_root_id else comment
    earlier = (
        Comment.objects.filter(article_id=comment.article_id)
        .thread_roots()
        .filter(Q(created_at__lt=root.created_at) | Q(created_at=root.created_at, pk__lt=root.pk))
        .count()
    )
    return earlier // settings.NEWSROOM_COMMENTS["THREADS_PER_PAGE"] + 1
