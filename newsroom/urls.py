from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _

from articles.purges import SITEMAPS as SITEMAPS_KEY
from pagecache import public_page
from website.sitemaps import SITEMAPS, NewsSitemap, robots_txt

from .views import favicon, serve_media

admin.site.site_header = _("Newsroom: the newsroom")
admin.site.site_title = _("Newsroom admin")

urlpatterns = [
    # Browsers ask for /favicon.ico on every page that names no icon (the admin's).
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # One set for the whole site (articles' French addresses), so outside i18n_patterns.
    path("robots.txt", public_page(robots_txt), name="robots_txt"),
    path(
        "sitemap.xml",
        public_page(sitemap_views.index, SITEMAPS_KEY),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap"},
        name="sitemap_index",
    ),
    path(
        "sitemap-news.xml",
        public_page(sitemap_views.sitemap, SITEMAPS_KEY),
        {"sitemaps": {"news": NewsSitemap}, "template_name": "articles/sitemap_news.xml"},
        name="sitemap_news",
    ),
    path(
        "sitemap-<slug:section>.xml",
        public_page(sitemap_views.sitemap, SITEMAPS_KEY),
        {"sitemaps": SITEMAPS, "template_name": "articles/sitemap.xml"},
        name="sitemap",
    ),
]
# The reader site is French at / and English under /en/: one address per language, so a
# page never varies by browser settings and caches cleanly.
urlpatterns += i18n_patterns(
    path("commentaires/", include("website.comment_urls")),
    path("", include("website.urls")),
    prefix_default_language=False,
)

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(
            r"^{}(?P<path>.+)$".format(settings.MEDIA_URL.lstrip("/")), serve_media, name="media"
        )
    ]
