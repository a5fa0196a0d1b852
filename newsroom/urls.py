from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _

from .views import favicon, serve_media

admin.site.site_header = _("Newsroom: the newsroom")
admin.site.site_title = _("Newsroom admin")
admin.site.index_title = _("Write, edit and publish")

urlpatterns = [
    # Browsers ask for /favicon.ico on every page that names no icon (the admin's).
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
# The reader site is French at / and English under /en/: one address per language, so a
# page never varies by browser settings and caches cleanly.
urlpatterns += i18n_patterns(
    path("commentaires/", include("comments.urls")),
    path("", include("articles.urls")),
    prefix_default_language=False,
)

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(
            r"^%s(?P<path>.+)$" % settings.MEDIA_URL.lstrip("/"), serve_media, name="media"
        )
    ]
