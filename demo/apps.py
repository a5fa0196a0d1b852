from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo content and the demo editor's account: `manage.py load_demo`, `demo_editor`."""

    name = "demo"
    verbose_name = _("Demo content")
