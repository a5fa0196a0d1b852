from django.conf import settings

from articles.models import Section


def site(request):
    """What every page's header and footer show: the site name and the section navigation."""
    return {
        "site_name": settings.NEWSROOM["SITE_NAME"],
        # A lazy queryset: pages that never print the navigation never run it.
        "nav_sections": Section.objects.all(),
    }
