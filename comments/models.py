from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from articles.sanitize import render_comment_text

from .querysets import CommentQuerySet

DETAIL_LENGTH = 200


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SPAM = "spam", _("Spam")
        REMOVED = "removed", _("Removed")

    class Rule(models.TextChoices):
        """Why a comment got its status without a moderator."""

        PRE_MODERATION = "pre_moderation", _("Pre-moderation")
        POST_MODERATION = "post_moderation", _("Post-moderation")
        KNOWN_EMAIL = "known_email", _("Known email address")
        STAFF = "staff", _("Staff member")
        TOO_MANY_LINKS = "links", _("Too many links")
        HOLD_WORD = "hold_word", _("Word to check")
        SPAM_WORD = "spam_word", _("Spam word")

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="comments"
    )
    # RESTRICT: a comment with replies is removed (tombstone), never deleted on its own.
    parent = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="replies",
    )
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    # The conversation's top-level comment (empty on a top-level comment), kept by save():
    # a page of comments loads its whole threads in one indexed lookup, at any depth.
    thread_root = models.ForeignKey(
        "self",
        verbose_name=_("conversation"),
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=80, blank=True)
    email = models.EmailField(
        _("email"), blank=True, help_text=_("Never shown to readers. Empty once erased.")
    )
    website = models.URLField(
        _("website"), blank=True, validators=[URLValidator(schemes=["http", "https"])]
    )
    text = models.TextField(_("text"), blank=True)
    text_html = models.TextField(editable=False, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    moderation_rule = models.CharField(
        _("rule applied"), max_length=20, choices=Rule.choices, blank=True, editable=False
    )
    moderation_detail = models.CharField(
        _("detail"),
        max_length=DETAIL_LENGTH,
        blank=True,
        editable=False,
        help_text=_("The matched word, or the number of links and the limit."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed-in user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    ip_hash = models.CharField(
        _("address fingerprint"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("A keyed hash of the reader's IP address, cleared after the retention period."),
    )
    # One per rendered form: a replayed or double-clicked form finds its comment already there.
    submission_token = models.UUIDField(default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True, editable=False)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        permissions = [("moderate_comment", _("Can moderate comments"))]
        constraints = [
            models.UniqueConstraint(
                fields=["submission_token"], name="comment_unique_submission_token"
            ),
        ]
        indexes = [
            models.Index(fields=["article", "status"], name="comment_article_status_idx"),
            models.Index(fields=["status", "created_at"], name="comment_status_created_idx"),
            models.Index(fields=["email"], name="comment_email_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name or _('Anonymous')}: {Truncator(self.text).chars(60)}"

    def save(self, *args, **kwargs) -> None:
        self.text_html = render_comment_text(self.text)
        if self.parent_id is None:
            self.thread_root_id = None
        elif self.thread_root_id is None or Comment.parent.is_cached(self):
            # A parent just set (a new reply, an import); otherwise the stored root holds.
            self.thread_root_id = self.parent.thread_root_id or self.parent_id
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return f"{self.article.get_absolute_url()}#comment-{self.pk}"

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class ModerationPolicy(models.Model):
    """The one moderation policy of the site; `NEWSROOM_COMMENTS` holds its defaults."""

    class Mode(models.TextChoices):
        PRE = "pre", _("Pre-moderation: comments appear once an editor approves them")
        POST = "post", _("Post-moderation: comments appear at once, editors remove bad ones")

    mode = models.CharField(_("moderation"), max_length=4, choices=Mode.choices)
    auto_approve_known_emails = models.BooleanField(
        _("approve known readers"),
        help_text=_("Publish at once a comment whose email address already has an approved one."),
    )
    max_links = models.PositiveSmallIntegerField(
        _("maximum links"), help_text=_("A comment with more links waits for an editor.")
    )
    hold_words = models.TextField(
        _("words to check"),
        blank=True,
        help_text=_("One word or phrase per line. A comment containing one waits for an editor."),
    )
    spam_words = models.TextField(
        _("spam words"),
        blank=True,
        help_text=_("One word or phrase per line. A comment containing one is marked as spam."),
    )
    close_after_days = models.PositiveSmallIntegerField(
        _("close after (days)"),
        help_text=_(
            "Comments close this many days after publication; 0 keeps them open. "
            "Each article can also close its comments."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("moderation policy")
        verbose_name_plural = _("moderation policy")

    def __str__(self) -> str:
        return str(_("Moderation policy"))

    def save(self, *args, **kwargs) -> None:
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def defaults(cls) -> dict:
        conf = settings.NEWSROOM_COMMENTS
        return {
            "mode": conf["MODERATION"],
            "auto_approve_known_emails": conf["AUTO_APPROVE_KNOWN_EMAILS"],
            "max_links": conf["MAX_LINKS"],
            "hold_words": "\n".join(conf["HOLD_WORDS"]),
            "spam_words": "\n".join(conf["SPAM_WORDS"]),
            "close_after_days": conf["CLOSE_AFTER_DAYS"],
        }

    @classmethod
    def load(cls) -> ModerationPolicy:
        """The saved policy, or an unsaved one with the settings' defaults (one query)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1, **cls.defaults())

    @staticmethod
    def _lines(words: str) -> list[str]:
        return [line.strip() for line in words.splitlines() if line.strip()]

    @property
    def hold_word_list(self) -> list[str]:
        return self._lines(self.hold_words)

    @property
    def spam_word_list(self) -> list[str]:
        return self._lines(self.spam_words)

    def accepts_comments_on(self, article: Article) -> bool:
        if not (article.comments_open and article.is_published):
            return False
        if not self.close_after_days:
            return True
        return timezone.now() < article.published_at + timedelta(days=self.close_after_days)
