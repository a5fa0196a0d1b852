from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import pre_save

        from . import admin_language, purges
        from .roles import sync_roles
        from .text import clean_single_line_fields

        purges.connect()
        user_logged_in.connect(
            admin_language.forget_on_login, dispatch_uid="articles.admin-language"
        )
        from pictures.models import Picture

        for model in [*self.get_models(), Picture]:
            pre_save.connect(
                clean_single_line_fields, sender=model, dispatch_uid=f"single-line.{model.__name__}"
            )
        # After every app's migrations, so permissions of later apps exist by the end.
        post_migrate.connect(sync_roles, dispatch_uid="articles.sync_roles")
