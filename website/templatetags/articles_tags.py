"""What the reader templates need beyond Django's own tags: picture addresses, counts in
words, the section navigation and the page in each language. Markup stays in templates
(templates/articles/_card.html, _byline.html, _picture.html, _sections_nav.html)."""

from urllib.parse import unquote, urlsplit, urlunsplit

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.translation import get_language, get_language_info, ngettext, override

from articles.models import Section
from articles.purges import FRAME
from pagecache import add_keys
from pagecache.memo import remember

register = template.Library()


@register.filter
def comment_count(count) -> str:
    """ "3 commentaires"."""
    count = int(count)
    return ngettext("%(counter)s comment", "%(counter)s comments", count) % {"counter": count}


@register.filter
def reading_time(minutes) -> str:
    """ "4 minutes de lecture"."""
    minutes = int(minutes)
    return ngettext("%(minutes)s minute read", "%(minutes)s minutes read", minutes) % {
        "minutes": minutes
    }


@register.inclusion_tag("articles/_sections_nav.html", takes_context=True)
def sections_nav(context) -> dict:
    """The <nav> of sections, the current page's link marked.

    It lists the sections that have an article readers can see (an empty section keeps its
    page, for an editor who wants it, but is not offered to readers), in the editors'
    order. Every page that prints it carries the `frame` key: renaming, adding or
    reordering a section, or a section gaining its first or losing its last visible
    article, purges it (articles/purges.py); the list itself is kept in the shared cache
    under that key (pagecache/memo.py), so a page rendered after no such change reads it
    without a query.
    """
    request = context.get("request")
    if request is not None:
        add_keys(request, FRAME)
    match = getattr(request, "resolver_match", None)
    return {
        "nav_sections": remember(
            "nav-sections", [FRAME], lambda: list(Section.objects.with_visible_articles())
        ),
        "current_section_slug": context.get("current_section_slug") or "",
        "is_home": bool(match and match.url_name == "index"),
    }


@register.simple_tag(takes_context=True)
def language_versions(context) -> list[dict]:
    """This page in each of the site's languages: [{code, name, url, is_current}].

    What translate_url(path, code) gives for each code, with the path resolved once rather
    than once per language (resolving does not depend on `code`, only on the active
    language, the same for the whole loop).
    """
    request = context.get("request")
    path = request.get_full_path() if request else "/"
    current = get_language()
    parsed = urlsplit(path)
    try:
        match = resolve(unquote(parsed.path))
    except Resolver404:
        match = None
    versions = []
    for code, _ in settings.LANGUAGES:
        url = path
        if match is not None:
            name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
            with override(code):
                try:
                    reversed_path = reverse(name, args=match.args, kwargs=match.kwargs)
                except NoReverseMatch:
                    pass
                else:
                    url = urlunsplit(
                        (parsed.scheme, parsed.netloc, reversed_path, parsed.query, parsed.fragment)
                    )
        versions.append(
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": url,
                "is_current": code == current,
            }
        )
    return versions
