"""An article's discussion as a tree, one page of conversations at a time, from one query."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet, Subquery

from articles.models import Article

from .models import Comment, ModerationPolicy

# `?commentaires=2` in every language: one address per page, whatever the reader's language.
PAGE_PARAM = "commentaires"
# `?conversation=12`: one conversation, all its replies (pages show only the oldest few).
CONVERSATION_PARAM = "conversation"
# A bound on a conversation view's size, not a policy: few conversations come near it.
CONVERSATION_REPLIES = 500
# Digits only, no sign and no leading zero (one address per page), and few enough of them
# for any database's OFFSET.
_PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,5}")
# The same for comment ids, within a 64-bit integer.
_COMMENT_ID = re.compile(r"[1-9][0-9]{0,17}")


def page_number(value: str | None) -> int | None:
    """The comment page a query parameter asks for: 1 when absent, None when it names none."""
    if value is None:
        return 1
    return int(value) if _PAGE_NUMBER.fullmatch(value) else None


def conversation_id(value: str | None) -> int | None:
    """The comment id a `conversation` query parameter names, None when it names none."""
    return int(value) if value is not None and _COMMENT_ID.fullmatch(value) else None


def page_url(article_url: str, page: int) -> str:
    """The address of a comment page; the first is the article's own address."""
    return f"{article_url}?{PAGE_PARAM}={page}" if page > 1 else article_url


def conversation_url(article_url: str, conversation: int) -> str:
    """The address of a conversation view (`conversation`: its top-level comment's id)."""
    return f"{article_url}?{CONVERSATION_PARAM}={conversation}"


def thread_url(article_url: str, page: int, conversation: int | None = None) -> str:
    """The address of a page of comments, or of a conversation view when one is named."""
    return (
        conversation_url(article_url, conversation) if conversation else page_url(article_url, page)
    )


@dataclass
class Thread:
    comments: list[Comment]
    """This page's top-level comments; each has `thread_replies` (its shown replies),
    `can_reply` and `more_replies` (how many of its conversation's comments are not shown)."""
    count: int
    """Approved comments of the article, on every page."""
    is_open: bool
    by_id: dict[int, Comment]
    page: int = 1
    page_count: int = 1
    article_url: str = ""
    conversation: int | None = None
    """The conversation a conversation view shows; None on pages of comments."""
    conversation_page: int = 1
    """The page of comments that shows that conversation."""

    @property
    def exists(self) -> bool:
        """False for a page number past the last page."""
        return self.page <= self.page_count

    @property
    def url(self) -> str:
        return thread_url(self.article_url, self.page, self.conversation)

    @property
    def previous_url(self) -> str | None:
        return page_url(self.article_url, self.page - 1) if self.page > 1 else None

    @property
    def next_url(self) -> str | None:
        return page_url(self.article_url, self.page + 1) if self.page < self.page_count else None

    @property
    def back_url(self) -> str | None:
        """From a conversation view, its place on the page of comments that shows it."""
        if self.conversation is None:
            return None
        return f"{page_url(self.article_url, self.conversation_page)}#comment-{self.conversation}"

    @property
    def reply_url(self) -> str:
        """This page's address ending in `reply=`: a reply link adds the comment's id."""
        url = self.url
        return f"{url}{'&' if '?' in url else '?'}reply="

    @property
    def more_url(self) -> str:
        """A conversation view's address without the id: a "more replies" link adds it."""
        return f"{self.article_url}?{CONVERSATION_PARAM}="

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


POLICY_CACHE_KEY = "comments:moderation-policy"


def reader_policy() -> ModerationPolicy:
    """The policy as article pages apply it, from the cache every process shares (Redis in
    production): one row that changes a few times a year should not cost every article
    page a query. Saving it empties that entry and purges every article page, which
    carries the policy's key (comments/purges.py); the entry also expires with the pages."""
    return cache.get_or_set(
        POLICY_CACHE_KEY,
        ModerationPolicy.load,
        timeout=settings.NEWSROOM["PAGE_CACHE_SECONDS"] or 300,
    )


def _total(comments: QuerySet) -> Subquery:
    """How many rows `comments` has, as a scalar subquery (the database runs it once)."""
    return Subquery(
        comments.order_by().values("article").annotate(total=Count("pk")).values("total")
    )


