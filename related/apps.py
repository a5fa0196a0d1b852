from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class RelatedConfig(AppConfig):
    """Related-article suggestions: the engine, its tables, and the refresh after each save."""

    name = "related"
    verbose_name = _("Related articles")

    def ready(self) -> None:
        from .tasks import article_saved

        post_save.connect(article_saved, sender="articles.Article", dispatch_uid="related.refresh")
