"""The admin site: Django's, with "view on site" limited to what a staff member may see.

Django's "view on site" address (`/admin/r/<type>/<id>/`) redirects any staff member to any
object's public address, whatever their permissions: a share link's secret preview
address, another writer's draft. Here it redirects only for objects this admin shows that
person. (Kept apart from the model admins: the site class is loaded before them.)
"""

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.http import Http404
from django.urls import path
from django.views.i18n import JavaScriptCatalog

from . import admin_language


class NewsroomAdminSite(admin.AdminSite):
    """Django's admin site, with "view on site" limited to what the staff member may see."""

    def get_urls(self):
        urls = super().get_urls()
        checked = path(
            "r/<path:content_type_id>/<path:object_id>/",
            self.admin_view(self.view_on_site),
            name="view_on_site",
        )
        language = path(
            "language/",
            self.admin_view(admin_language.language_view),
            {"admin_site": self},
            name="language",
        )
        return [language] + [
            checked if getattr(url, "name", None) == "view_on_site" else url for url in urls
        ]

    def i18n_javascript(self, request, extra_context=None):
        """The admin's JavaScript words, the rich-text editor's included (its own catalogue,
        completed by the project's djangojs catalogue for the words it does not cover)."""
        return JavaScriptCatalog.as_view(packages=["django.contrib.admin", "django_prose_editor"])(
            request
        )

    def view_on_site(self, request, content_type_id, object_id):
        """Redirect to the object's page if it is one this admin shows this person."""
        try:
            model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
        except (ValueError, ContentType.DoesNotExist):
            raise Http404 from None
        model_admin = self._registry.get(model)
        obj = model_admin.get_object(request, object_id) if model_admin else None
        if obj is None or not model_admin.has_view_or_change_permission(request, obj):
            raise Http404
        return shortcut(request, content_type_id, object_id)
