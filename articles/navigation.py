"""The section navigation every reader page prints.

It lists the sections that have an article readers can see (an empty section keeps its
page, for an editor who wants it, but is not offered to readers), in the editors' order.
Every page that prints it carries the `frame` key: renaming, adding or reordering a
section, or a section gaining its first or losing its last visible article, purges it
(articles/purges.py).
"""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from pagecache import add_keys

from .models import Section
from .purges import FRAME


def sections_nav(
    request: HttpRequest | None, current_section_slug: str = "", *, is_home: bool = False
) -> SafeString:
    """The <nav> of sections in the active language, the current page's link marked."""
    if request is not None:
        add_keys(request, FRAME)
    html = render_to_string(
        "articles/_sections_nav.html",
        {
            "nav_sections": Section.objects.with_visible_articles(),
            "current_section_slug": current_section_slug,
            "is_home": is_home,
        },
    )
    # A template's output, escaped by the template.
    return mark_safe(html.strip())  # noqa: S308
