"""Every write to comments: submission under the moderation policy, moderation, erasure."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import Article

from .models import DETAIL_LENGTH, Comment, ModerationPolicy

MODERATE_PERMISSION = "comments.moderate_comment"
# What spam links look like, whether or not the linker knows their top-level domain.
LINK = re.compile(r"https?://|(?<![/\w.])www\.", re.IGNORECASE)


@dataclass(frozen=True)
class Decision:
    status: str
    rule: str
    detail: str = ""


def find_word(words: list[str], *texts: str) -> str | None:
    """The first of `words` found as a whole word or phrase in `texts`, ignoring case."""
    haystack = "\n".join(texts).casefold()
    for word in words:
        if re.search(rf"(?<!\w){re.escape(word.casefold())}(?!\w)", haystack):
            return word
    return None


def decide_status(
    *, policy: ModerationPolicy, comment: Comment, is_staff: bool = False
) -> Decision:
    """The status a new comment gets from the policy, and the rule that decided it."""
    Rule, Status = Comment.Rule, Comment.Status
    if is_staff:
        return Decision(Status.APPROVED, Rule.STAFF)
    texts = (comment.name, comment.website, comment.text)
    if word := find_word(policy.spam_word_list, *texts):
        return Decision(Status.SPAM, Rule.SPAM_WORD, word[:DETAIL_LENGTH])
    if word := find_word(policy.hold_word_list, *texts):
        return Decision(Status.PENDING, Rule.HOLD_WORD, word[:DETAIL_LENGTH])
    links = len(LINK.findall(comment.text))
    if links > policy.max_links:
        return Decision(Status.PENDING, Rule.TOO_MANY_LINKS, f"{links} > {policy.max_links}")
    if (
        policy.auto_approve_known_emails
        and Comment.objects.approved().filter(email=comment.email).exists()
    ):
        return Decision(Status.APPROVED, Rule.KNOWN_EMAIL)
    if policy.mode == ModerationPolicy.Mode.POST:
        return Decision(Status.APPROVED, Rule.POST_MODERATION)
    return Decision(Status.PENDING, Rule.PRE_MODERATION)


def normalize_email(email: str) -> str:
    return email.strip().lower()


def received_comment(token: uuid.UUID) -> Comment | None:
    return Comment.objects.filter(submission_token=token).first()


@transaction.atomic
def submit_comment(
    *,
    article: Article,
    name: str,
    email: str,
    text: str,
    token: uuid.UUID,
    website: str = "",
    parent_id: int | None = None,
    ip_hash: str = "",
    user: User | AnonymousUser | None = None,
    policy: ModerationPolicy | None = None,
) -> Comment:
    """Save a reader's comment with the status the policy gives it.

    Idempotent per `token`: a replayed or double-submitted form returns the comment it
    created the first time. Refusals raise ValidationError (code "closed", "parent",
    "depth" or "duplicate").
    """
    if existing := received_comment(token):
        return existing
    policy = policy or ModerationPolicy.load()
    if not policy.accepts_comments_on(article):
        raise ValidationError(_("Comments are closed on this article."), code="closed")
    parent = None
    if parent_id is not None:
        parent = article.comments.approved().filter(pk=parent_id).first()
        if parent is None:
            raise ValidationError(
                _("You can only reply to a published comment on this article."), code="parent"
            )
        if parent.depth + 1 >= settings.NEWSROOM_COMMENTS["THREAD_DEPTH"]:
            raise ValidationError(
                _("This conversation cannot go deeper: reply to the comment above."),
                code="depth",
            )
    email = normalize_email(email)
    if Comment.objects.filter(email=email, text=text).exists():
        # The same form sent twice at once: the other request may have saved it meanwhile.
        if existing := received_comment(token):
            return existing
        raise ValidationError(_("You have already posted this comment."), code="duplicate")

    signed_in = user if user is not None and user.is_authenticated else None
    comment = Comment(
        article=article,
        parent=parent,
        depth=parent.depth + 1 if parent else 0,
        name=name,
        email=email,
        website=website,
        text=text,
        ip_hash=ip_hash,
        user=signed_in,
        submission_token=token,
    )
    decision = decide_status(
        policy=policy, comment=comment, is_staff=bool(signed_in and signed_in.is_staff)
    )
    comment.status, comment.moderation_rule = decision.status, decision.rule
    comment.moderation_detail = decision.detail
    # The unique token is left to the database, which settles concurrent submissions.
    comment.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            comment.save()
    except IntegrityError:
        # Another request with the same form won the race: answer with its comment.
        if existing := received_comment(token):
            return existing
        raise
    return comment


def _moderate(comment: Comment, status: str, moderator: User) -> Comment:
    if not moderator.has_perm(MODERATE_PERMISSION):
        raise PermissionDenied(_("You are not allowed to moderate comments."))
    comment.status = status
    comment.moderated_by = moderator
    comment.moderated_at = timezone.now()
    comment.save(update_fields=["status", "moderated_by", "moderated_at"])
    return comment


@transaction.atomic
def approve_comment(comment: Comment, *, moderator: User) -> Comment:
    return _moderate(comment, Comment.Status.APPROVED, moderator)


@transaction.atomic
def reject_comment(comment: Comment, *, moderator: User) -> Comment:
    return _moderate(comment, Comment.Status.REJECTED, moderator)


@transaction.atomic
def mark_spam(comment: Comment, *, moderator: User) -> Comment:
    return _moderate(comment, Comment.Status.SPAM, moderator)


@transaction.atomic
def remove_comment(comment: Comment, *, moderator: User) -> Comment:
    """Take a comment down; if it has replies, readers see a tombstone in its place."""
    return _moderate(comment, Comment.Status.REMOVED, moderator)


@dataclass(frozen=True)
class Erasure:
    deleted: int = 0
    tombstones: int = 0
    anonymised: int = 0


@transaction.atomic
def erase_commenter(*, email: str, anonymise: bool = False) -> Erasure:
    """Delete or anonymise every comment of an email address, keeping other readers' replies.

    Erasing deletes the comments nobody answered; the others become empty tombstones.
    Anonymising keeps the texts and drops the name, email, website and IP data.
    """
    comments = Comment.objects.filter(email=normalize_email(email))
    if anonymise:
        return Erasure(
            anonymised=comments.update(name="", email="", website="", ip_hash="", user=None)
        )
    deleted = tombstones = 0
    # Deepest first, so a reader's own chain of replies is deleted from the bottom up.
    for comment in comments.order_by("-depth", "-pk"):
        if comment.replies.exists():
            comment.name = comment.email = comment.website = comment.text = comment.ip_hash = ""
            comment.user = None
            comment.status = Comment.Status.REMOVED
            comment.save()
            tombstones += 1
        else:
            comment.delete()
            deleted += 1
    return Erasure(deleted=deleted, tombstones=tombstones)


def purge_ip_data(*, older_than: timedelta) -> int:
    """Clear the IP fingerprints of comments older than the retention period; how many."""
    cutoff = timezone.now() - older_than
    return Comment.objects.filter(created_at__lt=cutoff).exclude(ip_hash="").update(ip_hash="")
