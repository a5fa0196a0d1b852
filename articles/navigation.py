"""The section navigation every reader page prints, rendered once per generation.

The loop over sections was half the cost of the page frame (base.html, about 0.4 ms a
page). Its HTML depends only on the sections, the language and which link is the current
page, so it is rendered once for each of those few combinations and kept until readers'
content next changes (`pagecache.per_generation`: renaming, adding or reordering a
section moves the generation).
"""

from __future__ import annotations

from types import SimpleNamespace

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from .models import Section
from .pagecache import per_generation


@per_generation
def navigation() -> dict[str, list[SimpleNamespace]]:
    """Each language's section links (name, slug, url), read once per generation."""
    sections = list(Section.objects.values_list("name", "slug"))
    links = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            links[code] = [
                SimpleNamespace(name=name, slug=slug, url=Section(slug=slug).get_absolute_url())
                for name, slug in sections
            ]
    return links


@per_generation
def _rendered() -> dict[tuple, SafeString]:
    return {}


def sections_nav(current_section_slug: str = "", *, is_home: bool = False) -> SafeString:
    """The <nav> of sections in the active language, the current page's link marked."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    key = (language, current_section_slug or "", is_home)
    rendered = _rendered()
    html = rendered.get(key)
    if html is None:
        links = navigation()
        html = render_to_string(
            "articles/_sections_nav.html",
            {
                "nav_sections": links.get(language) or links[settings.LANGUAGE_CODE],
                "current_section_slug": current_section_slug,
                "is_home": is_home,
            },
        )
        # A template's output, escaped by the template.
        html = rendered[key] = mark_safe(html.strip())  # noqa: S308
    return html
