"""The admin site with the desk as its home page."""

from django.utils.translation import gettext_lazy as _

from articles.admin_site import NewsroomAdminSite

from . import dashboard


class DeskAdminSite(NewsroomAdminSite):
    index_template = "desk/index.html"
    index_title = _("Today at the desk")

    def index(self, request, extra_context=None):
        context = {"desk": dashboard.for_request(request), **(extra_context or {})}
        return super().index(request, context)
