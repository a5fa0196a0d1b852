from django.contrib.admin.apps import AdminConfig


class NewsroomAdminConfig(AdminConfig):
    """Django's admin, on the site class of articles.admin_site (view on site checked)."""

    default_site = "articles.admin_site.NewsroomAdminSite"
