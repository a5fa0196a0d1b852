from types import SimpleNamespace

from django.conf import settings
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from articles.models import Section
from articles.pagecache import per_generation


def site(request):
    """What every page's header and footer show: the site name and the section navigation."""
    return {
        "site_name": settings.NEWSROOM["SITE_NAME"],
        # Lazy: pages that never print the navigation (the admin's) never read it.
        "nav_sections": SimpleLazyObject(_current_navigation),
    }


def _current_navigation() -> list[SimpleNamespace]:
    links = navigation()
    return links.get(get_language()) or links[settings.LANGUAGE_CODE]


@per_generation
def navigation() -> dict[str, list[SimpleNamespace]]:
    """Each language's section links, read once per generation (sections change rarely)."""
    from django.utils import translation

    sections = list(Section.objects.values_list("name", "slug"))
    links = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            links[code] = [
                SimpleNamespace(name=name, slug=slug, url=Section(slug=slug).get_absolute_url())
                for name, slug in sections
            ]
    return links
