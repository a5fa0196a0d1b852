"""Every column and field the admin shows is named in the site's words, translated: no
label made by Django from a field's name ("OLD SLUG", "CREATED AT")."""

import pytest
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.test import RequestFactory
from django.utils.functional import Promise

OURS = {"articles", "comments", "related", "wpimport", "demo"}


def shown_fields(model_admin, request):
    """(model, field name) of every model field in the list and the forms, inlines too."""
    model = model_admin.model
    names = [n for n in model_admin.get_list_display(request) if isinstance(n, str)]
    names += [n for n in model_admin.get_list_filter(request) if isinstance(n, str)]
    names += list(model_admin.get_fields(request))
    for name in names:
        yield model, name
    for inline in model_admin.get_inline_instances(request):
        for name in inline.get_fields(request):
            yield inline.model, name


def test_every_model_field_the_admin_shows_has_a_translated_name(admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    untranslated = set()
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in OURS:
            continue
        if not isinstance(model._meta.verbose_name, Promise):
            untranslated.add(f"{model.__name__} (its name)")
        for shown_model, name in shown_fields(model_admin, request):
            try:
                field = shown_model._meta.get_field(name.split("__")[0])
            except FieldDoesNotExist:
                continue  # a method or a form-only field: its label is checked where it is made
            if field.auto_created and not field.concrete:
                continue  # a reverse relation: the related model names it
            if not isinstance(field.verbose_name, Promise):
                untranslated.add(f"{shown_model.__name__}.{field.name}")
    assert sorted(untranslated) == []


pytestmark = pytest.mark.django_db
