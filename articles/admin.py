from __future__ import annotations

import copy
import difflib
import re
from datetime import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Prefetch
from django.forms.models import construct_instance
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, strip_tags
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_prose_editor.widgets import AdminProseEditorWidget
from reversion.admin import VersionAdmin
from reversion.models import Version
from taggit.models import Tag as TaggitTag

from pictures import held_uploads
from pictures.images import ImageRejected, prepare_upload
from pictures.models import Picture
from pictures.widgets import PictureChooserWidget

from . import autosave, preview, services, tags, typography
from .csp import inline_script_hashes
from .models import (
    Article,
    ArticleAuthor,
    ArticleRedirect,
    Author,
    Correction,
    HomepagePin,
    PinnedRelated,
    Section,
    ShareLink,
    Tag,
)
from .roles import can_edit_any, can_publish, owned_by, shown_to
from .sanitize import EDITOR_EXTENSIONS, images_in
from .staff import StaffGroupAdmin, StaffUserAdmin

# Django 6 makes https the default scheme of typed-in addresses; say so now.
URL_FIELDS_HTTPS = {models.URLField: {"assume_scheme": "https"}}
EDITABLE_BY_CONTRIBUTORS = {Article.Status.DRAFT, Article.Status.REVIEW}


class NamedDateAndTime:
    """A date-and-time field is two inputs under one label: each gets a name of its own
    ("Publication time: date", "…: time") for screen readers."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and isinstance(formfield.widget, forms.SplitDateTimeWidget):
            date, time = formfield.widget.widgets
            label = capfirst(formfield.label)
            date.attrs["aria-label"] = _("%(field)s: date") % {"field": label}
            time.attrs["aria-label"] = _("%(field)s: time") % {"field": label}
        return formfield


class BylineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        article = self.instance
        if article.status != Article.Status.PUBLISHED or article.publish_override_reason.strip():
            return
        kept = [
            form
            for form in self.forms
            if form.cleaned_data.get("author") and not form.cleaned_data.get("DELETE")
        ]
        if not kept:
            raise ValidationError(
                _(
                    "The article has no byline: add at least one author before publishing, or "
                    "give a reason for publishing despite the checks."
                )
            )


class BylineInline(admin.StackedInline):
    model = ArticleAuthor
    formset = BylineFormSet
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["author", "role", "agency", "position"]
    verbose_name = gettext_lazy("byline")
    verbose_name_plural = gettext_lazy("bylines (in the order they are shown)")


class CorrectionInline(NamedDateAndTime, admin.StackedInline):
    model = Correction
    extra = 0
    fields = ["kind", "text", "created_at"]


class PinnedRelatedInline(admin.StackedInline):
    """Related articles chosen by hand: shown first, in this order; the engine adds the rest."""

    model = PinnedRelated
    fk_name = "article"
    extra = 0
    autocomplete_fields = ["related"]
    fields = ["related", "position"]


class ShareLinkForm(forms.ModelForm):
    revoke = forms.BooleanField(label=gettext_lazy("revoke"), required=False)

    class Meta:
        model = ShareLink
        fields: list[str] = []


class ShareLinkInline(admin.StackedInline):
    """Who made each share link, until when it works, and a box to revoke it."""

    model = ShareLink
    form = ShareLinkForm
    fk_name = "article"
    extra = 0
    can_delete = False
    fields = ["address", "created_by", "created_at", "expires_at", "state", "revoke"]
    readonly_fields = ["address", "created_by", "created_at", "expires_at", "state"]

    def has_add_permission(self, request, obj=None):
        return False  # made with the "Create a share link" button

    def get_formset(self, request, obj=None, **kwargs):
        self.request = request  # an inline is made for each request (get_inline_instances)
        return super().get_formset(request, obj, **kwargs)

    @admin.display(description=gettext_lazy("address"))
    def address(self, link: ShareLink) -> str:
        """The whole address, as it is sent to a reviewer."""
        path = link.get_absolute_url()
        request = getattr(self, "request", None)
        url = request.build_absolute_uri(path) if request is not None else path
        return format_html('<a href="{}" rel="noopener">{}</a>', url, url)

    @admin.display(description=gettext_lazy("state"))
    def state(self, link: ShareLink) -> str:
        if link.revoked_at is not None:
            who = link.revoked_by.get_username() if link.revoked_by else "?"
            return _("revoked by %(who)s") % {"who": who}
        return _("working") if link.is_working else _("expired")


class RedirectInline(admin.StackedInline):
    model = ArticleRedirect
    extra = 0
    fields = ["old_slug", "created_at"]
    readonly_fields = ["old_slug", "created_at"]
    verbose_name_plural = gettext_lazy("old addresses that redirect here")

    def has_add_permission(self, request, obj=None):
        return False


def https_formfield(field, **kwargs):
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


_RESTORING_OVER = "_newsroom_restoring_over"


def restoring_over(request) -> Article | None:
    """The stored article a revision restore in this request replaces, if any."""
    return getattr(request, _RESTORING_OVER, None)


NEW_PICTURE_FIELDS = ("lead_image", "lead_image_alt", "lead_image_caption", "lead_image_credit")


class ArticleAdminForm(held_uploads.KeepsUploadOnError, forms.ModelForm):
    loaded_token = forms.UUIDField(widget=forms.HiddenInput, required=False)
    # Tags typed in one field, in the order readers see them (tags.py).
    tag_names = forms.CharField(
        label=gettext_lazy("tags"),
        required=False,
        max_length=tags.LONGEST_FIELD,
        help_text=gettext_lazy(
            "Separated by commas, in the order readers see them. A tag that does not exist "
            "yet is created."
        ),
        widget=forms.TextInput(attrs={"class": "vTextField tag-input", "autocomplete": "off"}),
    )
    # A new lead picture uploaded with the article (it joins the library on save), with
    # its words; or one chosen from the library (lead_picture).
    lead_image = forms.ImageField(
        label=gettext_lazy("new picture"),
        required=False,
        help_text=gettext_lazy("It joins the picture library when the article is saved."),
    )
    lead_image_alt = forms.CharField(
        label=gettext_lazy("alt text of the new picture"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("What the picture shows, for readers who cannot see it."),
    )
    lead_image_caption = forms.CharField(
        label=gettext_lazy("caption of the new picture"), max_length=300, required=False
    )
    lead_image_credit = forms.CharField(
        label=gettext_lazy("credit of the new picture"),
        max_length=150,
        required=False,
        help_text=gettext_lazy("Photographer and agency."),
    )
    # A picture sent with a form that came back with errors, kept for this try
    # (pictures/held_uploads.py): the editor does not choose it again.
    held_lead_image = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose what is shown
        formfield_callback = https_formfield
        widgets = {
            # A headline is often longer than a line: it wraps in view, and a line break
            # typed in it is removed on save (text.single_line).
            "title": forms.Textarea(attrs={"rows": 2, "class": "headline-input"}),
            "body": AdminProseEditorWidget(
                config={"extensions": EDITOR_EXTENSIONS}, preset="configurable"
            ),
            "lead_picture": PictureChooserWidget,
        }

    upload_field, held_field = "lead_image", "held_lead_image"
    request = None  # set by ArticleAdmin.get_form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A restore page shows an old version on the instance: the version it was opened
        # over is the stored one (ArticleAdmin.revision_view).
        over = restoring_over(self.request)
        self.fields["loaded_token"].initial = (over or self.instance).edit_token
        self._tags: list | None = None  # the tags typed, once the form is valid
        if self.instance.pk and "tag_names" not in self.initial:
            self.initial["tag_names"] = tags.as_text(self.instance.tags_in_order)
        if self.request is not None:
            self.fields["tag_names"].widget.attrs["data-suggestions"] = reverse(
                "admin:autocomplete"
            )
        if self.request is not None and "body" in self.fields:
            # The body's picture button opens the library's chooser.
            extensions = {
                **EDITOR_EXTENSIONS,
                "Figure": {"pickerUrl": reverse("admin:pictures_picture_choose")},
            }
            self.fields["body"].widget.config = {
                **self.fields["body"].widget.config,
                "extensions": extensions,
            }
        if not self.is_bound and self.request is not None:
            self._restore_autosaved_copy()

    def _restore_autosaved_copy(self):
        """?restore=autosave: the form opens with the person's work in progress, still on
        the version it was loaded over (so the lost-update refusal applies to it)."""
        if self.request.GET.get("restore") != "autosave":
            return
        copy = autosave.copy_to_offer(
            self.request.user, self.instance if self.instance.pk else None
        )
        if copy is not None:
            self.initial.update(autosave.initial_from(copy))
            if copy.loaded_token:
                self.initial["loaded_token"] = copy.loaded_token

    def clean_lead_image(self):
        upload = self.cleaned_data.get("lead_image")
        if (
            upload
            and self.request is not None
            and not self.request.user.has_perm("pictures.add_picture")
        ):
            raise ValidationError(_("You may not add pictures to the library."))
        if upload and getattr(upload, "content_type", None) is not None:
            try:
                self._new_file = prepare_upload(upload)
            except ImageRejected as exc:
                raise ValidationError(str(exc)) from exc
            return self._new_file
        if upload is not False:  # False: "clear" was ticked
            held = self.held_picture()
            if held is not None:
                self._new_file = held
                return held
        return upload

    def save(self, commit=True):
        """A new picture joins the library and becomes the lead picture."""
        if self._new_file is not None:
            caption = self.cleaned_data.get("lead_image_caption", "").strip()
            if (
                self.cleaned_data.get("french_typography")
                and self.cleaned_data.get("language") == "fr"
            ):
                caption = typography.apply_to_text(caption)
            picture = Picture(
                alt=self.cleaned_data["lead_image_alt"].strip(),
                caption=caption,
                credit=self.cleaned_data.get("lead_image_credit", "").strip(),
                uploaded_by=self.request.user if self.request is not None else None,
            )
            picture.file.save(self._new_file.name, self._new_file, save=False)
            picture.save()
            self.instance.lead_picture = picture
            self._new_file = None
        return super().save(commit)

    def clean_tag_names(self):
        may_create = self.request is None or self.request.user.has_perm("articles.add_tag")
        try:
            self._tags = tags.resolve(self.cleaned_data["tag_names"], may_create=may_create)
        except tags.TagsRefused as refusal:
            raise ValidationError(str(refusal)) from refusal
        return self.cleaned_data["tag_names"]

    def save_tags(self) -> None:
        """Give the article the tags typed, in their order (after the article is saved)."""
        tags.give(self.instance, self._tags)

    def clean_body(self):
        """Every picture in the body is described, and comes from this site: the site's
        security policy blocks pictures from elsewhere (readers would see a hole)."""
        body = self.cleaned_data.get("body", "")
        problems = []
        for image in images_in(body):
            src = image.get("src", "")
            if not src.startswith("/") or src.startswith("//"):
                problems.append(
                    _(
                        "The picture %(address)s is on another site, which readers' browsers "
                        "will not show: insert it from the picture library instead."
                    )
                    % {"address": src[:120]}
                )
            elif not image.get("alt", "").strip() and not image.get("data-file"):
                problems.append(
                    _(
                        "The picture %(address)s in the body has no alt text: double-click it "
                        "and describe it for readers who cannot see it."
                    )
                    % {"address": src.rsplit("/", 1)[-1][:120]}
                )
        if problems:
            raise ValidationError(problems)
        return body

    def clean(self):
        cleaned = super().clean()
        if self._new_file is not None and not cleaned.get("lead_image_alt", "").strip():
            self.add_error(
                "lead_image_alt",
                _("Describe the new picture for readers who cannot see it."),
            )
        self._refuse_lost_update()
        if cleaned.get("status") == Article.Status.PUBLISHED:
            self._check_publication(cleaned)
        return cleaned

    def _refuse_lost_update(self):
        if self.instance.pk is None:
            return
        # During a restore the row already holds the old version: compare with the one it
        # replaces, read before the restore began.
        current = restoring_over(self.request) or (
            Article.objects.select_for_update(of=("self",))
            .select_related("updated_by")
            .only(
                "edit_token",
                "updated_at",
                "updated_by__username",
                "updated_by__first_name",
                "updated_by__last_name",
            )
            .get(pk=self.instance.pk)
        )
        loaded = self.cleaned_data.get("loaded_token")
        if loaded == current.edit_token:
            return
        # A second, deliberate save after merging goes through: the form now knows the
        # version it conflicts with.
        self.data = self.data.copy()
        self.data[self.add_prefix("loaded_token")] = str(current.edit_token)
        if loaded is None:
            # A form that does not say which version it was opened on may be older than
            # the last save: refused like a stale one, never taken for a fresh one.
            raise ValidationError(
                _(
                    "This form did not say which version of the article it was opened on, so "
                    "nothing was saved: your text is kept below. Check it against the current "
                    "version (open the article in a new tab), then save again."
                ),
                code="lost_update",
            )
        who = (
            (current.updated_by.get_full_name() or current.updated_by.get_username())
            if current.updated_by
            else _("someone else")
        )
        raise ValidationError(
            _(
                "%(who)s saved this article at %(when)s while you were editing it. Nothing was "
                "saved: your text is kept below. Open the article in a new tab to see their "
                "version, merge your changes here, then save again."
            )
            % {
                "who": who,
                "when": date_format(timezone.localtime(current.updated_at), "DATETIME_FORMAT"),
            },
            code="lost_update",
        )

    def _check_publication(self, cleaned):
        user = self.request.user if self.request else None
        if user is not None and not can_publish(user):
            raise ValidationError(
                {"status": _("You may not publish articles: submit it for review instead.")}
            )
        override = (cleaned.get("publish_override_reason") or "").strip()
        # Judge what the editor submitted, not the stored row: the form's values go on a
        # copy (the instance itself only gets them once the whole form is valid).
        submitted = copy.copy(self.instance)
        construct_instance(self, submitted, self._meta.fields, self._meta.exclude)
        if self._new_file is not None:
            submitted.lead_picture = Picture(
                alt=cleaned.get("lead_image_alt", ""), credit=cleaned.get("lead_image_credit", "")
            )
        # Bylines live in an inline: their check runs in BylineFormSet.
        problems = services.publication_problems(submitted, byline_count=1)
        if problems and not override:
            raise ValidationError(
                {
                    "status": [
                        *problems,
                        _("Fix these, or give a reason for publishing despite the checks."),
                    ]
                }
            )


class VisibilityFilter(admin.SimpleListFilter):
    title = gettext_lazy("visibility")
    parameter_name = "visibility"

    def lookups(self, request, model_admin):
        return [
            ("live", _("Visible to readers")),
            ("scheduled", _("Scheduled")),
            ("hidden", _("Not visible")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "live":
            return queryset.published()
        if self.value() == "scheduled":
            return queryset.scheduled()
        if self.value() == "hidden":
            return queryset.not_visible()
        return queryset


class HasImageFilter(admin.SimpleListFilter):
    title = gettext_lazy("lead image")
    parameter_name = "has_image"

    def lookups(self, request, model_admin):
        return [("yes", _("With an image")), ("no", _("Without an image"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(lead_picture__isnull=False)
        if self.value() == "no":
            return queryset.filter(lead_picture__isnull=True)
        return queryset


class SectionChoiceForm(forms.Form):
    section = forms.ModelChoiceField(
        queryset=Section.objects.all(), label=gettext_lazy("Move to section")
    )


@admin.register(Article)
class ArticleAdmin(NamedDateAndTime, VersionAdmin):
    form = ArticleAdminForm

    class Media:
        js = [
            "admin_newsroom/editor-words.js",  # the rich-text editor in the admin's language
            "admin_newsroom/autosave.js",  # work in progress kept, unsaved changes warned
            "admin_newsroom/tag-input.js",  # tags in one field, the site's tags suggested
        ]

    list_display = [
        "title",
        "status_badge",
        "section",
        "byline_names",
        "published_at",
        "pending_comments",
    ]
    list_filter = [
        "status",
        VisibilityFilter,
        "section",
        "bylines__author",
        HasImageFilter,
        "published_at",
        "is_featured",
        "language",
    ]
    list_select_related = ["section"]
    search_fields = ["title", "standfirst", "body"]
    # No slug typed as the headline is: the browser's rule (accents kept) is not the
    # site's (make_slug folds them), so the preview differed from the address saved. An
    # empty slug is made from the headline on save, by the one rule.
    date_hierarchy = "published_at"
    formfield_overrides = URL_FIELDS_HTTPS
    inlines = [
        BylineInline,
        PinnedRelatedInline,
        CorrectionInline,
        RedirectInline,
        ShareLinkInline,
    ]
    readonly_fields = ["created_at", "updated_at", "reading_time", "created_by", "updated_by"]
    actions = ["submit_for_review", "publish_selected", "unpublish_selected", "move_to_section"]
    change_form_template = "admin/articles/article/change_form.html"
    object_history_template = "admin/articles/article/object_history.html"
    fieldsets = [
        (None, {"fields": ["title", "slug", "standfirst", "body", "loaded_token"]}),
        (
            gettext_lazy("Lead image"),
            {
                "fields": [
                    "lead_picture",
                    "lead_image",
                    "held_lead_image",
                    "lead_image_alt",
                    "lead_image_caption",
                    "lead_image_credit",
                ]
            },
        ),
        (
            gettext_lazy("Classification"),
            {"fields": ["section", "tag_names", "language", "french_typography"]},
        ),
        (gettext_lazy("Source"), {"fields": ["source_kind", "source_name", "source_url"]}),
        (
            gettext_lazy("Search and sharing"),
            {"fields": ["seo_title", "seo_description"], "classes": ["collapse"]},
        ),
        (
            gettext_lazy("Publication"),
            {
                "fields": [
                    "status",
                    "published_at",
                    "publish_override_reason",
                    "is_featured",
                    "comments_open",
                    "created_at",
                    "created_by",
                    "updated_at",
                    "updated_by",
                    "reading_time",
                ]
            },
        ),
    ]

    # Who may do what -----------------------------------------------------------------

    def get_queryset(self, request):
        queryset = super().get_queryset(request).filter(shown_to(request.user))
        return queryset.with_pending_comment_counts().prefetch_related(
            Prefetch("bylines", queryset=ArticleAuthor.objects.select_related("author"))
        )

    def _may_edit(self, request, article: Article | None) -> bool:
        if article is None or can_edit_any(request.user):
            return True
        owns = Article.objects.filter(owned_by(request.user), pk=article.pk).exists()
        return owns and article.status in EDITABLE_BY_CONTRIBUTORS

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_edit(request, obj)

    # Revision history ----------------------------------------------------------------

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Restore an old version, judged on the article as it stands.

        django-reversion puts the old version on the row before the change form checks
        anything, so a contributor restoring his own old draft over a published article
        would be judged on a draft he owns. Who may restore, and which version the restore
        page was opened over (the lost-update check), come from the stored row.
        """
        current = Article.objects.select_related("updated_by").filter(pk=unquote(object_id)).first()
        if current is None:
            raise Http404
        if not self.has_change_permission(request, current):
            raise PermissionDenied
        setattr(request, _RESTORING_OVER, current)
        return super().revision_view(request, object_id, version_id, extra_context)

    def recoverlist_view(self, request, extra_context=None):
        # Deleted articles of every writer, titles included: editors only.
        if not can_edit_any(request.user):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        # A deleted article comes back with its old status and bylines: editors only.
        if not can_edit_any(request.user):
            raise PermissionDenied
        return super().recover_view(request, version_id, extra_context)

    def has_publish_permission(self, request):
        return can_publish(request.user)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not can_publish(request.user):
            fields += ["published_at", "is_featured", "publish_override_reason"]
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        # Read only: the form's own hidden bookkeeping, and the fields for a new picture,
        # have nothing to show a reader.
        hidden = {"loaded_token", "held_lead_image", *NEW_PICTURE_FIELDS}
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in hidden]})
            for name, options in fieldsets
        ]

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status" and not can_publish(request.user):
            kwargs["choices"] = [
                (value, label)
                for value, label in Article.Status.choices
                if value in EDITABLE_BY_CONTRIBUTORS
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def _autosave_context(self, request, article: Article | None) -> dict | None:
        """Where the form keeps its work in progress, and a copy to offer back, if any."""
        if article is not None and not self.has_change_permission(request, article):
            return None  # read only: nothing to keep
        info = self.model._meta.app_label, self.model._meta.model_name
        suffix, args = ("autosave", [article.pk]) if article else ("autosave_new", [])
        return {
            "url": reverse("admin:{}_{}_{}".format(*info, suffix), args=args),
            "discard_url": reverse("admin:{}_{}_{}_discard".format(*info, suffix), args=args),
            "fields": list(autosave.FIELDS),
            "offer": None
            if request.GET.get("restore") == "autosave"
            else autosave.copy_to_offer(request.user, article),
        }

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["autosave"] = self._autosave_context(request, obj)
        response = super().render_change_form(request, context, add, change, form_url, obj)
        # The rich-text editor loads through an inline import map: allow exactly that one.
        # Its ProseMirror core also inserts a <style> element, so this page (and only this
        # one) accepts inline styles; scripts stay locked down.
        response._csp_update = {
            "script-src": inline_script_hashes(str(context["media"])),
            "style-src": ["'unsafe-inline'"],
        }
        return response

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
        autosave.forget_after_save(request.user, obj, was_new=not change)

    def save_formset(self, request, form, formset, change):
        if formset.model is ShareLink:
            for link_form in formset.forms:
                link = link_form.instance
                if link_form.cleaned_data.get("revoke") and link.revoked_at is None:
                    link.revoked_at, link.revoked_by = timezone.now(), request.user
        super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.save_tags()
        article = form.instance
        profile = getattr(request.user, "author_profile", None)
        if not change and profile is not None and not article.bylines.exists():
            # A writer's own story carries their byline unless they chose others.
            ArticleAuthor.objects.create(article=article, author=profile)
        corrections = next((fs for fs in formsets if fs.model is Correction), None)
        if corrections is not None and corrections.has_changed():
            # A correction is news: readers see the article as updated.
            Article.objects.filter(pk=form.instance.pk).update(updated_at=timezone.now())

    @admin.display(description=gettext_lazy("tags"))
    def tag_names(self, article: Article) -> str:
        """The tags on a read-only page (the form's tag field where it can be changed)."""
        return tags.as_text(article.tags_in_order)

    # List columns ------------------------------------------------------------------

    @admin.display(description=gettext_lazy("authors"))
    def byline_names(self, article: Article) -> str:
        return ", ".join(byline.author.name for byline in article.bylines.all())

    @admin.display(
        description=gettext_lazy("comments to moderate"), ordering="pending_comment_count"
    )
    def pending_comments(self, article: Article):
        count = getattr(article, "pending_comment_count", 0)
        if not count:
            return "–"
        url = reverse("admin:comments_comment_changelist")
        return format_html(
            '<a href="{}?article={}&status__exact=pending">{}</a>', url, article.pk, count
        )

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_badge(self, article: Article) -> str:
        if article.is_scheduled:
            label = _("Scheduled for %(when)s") % {
                "when": date_format(timezone.localtime(article.published_at), "DATETIME_FORMAT")
            }
            kind = "scheduled"
        else:
            label, kind = article.get_status_display(), article.status
        return format_html('<span class="status-badge status-badge--{}">{}</span>', kind, label)

    # Actions -----------------------------------------------------------------------

    def _confirm(self, request, queryset, *, action, title, change, form=None):
        """Show what an action will change; run it only once the editor confirms."""
        return TemplateResponse(
            request,
            "admin/articles/article/confirm_action.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "opts": self.model._meta,
                "action": action,
                "rows": [(article, change(article)) for article in queryset],
                "form": form,
                "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=gettext_lazy("Submit for review"), permissions=["change"])
    def submit_for_review(self, request, queryset):
        movable = [a for a in queryset if a.status == Article.Status.DRAFT]
        if "confirm" not in request.POST:
            return self._confirm(
                request,
                movable,
                action="submit_for_review",
                title=_("Submit for review"),
                change=lambda a: (a.get_status_display(), Article.Status.REVIEW.label),
            )
        for article in movable:
            services.submit_for_review(article, user=request.user)
        self.message_user(
            request,
            _("%(count)d article(s) submitted for review.") % {"count": len(movable)},
            messages.SUCCESS,
        )
        return None

    @admin.action(
        description=gettext_lazy("Publish (or schedule) selected articles"), permissions=["publish"]
    )
    def publish_selected(self, request, queryset):
        if "confirm" not in request.POST:
            return self._confirm(
                request,
                queryset,
                action="publish_selected",
                title=_("Publish articles"),
                change=self._publish_preview,
            )
        published, refused = 0, []
        for article in queryset:
            try:
                services.publish_article(article, user=request.user, at=article.published_at)
                published += 1
            except services.PublicationRefused as exc:
                refused.append(f"{article}: {' '.join(exc.problems)}")
        if published:
            self.message_user(
                request,
                _("%(count)d article(s) published or scheduled.") % {"count": published},
                messages.SUCCESS,
            )
        for line in refused:
            self.message_user(
                request, _("Not published: %(reason)s") % {"reason": line}, messages.ERROR
            )
        return None

    def _publish_preview(self, article):
        problems = services.publication_problems(article)
        if problems:
            return (article.get_status_display(), _("refused: ") + " ".join(problems))
        when = (
            article.published_at
            if article.published_at and article.published_at > timezone.now()
            else None
        )
        target = (
            _("Scheduled for %(when)s")
            % {"when": date_format(timezone.localtime(when), "DATETIME_FORMAT")}
            if when
            else Article.Status.PUBLISHED.label
        )
        return (article.get_status_display(), target)

    @admin.action(description=gettext_lazy("Unpublish selected articles"), permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        if "confirm" not in request.POST:
            return self._confirm(
                request,
                queryset,
                action="unpublish_selected",
                title=_("Unpublish articles"),
                change=lambda a: (a.get_status_display(), Article.Status.UNPUBLISHED.label),
            )
        for article in queryset:
            services.unpublish_article(article, user=request.user)
        self.message_user(
            request,
            _("%(count)d article(s) unpublished.") % {"count": len(queryset)},
            messages.SUCCESS,
        )
        return None

    @admin.action(
        description=gettext_lazy("Move selected articles to a section"), permissions=["publish"]
    )
    def move_to_section(self, request, queryset):
        form = SectionChoiceForm(request.POST if "confirm" in request.POST else None)
        if "confirm" not in request.POST or not form.is_valid():
            target = form.cleaned_data.get("section") if form.is_bound and form.is_valid() else None
            return self._confirm(
                request,
                queryset,
                action="move_to_section",
                title=_("Move articles"),
                change=lambda a: (a.section.name, target.name if target else "…"),
                form=form,
            )
        moved = services.move_to_section(
            queryset, section=form.cleaned_data["section"], user=request.user
        )
        self.message_user(
            request, _("%(count)d article(s) moved.") % {"count": moved}, messages.SUCCESS
        )
        return None

    # Preview, share links, diffs -------------------------------------------------------

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        view = self.admin_site.admin_view
        autosaving = view(require_POST(self.autosave_view))
        discarding = view(require_POST(self.discard_autosave_view))
        return [
            path("<int:pk>/preview/", view(self.preview_view), name="{}_{}_preview".format(*info)),
            path("<int:pk>/share/", view(self.share_view), name="{}_{}_share".format(*info)),
            path("autosave/", autosaving, name="{}_{}_autosave_new".format(*info)),
            path("<int:pk>/autosave/", autosaving, name="{}_{}_autosave".format(*info)),
            path("autosave/discard/", discarding, name="{}_{}_autosave_new_discard".format(*info)),
            path(
                "<int:pk>/autosave/discard/",
                discarding,
                name="{}_{}_autosave_discard".format(*info),
            ),
            path(
                "<int:pk>/history/<int:revision_id>/diff/",
                view(self.diff_view),
                name="{}_{}_diff".format(*info),
            ),
        ] + super().get_urls()

    def _viewable(self, request, pk) -> Article:
        article = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        return article

    def _autosaved_article(self, request, pk) -> Article | None:
        """The article a copy is about (None: a new one), if this person may write it."""
        if pk is None:
            if not self.has_add_permission(request):
                raise PermissionDenied
            return None
        # The list's rule of who sees what, without the list's counts and bylines: this runs
        # every few seconds for each person writing.
        article = get_object_or_404(Article.objects.filter(shown_to(request.user)), pk=pk)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        return article

    def autosave_view(self, request, pk=None):
        return autosave.save_copy(request, self._autosaved_article(request, pk))

    def discard_autosave_view(self, request, pk=None):
        article = self._autosaved_article(request, pk)
        autosave.discard(request.user, article)
        info = self.model._meta.app_label, self.model._meta.model_name
        if article is None:
            return HttpResponseRedirect(reverse("admin:{}_{}_add".format(*info)))
        return HttpResponseRedirect(reverse("admin:{}_{}_change".format(*info), args=[pk]))

    def preview_view(self, request, pk):
        return preview.render(request, self._viewable(request, pk), shared=False)

    def share_view(self, request, pk):
        article = self._viewable(request, pk)
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[pk]))
        link = preview.create_share_link(article, request.user)
        self.message_user(
            request,
            format_html(
                _("Share link for reviewers, valid for {hours} hours: {url}"),
                hours=preview.SHARE_HOURS,
                url=request.build_absolute_uri(link.get_absolute_url()),
            ),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[pk]))

    def diff_view(self, request, pk, revision_id):
        article = self._viewable(request, pk)
        versions = list(Version.objects.get_for_object(article).select_related("revision__user"))
        version = next((v for v in versions if v.revision_id == revision_id), None)
        if version is None:
            raise Http404(_("This article has no such revision."))
        older = versions[versions.index(version) + 1] if versions[-1] != version else None
        rows = []
        for name in DIFF_FIELDS:
            field = Article._meta.get_field(name)
            before = _readable(field, older.field_dict.get(field.attname) if older else None)
            after = _readable(field, version.field_dict.get(field.attname))
            if before != after:
                rows.append((field.verbose_name, _html_diff(before, after)))
        return TemplateResponse(
            request,
            "admin/articles/article/diff.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": article,
                "version": version,
                "older": older,
                "rows": rows,
                "title": _("Changes in this revision"),
            },
        )


