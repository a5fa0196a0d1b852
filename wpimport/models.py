from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportedItem(models.Model):
    """What one WordPress object became in Newsroom, so a re-run updates instead of copying.

    `checksum` is a digest of the WordPress data the object was made from: an unchanged
    item is skipped without being rebuilt, a changed one is updated in place.
    """

    class Kind(models.TextChoices):
        POST = "post", _("Post")
        CATEGORY = "category", _("Category")
        TAG = "tag", _("Tag")
        AUTHOR = "author", _("Author")
        COMMENT = "comment", _("Comment")
        MEDIA = "media", _("Media file")

    site = models.CharField(
        _("WordPress site"), max_length=200, help_text=_("The exported site's address.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    wp_id = models.CharField(_("WordPress id"), max_length=255)
    # No foreign key: one table points at articles, sections, tags, authors and comments,
    # and an object an editor deletes must stay deleted, not come back at the next import.
    object_id = models.PositiveBigIntegerField(_("Newsroom id"), null=True, blank=True)
    checksum = models.CharField(_("checksum"), max_length=64)
    details = models.JSONField(_("details"), default=dict, blank=True)
    imported_at = models.DateTimeField(_("first imported"))
    updated_at = models.DateTimeField(_("last changed by an import"))

    class Meta:
        verbose_name = _("imported WordPress item")
        verbose_name_plural = _("imported WordPress items")
        constraints = [
            models.UniqueConstraint(fields=["site", "kind", "wp_id"], name="wpimport_unique_item"),
        ]

    def __str__(self) -> str:
        return f"{self.site} {self.kind} {self.wp_id}"


class LegacyAddress(models.Model):
    """An address of the old WordPress site; it answers 301 to what it became in Newsroom.

    Not django.contrib.redirects: that needs django.contrib.sites, which would make
    sitemaps, feeds and the admin's "View on site" use the Site row's domain instead of
    the request's. An article target also follows the article's current address, and
    redirects only while the article is visible to readers.
    """

    path = models.CharField(
        _("old address"),
        max_length=500,
        unique=True,
        help_text=_("A path of the old site, e.g. /2019/05/14/a-title/ or /?p=123."),
    )
    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    target = models.CharField(
        _("other target"),
        max_length=300,
        blank=True,
        help_text=_("A section, tag or author page, when the old address is not an article."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("old WordPress address")
        verbose_name_plural = _("old WordPress addresses")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(article__isnull=False) | ~models.Q(target=""),
                name="wpimport_legacy_has_target",
            ),
        ]

    def __str__(self) -> str:
        return self.path
