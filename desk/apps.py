from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    """The editors' desk: the admin's home, where the newsroom sees what it is doing today.

    It reads the content apps (articles, comments) through their query sets and the
    admin's own rules of who sees what; none of them imports it."""

    name = "desk"
    verbose_name = _("Editors' desk")
