"""Autosave of the article form: a per-person copy of the work in progress.

The change form posts its fields every few seconds (static/admin_newsroom/autosave.js);
the copy never touches the article. Opened again, the form offers the copy back when it
is newer than the article's last save; saving the article, or setting the copy aside,
removes it. Pictures (files) and the inline rows (bylines, tags) are not in the copy.
"""

from __future__ import annotations

import uuid

from django.http import JsonResponse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from . import tags
from .models import Article, AutosavedCopy

# The form's own fields that a copy keeps.
FIELDS = [
    "title",
    "slug",
    "standfirst",
    "body",
    "section",
    "tag_names",
    "language",
    "french_typography",
    "source_kind",
    "source_name",
    "source_url",
    "seo_title",
    "seo_description",
    "lead_picture",
]
LONGEST_TEXT = 500_000  # the body, which the model does not limit
CHECKBOXES = {"french_typography"}


def longest(name: str) -> int:
    """The longest value a copy keeps for a field: the model's own limit."""
    if name == "tag_names":
        return tags.LONGEST_FIELD
    field = Article._meta.get_field(name)
    if field.is_relation:
        return 20  # a primary key
    return field.max_length or LONGEST_TEXT


def key_of(article: Article | None) -> str:
    return str(article.pk) if article is not None else AutosavedCopy.NEW


def copy_to_offer(user, article: Article | None) -> AutosavedCopy | None:
    """The person's copy of this article, if it holds work the article does not have."""
    copy = AutosavedCopy.objects.filter(user=user, key=key_of(article)).first()
    if copy is None or (article is not None and copy.saved_at <= article.updated_at):
        return None
    return copy


def initial_from(copy: AutosavedCopy) -> dict:
    """The copy's values as a form's initial data."""
    initial = {name: value for name, value in copy.fields.items() if name in FIELDS}
    for name in CHECKBOXES & initial.keys():
        initial[name] = initial[name] == "on"
    return initial


def save_copy(request, article: Article | None) -> JsonResponse:
    """Keep the posted fields as this person's copy; 400 with a reason for bad input."""
    fields = {}
    for name in FIELDS:
        value = request.POST.get(name)
        if name in CHECKBOXES:
            value = "on" if value == "on" else ""
        if value is None:
            continue
        if len(value) > longest(name):
            return JsonResponse(
                {"error": _("%(field)s is too long to keep.") % {"field": name}}, status=400
            )
        fields[name] = value
    try:
        token = (
            uuid.UUID(request.POST["loaded_token"]) if request.POST.get("loaded_token") else None
        )
    except ValueError:
        return JsonResponse({"error": _("The form's version token is not valid.")}, status=400)
    copy, _created = AutosavedCopy.objects.update_or_create(
        user=request.user, key=key_of(article), defaults={"fields": fields, "loaded_token": token}
    )
    saved_at = timezone.localtime(copy.saved_at)
    return JsonResponse(
        {
            "saved_at": saved_at.isoformat(),
            "message": _("Work in progress kept at %(time)s")
            % {"time": time_format(saved_at, "H:i:s")},
        }
    )


def discard(user, article: Article | None) -> None:
    AutosavedCopy.objects.filter(user=user, key=key_of(article)).delete()


def forget_after_save(user, article: Article, *, was_new: bool) -> None:
    """The article is saved: the person's copy of it (and of the new form) has no use."""
    keys = [key_of(article)] + ([AutosavedCopy.NEW] if was_new else [])
    AutosavedCopy.objects.filter(user=user, key__in=keys).delete()