DIFF_FIELDS = [
    "title",
    "standfirst",
    "body",
    "section",
    "status",
    "published_at",
    "source_name",
    "source_url",
    "lead_picture",
]
# Where a paragraph, heading or list item ends, the text of the body goes on after a space.
_BLOCK_END = re.compile(r"</(p|h[1-6]|li|blockquote|figcaption|td|th)>|<br\s*/?>", re.IGNORECASE)


def _readable(field, value) -> str:
    """A stored value as an editor reads it: the body's text rather than its HTML, a
    status's label rather than its code, a date in words, a section's name, nothing for
    an empty value."""
    if value is None or value == "":
        return ""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else _("(deleted)")
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if field.name in {"body", "standfirst"}:
        return " ".join(strip_tags(_BLOCK_END.sub(" ", str(value))).split())
    return str(value)


def _html_diff(before: str, after: str) -> list[tuple[str, str]]:
    """Word-level diff as (kind, text) pairs; the template escapes the text."""
    old, new = before.replace(">", "> ").split(), after.replace(">", "> ").split()
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("same", " ".join(old[i1:i2])))
        if op in {"delete", "replace"}:
            out.append(("removed", " ".join(old[i1:i2])))
        if op in {"insert", "replace"}:
            out.append(("added", " ".join(new[j1:j2])))
    return out


@admin.register(HomepagePin)
class HomepagePinAdmin(admin.ModelAdmin):
    list_display = ["slot", "article", "pinned_until", "is_active"]
    autocomplete_fields = ["article"]

    @admin.display(boolean=True, description=gettext_lazy("active"))
    def is_active(self, pin: HomepagePin) -> bool:
        return pin.pinned_until > timezone.now()


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "user"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


# Articles are tagged with articles.Tag; taggit's own Tag model, which its admin module
# registers, holds nothing here.
if admin.site.is_registered(TaggitTag):
    admin.site.unregister(TaggitTag)

# Staff accounts and roles: nobody grants more than they hold (articles/staff.py).
for model, model_admin in ((get_user_model(), StaffUserAdmin), (Group, StaffGroupAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
