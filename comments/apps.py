from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("Comments")

    def ready(self) -> None:
        from articles.pagecache import register_fragment

        from .templatetags.comment_tags import render_form

        # Cached article pages render each reader's comment form (tokens) on the way out.
        register_fragment("comment_form", render_form)
