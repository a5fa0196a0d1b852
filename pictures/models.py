"""The newsroom's pictures: one library, each picture described once and used anywhere.

A picture's file is fixed once uploaded (upload another to replace it), so a published
article never changes picture behind its editor's back; its words (alt text, caption,
credit, usage rights) and its focal point can change, and the pages showing it follow.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.validators import MaxValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .images import build_crops, build_renditions, srcset


class PictureQuerySet(models.QuerySet):
    def matching(self, words: str) -> PictureQuerySet:
        """Pictures whose alt text, caption, credit, rights or file name hold every word."""
        queryset = self
        for word in words.split()[:8]:
            queryset = queryset.filter(
                Q(alt__icontains=word)
                | Q(caption__icontains=word)
                | Q(credit__icontains=word)
                | Q(rights__icontains=word)
                | Q(file__icontains=word)
            )
        return queryset


class Picture(models.Model):
    file = models.ImageField(
        _("file"),
        upload_to="pictures/%Y/%m/",
        max_length=255,
        width_field="width",
        height_field="height",
    )
    width = models.PositiveIntegerField(_("width"), null=True, editable=False)
    height = models.PositiveIntegerField(_("height"), null=True, editable=False)
    alt = models.CharField(
        _("alt text"),
        max_length=300,
        help_text=_("What the picture shows, for readers who cannot see it."),
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    credit = models.CharField(
        _("credit"), max_length=150, blank=True, help_text=_("Photographer and agency.")
    )
    rights = models.CharField(
        _("usage rights"),
        max_length=300,
        blank=True,
        help_text=_("Who may use it and how: agency licence, one use only, until a date…"),
    )
    focal_x = models.PositiveSmallIntegerField(
        _("focal point, across (%)"),
        default=50,
        validators=[MaxValueValidator(100)],
        help_text=_("Crops for cards and sharing keep this point: 0 is the left edge."),
    )
    focal_y = models.PositiveSmallIntegerField(
        _("focal point, down (%)"),
        default=50,
        validators=[MaxValueValidator(100)],
        help_text=_("0 is the top edge."),
    )
    renditions = models.JSONField(default=list, blank=True, editable=False)
    crops = models.JSONField(default=dict, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PictureQuerySet.as_manager()

    class Meta:
        verbose_name = _("picture")
        verbose_name_plural = _("pictures")
        ordering = ["-created_at", "-pk"]
        permissions = [("change_any_picture", _("Can change pictures others uploaded"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(focal_x__lte=100) & Q(focal_y__lte=100), name="focal_point_inside"
            )
        ]

    def __str__(self) -> str:
        return self.alt

    def save(self, *args, **kwargs) -> None:
        new_file = self._state.adding or self.file.name != getattr(self, "_loaded_file", None)
        new_focus = (self.focal_x, self.focal_y) != getattr(self, "_loaded_focus", None)
        with transaction.atomic():
            super().save(*args, **kwargs)
            # Renditions and crops are cut once, when the file or the focal point changes,
            # never per request.
            changed = {}
            if new_file:
                changed["renditions"] = build_renditions(self.file.name)
            if new_file or new_focus or not self.crops:
                changed["crops"] = build_crops(self.file.name, self.focal_x, self.focal_y)
            if changed:
                for field, value in changed.items():
                    setattr(self, field, value)
                Picture.objects.filter(pk=self.pk).update(**changed)
        self._remember_loaded_state()

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._remember_loaded_state()
        return instance

    def _remember_loaded_state(self) -> None:
        self._loaded_file = self.file.name if "file" in self.__dict__ else None
        self._loaded_focus = (self.__dict__.get("focal_x"), self.__dict__.get("focal_y"))

    @property
    def card_renditions(self) -> list[dict]:
        """The 16:9 crops for cards, or the whole picture's renditions before they are cut."""
        return (self.crops or {}).get("card") or self.renditions

    @property
    def largest(self) -> dict | None:
        return self.renditions[-1] if self.renditions else None

    def body_attributes(self) -> dict[str, str]:
        """What an <img> of this picture in an article's body carries (see sanitize)."""
        if not self.renditions:
            return {"src": self.file.url, "width": str(self.width), "height": str(self.height)}
        largest = self.renditions[-1]
        return {
            "src": default_storage.url(largest["fallback"]),
            "srcset": srcset(self.renditions, "webp"),
            "sizes": "(min-width: 46rem) 46rem, 100vw",
            "width": str(largest["width"]),
            "height": str(largest["height"]),
        }
