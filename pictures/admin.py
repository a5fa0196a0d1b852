"""The picture library in the admin: a searchable list with thumbnails, a change form with
the focal point, and the chooser the article form and the body editor open."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import held_uploads
from .images import ImageRejected, prepare_upload
from .models import Picture

CHOOSER_PAGE_SIZE = 24


class PictureForm(held_uploads.KeepsUploadOnError, forms.ModelForm):
    # A picture sent with a form that came back with errors, kept for the next try
    # (held_uploads.py): the editor does not choose the file again.
    held_file = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Picture
        fields = ["file", "alt", "caption", "credit", "rights", "focal_x", "focal_y"]
        widgets = {
            "focal_x": forms.NumberInput(attrs={"min": 0, "max": 100, "class": "focal-x"}),
            "focal_y": forms.NumberInput(attrs={"min": 0, "max": 100, "class": "focal-y"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "file" in self.fields:
            # Required, but a held picture counts (clean_file).
            self.fields["file"].required = False

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and getattr(upload, "content_type", None) is not None:
            try:
                self._new_file = prepare_upload(upload)
            except ImageRejected as exc:
                raise ValidationError(str(exc)) from exc
            return self._new_file
        if self.instance.pk is None:
            held = self.held_picture()
            if held is None:
                raise ValidationError(_("Choose the picture's file."), code="required")
            self._new_file = held
            return held
        return upload


class UploadForm(PictureForm):
    """The chooser's own upload: a new picture, described, then chosen at once."""

    class Meta(PictureForm.Meta):
        fields = ["file", "alt", "caption", "credit", "rights"]
        widgets: dict = {}


def may_change(user, picture: Picture) -> bool:
    """Editors change any picture; a contributor, the pictures they uploaded."""
    return user.has_perm("pictures.change_any_picture") or picture.uploaded_by_id == user.pk


@admin.register(Picture)
class PictureAdmin(admin.ModelAdmin):
    form = PictureForm

    class Media:
        js = ["admin_newsroom/focal-point.js"]

    list_display = ["thumbnail", "alt", "caption", "credit", "size", "uses", "created_at"]
    list_display_links = ["thumbnail", "alt"]
    search_fields = ["alt", "caption", "credit", "rights", "file"]
    list_filter = ["created_at", "uploaded_by"]
    list_select_related = ["uploaded_by"]
    list_per_page = 48
    readonly_fields = ["preview", "used_in", "size", "uploaded_by", "created_at"]
    fieldsets = [
        (None, {"fields": ["preview", "file", "alt", "caption", "credit", "rights"]}),
        (gettext_lazy("Focal point"), {"fields": ["focal_x", "focal_y"]}),
        (
            gettext_lazy("Where it is used"),
            {"fields": ["used_in", "size", "uploaded_by", "created_at"]},
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                lead_uses=Count("lead_of", distinct=True),
                body_uses=Count("in_body_of", distinct=True),
            )
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # A picture's file is fixed once uploaded: articles showing it keep it.
        return [*fields, "file"] if obj is not None else fields

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["file", "held_file", "alt", "caption", "credit", "rights"]})]
        return super().get_fieldsets(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request = request
        return form

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_change(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or may_change(request.user, obj))

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=gettext_lazy("picture"))
    def thumbnail(self, obj: Picture):
        return _render("pictures/_thumbnail.html", {"picture": obj})

    @admin.display(description=gettext_lazy("preview"))
    def preview(self, obj: Picture):
        return _render("pictures/_preview.html", {"picture": obj})

    @admin.display(description=gettext_lazy("size"))
    def size(self, obj: Picture) -> str:
        return f"{obj.width} × {obj.height}" if obj.width else ""

    @admin.display(description=gettext_lazy("used in"), ordering="lead_uses")
    def uses(self, obj: Picture) -> int:
        return getattr(obj, "lead_uses", 0) + getattr(obj, "body_uses", 0)

    @admin.display(description=gettext_lazy("used in"))
    def used_in(self, obj: Picture):
        articles = {a.pk: a for a in (*obj.lead_of.all(), *obj.in_body_of.all())}
        return _render("pictures/_used_in.html", {"articles": articles.values()})

    # The chooser -----------------------------------------------------------------------

    def get_urls(self):
        chooser = self.admin_site.admin_view(self.chooser_view)
        return [
            path("choose/", chooser, name="pictures_picture_choose"),
            *super().get_urls(),
        ]

    def chooser_view(self, request):
        """Pick a picture (searchable, with thumbnails), or upload one and pick it: the
        page hands the choice back to the article form or the body editor that opened it."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        may_upload = self.has_add_permission(request)
        upload, chosen = UploadForm(), None
        if request.method == "POST":
            if not may_upload:
                raise PermissionDenied
            upload = UploadForm(request.POST, request.FILES)
            upload.request = request
            if upload.is_valid():
                chosen = upload.save(commit=False)
                chosen.uploaded_by = request.user
                chosen.save()
        words = request.GET.get("q", "")[:200]
        pictures = Picture.objects.matching(words).only(
            "pk", "file", "alt", "caption", "credit", "width", "height", "renditions", "crops"
        )
        page = Paginator(pictures, CHOOSER_PAGE_SIZE).get_page(request.GET.get("page"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Choose a picture"),
            "is_popup": True,
            "opts": self.opts,
            "words": words,
            "page": page,
            "upload": upload if may_upload else None,
            "chosen": chosen,
            "keep": {
                name: request.GET[name]
                for name in ("field", "CKEditorFuncNum")
                if name in request.GET
            },
        }
        status = 400 if request.method == "POST" and chosen is None else 200
        return TemplateResponse(
            request, "admin/pictures/picture/choose.html", context, status=status
        )


def _render(template: str, context: dict):
    return render_to_string(template, context)
