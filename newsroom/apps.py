from django.contrib.admin.apps import AdminConfig


class NewsroomAdminConfig(AdminConfig):
    """Django's admin on the desk's site class: the dashboard as its home, view on site checked."""

    default_site = "desk.admin_site.DeskAdminSite"
