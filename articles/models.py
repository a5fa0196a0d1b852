from __future__ import annotations

import secrets
import uuid

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from taggit.managers import TaggableManager
from taggit.models import NaturalKeyManager, TagBase, TaggedItemBase

from pictures.models import Picture

from . import typography
from .querysets import ArticleQuerySet, AuthorQuerySet, SectionQuerySet, TagQuerySet
from .sanitize import clean_html, strip_tags
from .text import make_slug, reading_minutes

SLUG_MAX_LENGTH = 200


class Section(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=True)
    description = models.TextField(
        _("description"), blank=True, help_text=_("One or two sentences shown on the section page.")
    )
    position = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Sections are listed by this number, smallest first.")
    )

    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.slug = make_slug(self.slug or self.name, max_length=100)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("articles:section", kwargs={"slug": self.slug})


class Author(models.Model):
    name = models.CharField(_("display name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, allow_unicode=True)
    bio = models.TextField(_("short bio"), blank=True, max_length=1000)
    photo = models.ImageField(
        _("photo"),
        upload_to="authors/%Y/%m/",
        blank=True,
        max_length=255,
        width_field="photo_width",
        height_field="photo_height",
    )
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author_profile",
        help_text=_("The staff account this author signs in with, if any."),
    )

    objects = AuthorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.slug = make_slug(self.slug or self.name, max_length=120)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("articles:author", kwargs={"slug": self.slug})


class Tag(TagBase):
    """A taggit tag whose slug folds accents and keeps other scripts ("États-Unis" -> etats-unis)."""

    # TagBase's slug is ASCII-only; ours accepts letters of any script.
    slug = models.SlugField(_("slug"), unique=True, max_length=100, allow_unicode=True)

    # taggit's manager (natural keys for fixtures) with the reader rules.
    objects = NaturalKeyManager.from_queryset(TagQuerySet)()

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def save(self, *args, **kwargs) -> None:
        if self.slug:
            self.slug = make_slug(self.slug, max_length=100)
        super().save(*args, **kwargs)

    def slugify(self, tag: str, i: int | None = None) -> str:
        slug = make_slug(tag, max_length=90)
        return f"{slug}-{i}" if i is not None else slug

    def get_absolute_url(self) -> str:
        return reverse("articles:tag", kwargs={"slug": self.slug})


class TaggedArticle(TaggedItemBase):
    tag = models.ForeignKey(
        Tag, on_delete=models.CASCADE, related_name="tagged_articles", verbose_name=_("tag")
    )
    content_object = models.ForeignKey(
        "Article", on_delete=models.CASCADE, verbose_name=_("article")
    )

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_article_tag"),
        ]


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Unpublished")

    class SourceKind(models.TextChoices):
        REWRITE = "rewrite", _("Rewrite")
        TRANSLATION = "translation", _("Translation")
        WIRE = "wire", _("Wire copy")

    title = models.CharField(_("headline"), max_length=250)
    slug = models.SlugField(
        _("slug"),
        max_length=SLUG_MAX_LENGTH,
        unique=True,
        allow_unicode=True,
        blank=True,
        help_text=_(
            "The last part of the article's address. Left empty, it is made from the "
            "headline when you save. Changing it later keeps the old address working."
        ),
    )
    standfirst = models.TextField(
        _("standfirst"),
        blank=True,
        max_length=600,
        help_text=_("The short introduction under the headline, also used in lists and shares."),
    )
    body = models.TextField(
        _("body"),
        blank=True,
        help_text=_(
            "Paragraphs, sub-headings (h2, h3), links, quotes, lists and tables (with a "
            "header row). Anything else is removed when saving."
        ),
    )
    body_html = models.TextField(editable=False, blank=True)

    lead_picture = models.ForeignKey(
        Picture,
        verbose_name=_("lead picture"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lead_of",
        help_text=_("Shown at the top of the article and on its cards."),
    )
    # The library's pictures the body shows (kept in step on save): a picture in use
    # cannot be deleted, and the library says where each is used.
    body_pictures = models.ManyToManyField(
        Picture,
        through="ArticlePicture",
        related_name="in_body_of",
        blank=True,
        editable=False,
    )

    section = models.ForeignKey(
        Section, verbose_name=_("section"), on_delete=models.PROTECT, related_name="articles"
    )
    authors = models.ManyToManyField(
        Author, verbose_name=_("authors"), through="ArticleAuthor", related_name="articles"
    )
    # Tags print in name order everywhere (taggit keeps no order of entry).
    tags = TaggableManager(
        verbose_name=_("tags"), through=TaggedArticle, blank=True, ordering=["name"]
    )

    source_name = models.CharField(
        _("source outlet"),
        max_length=150,
        blank=True,
        help_text=_("The outlet whose report this story is based on."),
    )
    source_url = models.URLField(_("source address"), max_length=500, blank=True)
    source_kind = models.CharField(
        _("kind of source"), max_length=20, choices=SourceKind.choices, blank=True
    )

    language = models.CharField(
        _("language"), max_length=12, choices=settings.ARTICLE_LANGUAGES, default="fr"
    )
    french_typography = models.BooleanField(
        _("French typography"),
        default=True,
        help_text=_(
            "On save, a French article's headline, standfirst, body and caption get narrow "
            "no-break spaces before ; : ! ? and inside « », and typographic apostrophes. "
            "Addresses, code and times such as 10:30 are left as typed."
        ),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("publication time"),
        null=True,
        blank=True,
        help_text=_("A time in the future schedules the article: it appears by itself then."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    is_featured = models.BooleanField(
        _("featured"), default=False, help_text=_("Candidate for the homepage lead slot.")
    )
    comments_open = models.BooleanField(_("comments open"), default=True)
    reading_time = models.PositiveSmallIntegerField(
        _("reading time (minutes)"), default=1, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    # Renewed by every save: an editor's form carries the token it was loaded with, and a
    # save from an out-of-date form is refused instead of silently overwriting. A random
    # token rather than a counter, so restoring an old revision can never reuse one.
    edit_token = models.UUIDField(default=uuid.uuid4, editable=False)
    publish_override_reason = models.TextField(
        _("reason for publishing despite the checks"),
        blank=True,
        help_text=_("Required to publish when the publication checks list problems."),
    )
    seo_title = models.CharField(
        _("title for search engines"),
        max_length=120,
        blank=True,
        help_text=_(
            "Shown in search results and browser tabs instead of the headline. "
            "Leave empty to use the headline."
        ),
    )
    seo_description = models.CharField(
        _("description for search engines"),
        max_length=300,
        blank=True,
        help_text=_(
            "One or two sentences shown under the title in search results and shares. "
            "Leave empty to use the standfirst."
        ),
    )
    # PostgreSQL only: a `search_vector` column, filled by a trigger, indexes the headline,
    # standfirst and body for full-text search. It is deliberately not a model field (see
    # search/ and migration seo_and_search).

    objects = ArticleQuerySet.as_manager()

    class Meta:
        # Undated drafts last on every database (PostgreSQL sorts NULLs first by default).
        ordering = [models.F("published_at").desc(nulls_last=True), "-pk"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        permissions = [
            ("publish_article", _("Can publish, schedule and unpublish articles")),
            ("edit_any_article", _("Can edit articles written by others")),
        ]
        indexes = [
            models.Index(fields=["status", "published_at"], name="article_status_pub_idx"),
            models.Index(
                fields=["section", "status", "published_at"], name="article_section_pub_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.title = self.title.strip()
        if self.slug:
            self.slug = make_slug(self.slug, max_length=SLUG_MAX_LENGTH)
        else:
            self.slug = self._free_slug(make_slug(self.title, max_length=SLUG_MAX_LENGTH - 4))
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        self._body_picture_ids = []
        self.body = clean_html(self.body, pictures=self._library_pictures)
        if self.french_typography and self.language == "fr":
            self.title = typography.apply_to_text(self.title)
            self.standfirst = typography.apply_to_text(self.standfirst)
            self.body = typography.apply_to_html(self.body)
        self.body_html = self.body
        self.reading_time = reading_minutes(
            " ".join([self.title, self.standfirst, strip_tags(self.body)])
        )
        old_slug = getattr(self, "_loaded_slug", None)
        was_published = getattr(self, "_loaded_status", None) == self.Status.PUBLISHED
        self.edit_token = uuid.uuid4()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "edit_token"}
        with transaction.atomic():
            super().save(*args, **kwargs)
            if old_slug and old_slug != self.slug:
                # The article's current slug is no longer a redirect; its old one becomes one.
                ArticleRedirect.objects.filter(old_slug=self.slug).delete()
                if was_published:
                    ArticleRedirect.objects.update_or_create(
                        old_slug=old_slug, defaults={"article": self}
                    )
            self.body_pictures.set(self._body_picture_ids)
        self._loaded_slug = self.slug
        self._loaded_status = self.status
        # Related articles follow after the commit: the related app listens to post_save.

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", kwargs=self.url_kwargs())

    def clean(self) -> None:
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        if self.source_url and not self.source_name:
            raise ValidationError(
                {"source_name": _("Name the outlet the source address belongs to.")}
            )
        if self.source_kind and not (self.source_name or self.source_url):
            raise ValidationError(
                {"source_name": _("A rewrite, translation or wire copy needs its source.")}
            )

    def _library_pictures(self, ids: set[str]) -> dict[str, dict[str, str]]:
        """What the body's pictures from the library carry (their renditions, and their
        alt text where the body has none), by id; remembered so save() records them."""
        found = Picture.objects.filter(
            pk__in=[int(i) for i in ids if i.isascii() and i.isdigit() and len(i) < 19][:500]
        )
        pictures = {str(picture.pk): picture for picture in found}
        self._body_picture_ids = [picture.pk for picture in pictures.values()]
        return {
            pk: {**picture.body_attributes(), "alt": picture.alt}
            for pk, picture in pictures.items()
        }

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance.remember_loaded_state()
        return instance

    def remember_loaded_state(self) -> None:
        """Remembered so save() can keep the old address of a renamed article working."""
        self._loaded_slug = self.__dict__.get("slug")
        self._loaded_status = self.__dict__.get("status")

    @property
    def is_published(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def was_updated(self) -> bool:
        """Worth telling readers: edited more than ten minutes after publication."""
        return bool(
            self.published_at and (self.updated_at - self.published_at).total_seconds() > 600
        )

    @property
    def tags_in_order(self) -> list[Tag]:
        """The tags in the editor's order: the order they were given, one row each (the
        admin's tag rows), not the alphabet. `with_bylines_and_tags()` reads them with the
        rest of the page."""
        links = self.__dict__.get("tag_links")
        if links is None:
            links = self.taggedarticle_set.select_related("tag").order_by("pk")
        return [link.tag for link in links]

    def url_kwargs(self) -> dict:
        when = timezone.localtime(self.published_at or self.created_at or timezone.now())
        return {"year": when.year, "month": when.month, "slug": self.slug}

    def _free_slug(self, base: str) -> str:
        """`base`, or `base-2`, `base-3`… whichever no other article uses yet."""
        taken = set(
            Article.objects.filter(slug__startswith=base)
            .exclude(pk=self.pk)
            .values_list("slug", flat=True)
        )
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            candidate = f"{base}-{n}"
        return candidate


class ArticlePicture(models.Model):
    """A library picture shown in an article's body (Article.body_pictures)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE)
    picture = models.ForeignKey(Picture, on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("picture in the body")
        verbose_name_plural = _("pictures in the body")
        constraints = [
            models.UniqueConstraint(fields=["article", "picture"], name="picture_once_per_body")
        ]

    def __str__(self) -> str:
        return f"{self.picture} ({self.article})"


class ArticleAuthor(models.Model):
    """One byline: an author of an article, in order, with an optional role and agency credit."""

    class Role(models.TextChoices):
        # A person's role, as a byline says it ("par Sara (traductrice)").
        REPORTER = "reporter", pgettext_lazy("byline role", "Reporter")
        PHOTOGRAPHER = "photographer", pgettext_lazy("byline role", "Photographer")
        TRANSLATOR = "translator", pgettext_lazy("byline role", "Translator")
        EDITOR = "editor", pgettext_lazy("byline role", "Editor")
        CORRESPONDENT = "correspondent", pgettext_lazy("byline role", "Correspondent")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(
        Author, verbose_name=_("author"), on_delete=models.PROTECT, related_name="bylines"
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    agency = models.CharField(
        _("agency credit"),
        max_length=80,
        blank=True,
        help_text=_('Shown after the name, e.g. "AFP" gives "avec AFP".'),
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("byline")
        verbose_name_plural = _("bylines")
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="unique_article_author"),
        ]

    def __str__(self) -> str:
        return str(self.author)


class ArticleRedirect(models.Model):
    """An address an article used to have; it answers 301 to the article's current address."""

    old_slug = models.SlugField(
        _("old address"), max_length=SLUG_MAX_LENGTH, unique=True, allow_unicode=True
    )
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="redirects", verbose_name=_("article")
    )
    created_at = models.DateTimeField(_("date"), auto_now_add=True)

    class Meta:
        verbose_name = _("old address")
        verbose_name_plural = _("old addresses")

    def __str__(self) -> str:
        return self.old_slug


class PinnedRelated(models.Model):
    """A related article chosen by an editor; pinned ones come before computed ones."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="pinned_related")
    related = models.ForeignKey(
        Article,
        verbose_name=_("related article"),
        on_delete=models.CASCADE,
        related_name="pinned_as",
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("pinned related article")
        verbose_name_plural = _("pinned related articles")
        constraints = [
            models.UniqueConstraint(fields=["article", "related"], name="unique_pinned_pair"),
            models.CheckConstraint(
                condition=~models.Q(article=models.F("related")), name="pinned_not_self"
            ),
        ]

    def __str__(self) -> str:
        return str(self.related)


class Correction(models.Model):
    """A dated correction or update note shown to readers with the article."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Correction")
        UPDATE = "update", _("Update")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CORRECTION)
    text = models.TextField(
        _("note"),
        max_length=2000,
        help_text=_("What was wrong and what the article now says, in plain words."),
    )
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("correction or update")
        verbose_name_plural = _("corrections and updates")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d})"


class HomepagePinQuerySet(models.QuerySet):
    def active(self) -> HomepagePinQuerySet:
        return self.filter(pinned_until__gt=timezone.now())


class HomepagePin(models.Model):
    """An editor's choice for a homepage slot until a given time; other slots fill by date."""

    class Slot(models.IntegerChoices):
        LEAD = 1, _("Lead story")
        TOP_2 = 2, _("Top story 2")
        TOP_3 = 3, _("Top story 3")
        TOP_4 = 4, _("Top story 4")

    slot = models.PositiveSmallIntegerField(_("slot"), choices=Slot.choices, unique=True)
    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="homepage_pins"
    )
    pinned_until = models.DateTimeField(
        _("pinned until"),
        help_text=_("After this time the slot fills with the latest stories again."),
    )

    objects = HomepagePinQuerySet.as_manager()

    class Meta:
        ordering = ["slot"]
        verbose_name = _("homepage pin")
        verbose_name_plural = _("homepage pins")
        constraints = [
            models.UniqueConstraint(fields=["article"], name="unique_homepage_pin_article"),
        ]

    def __str__(self) -> str:
        return f"{self.get_slot_display()}: {self.article}"


# Revisions (django-reversion): every save of an article keeps its fields, bylines, tags
# and corrections, so the admin can show a diff and restore an earlier version.
reversion.register(ArticleAuthor)
reversion.register(TaggedArticle)
reversion.register(Correction)
reversion.register(Article, follow=["bylines", "taggedarticle_set", "corrections"])


def new_share_token() -> str:
    return secrets.token_urlsafe(32)


class ShareLink(models.Model):
    """A link that lets someone without an account read an unpublished article.

    It works until it expires or an editor revokes it, and stops for good when the article
    is unpublished or deleted; once the article is public it leads to the public address.
    """

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="share_links"
    )
    token = models.CharField(max_length=64, unique=True, default=new_share_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("made on"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires on"))
    revoked_at = models.DateTimeField(_("revoked on"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("share link")
        verbose_name_plural = _("share links")

    def __str__(self) -> str:
        return str(_("Share link of %(date)s")) % {"date": f"{self.created_at:%Y-%m-%d %H:%M}"}

    def get_absolute_url(self) -> str:
        return reverse("articles:shared_preview", kwargs={"token": self.token})

    @property
    def is_working(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class StaffPreference(models.Model):
    """What a staff member chose for their own desk: the admin's language (French unless
    they choose otherwise, whatever their browser says)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="newsroom_preference",
    )
    admin_language = models.CharField(
        _("admin language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )

    class Meta:
        verbose_name = _("staff preference")
        verbose_name_plural = _("staff preferences")

    def __str__(self) -> str:
        return str(self.user)


class AutosavedCopy(models.Model):
    """A staff member's work in progress on one article, saved by the change form every
    few seconds. It is never the article: it is offered back when that person opens the
    article again (after a closed tab or a crash) and goes when they save."""

    NEW = "new"  # the key of an article not saved yet

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The article's pk, or NEW: one copy per person and article (a plain key rather than a
    # nullable foreign key, so the unique constraint holds for new articles on every database).
    key = models.CharField(max_length=20)
    fields = models.JSONField(default=dict)
    # The article's edit token when the form was loaded: restoring the copy keeps it, so a
    # save over someone else's newer version is refused as from any out-of-date form.
    loaded_token = models.UUIDField(null=True, blank=True)
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="one_autosave_per_user_article")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.key}"
