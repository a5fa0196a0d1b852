from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebsiteConfig(AppConfig):
    """The reader site: pages, feeds, sitemaps, search-engine heads and comment posting.

    It reads the content apps (articles, comments, related, search) and the page cache;
    none of them imports it."""

    name = "website"
    verbose_name = _("Reader site")