def load_thread(article: Article, page: int = 1) -> Thread:
    """One page of conversations: approved comments in reply order, tombstones where a
    hidden comment has replies, and of each conversation only its oldest replies
    (`REPLIES_SHOWN`); a link leads to the others (`load_conversation`).

    At most one query for the comments, whatever the page and the size of the discussion:
    the page's top-level comments are a sliced subquery, their conversations come through
    `thread_root`, window functions cap each conversation and count what they leave out,
    and every row carries the totals the heading and the navigation need. When the
    article's approved comments are already counted (`with_comment_counts`), a discussion
    that fits on one page is read with a plain query and capped in Python (the paginated
    query takes about 5 ms of ORM compilation, 8 ms with the window functions).
    """
    conf = settings.NEWSROOM_COMMENTS
    per_page, shown = conf["THREADS_PER_PAGE"], conf["REPLIES_SHOWN"]
    counted = getattr(article, "comment_count", None)
    rows: list[Comment] = []
    root_total = 0
    if counted is not None and counted <= per_page:
        # Every shown conversation starts with an approved comment or has one (a tombstone's
        # reply), so there are at most `counted` of them: one page, a plain query (run even
        # when there is none, so that the page's query count never depends on the data).
        if page == 1:
            # Capped here rather than by window functions, which would quadruple the ORM's
            # work on the query (about 1 ms to 4 ms), for at most a page of rows.
            rows = _capped(list(article.comments.visible_in_thread().for_thread()), shown)
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
            .capped_conversations(shown)
            .for_thread()
        )
        root_total = rows[0].root_total if rows else 0
    thread = _thread(article, rows, counted)
    # The link to a conversation's other replies goes after its last top-level comment
    # (a reply whose parent waits for moderation stands at the top level too).
    loaded = Counter(_conversation(comment) for comment in rows)
    last = {_conversation(comment): comment for comment in thread.comments}
    for conversation, comment in last.items():
        comment.more_replies = comment.conversation_size - loaded[conversation]
    thread.page = page
    thread.page_count = max(1, math.ceil(root_total / per_page))
    return thread


def load_conversation(article: Article, conversation: int) -> Thread | None:
    """A conversation view: one conversation with all its shown replies (up to
    `CONVERSATION_REPLIES`), in one query like a page; None when `conversation` is not one
    of the article's shown conversations (a reply, another article's, hidden, unknown)."""
    roots = article.comments.thread_roots()
    started = Subquery(Comment.objects.filter(pk=conversation).order_by().values("created_at"))
    earlier = roots.filter(Q(created_at__lt=started) | Q(created_at=started, pk__lt=conversation))
    totals = {"earlier_total": _total(earlier)}
    counted = getattr(article, "comment_count", None)
    if counted is None:
        totals["approved_total"] = _total(article.comments.approved())
    rows = list(
        article.comments.visible_in_thread()
        .in_threads(roots.filter(pk=conversation).values("pk"))
        .annotate(**totals)
        .for_thread()[: 1 + CONVERSATION_REPLIES]
    )
    if not rows:
        return None
    thread = _thread(article, rows, counted)
    thread.conversation = conversation
    earlier_total = rows[0].earlier_total or 0  # no earlier conversation: no row, NULL
    thread.conversation_page = earlier_total // settings.NEWSROOM_COMMENTS["THREADS_PER_PAGE"] + 1
    return thread


def _capped(rows: list[Comment], replies: int) -> list[Comment]:
    """`CommentQuerySet.capped_conversations` on rows already fetched, oldest first."""
    sizes = Counter(_conversation(comment) for comment in rows)
    ranks: Counter[int] = Counter()
    kept = []
    for comment in rows:
        conversation = _conversation(comment)
        ranks[conversation] += 1
        if ranks[conversation] <= 1 + replies:
            comment.conversation_size = sizes[conversation]
            kept.append(comment)
    return kept


def _conversation(comment: Comment) -> int:
    return comment.thread_root_id or comment.pk


def _thread(article: Article, rows: list[Comment], counted: int | None) -> Thread:
    """The tree of `rows` (oldest first), with what readers may do with each comment."""
    is_open = reader_policy().accepts_comments_on(article)
    max_depth = settings.NEWSROOM_COMMENTS["THREAD_DEPTH"]
    by_id = {comment.pk: comment for comment in rows}
    tops: list[Comment] = []
    for comment in rows:
        comment.thread_replies = []
        comment.more_replies = 0
        comment.can_reply = is_open and comment.is_approved and comment.depth + 1 < max_depth
    for comment in rows:
        parent = by_id.get(comment.parent_id)
        # A reply whose parent is not shown (still pending) stands on its own, as before.
        (parent.thread_replies if parent else tops).append(comment)
    return Thread(
        comments=_prune(tops),
        count=counted if counted is not None else (rows[0].approved_total if rows else 0),
        is_open=is_open,
        by_id=by_id,
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


def comment_url(comment: Comment, article_url: str, *, sent_from: int | None = None) -> str:
    """Where readers see a shown comment: its page of comments, or its conversation view
    for a reply sent from there or beyond the replies a page shows."""
    conversation = _conversation(comment)
    if comment.thread_root_id:
        if sent_from == conversation:
            return conversation_url(article_url, conversation)
        earlier = (
            Comment.objects.filter(article_id=comment.article_id)
            .visible_in_thread()
            .filter(Q(pk=conversation) | Q(thread_root=conversation))
            .filter(
                Q(created_at__lt=comment.created_at)
                | Q(created_at=comment.created_at, pk__lt=comment.pk)
            )
            .count()
        )
        if earlier > settings.NEWSROOM_COMMENTS["REPLIES_SHOWN"]:
            return conversation_url(article_url, conversation)
    return page_url(article_url, page_of(comment))
