from django import template

from .. import cards

register = template.Library()


@register.simple_tag
def article_card(article, **options):
    """`{% article_card article size="row" level=2 show_image=True … %}` (articles/cards.py)."""
    return cards.article_card(article, **options)


@register.filter
def comment_count(count) -> str:
    """ "3 commentaires": what `{% blocktranslate count %}` wrote, for a fraction of its cost."""
    return cards.comment_count(int(count))


@register.filter
def reading_time(minutes) -> str:
    """ "4 minutes de lecture" (same message as the template's former blocktranslate)."""
    return cards.reading_time(int(minutes))


@register.simple_tag
def byline(bylines):
    return cards.byline(bylines)


@register.simple_tag
def picture(article, sizes, priority=False, lazy=False, css_class=""):
    return cards.picture(article, sizes, priority=priority, lazy=lazy, css_class=css_class)


@register.simple_tag(takes_context=True)
def sections_nav(context):
    """The section navigation (articles/navigation.py)."""
    from ..navigation import sections_nav

    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    return sections_nav(
        request,
        context.get("current_section_slug") or "",
        is_home=bool(match and match.url_name == "index"),
    )


@register.simple_tag(takes_context=True)
def language_versions(context) -> list[dict]:
    """This page in each of the site's languages: [{code, name, url, is_current}].

    What translate_url(path, code) gives for each code, with the path resolved once rather
    than once per language (resolving does not depend on `code`, only on the active
    language, the same for the whole loop) and the links reversed by url_for().
    """
    from urllib.parse import unquote, urlsplit, urlunsplit

    from django.conf import settings
    from django.urls import NoReverseMatch, Resolver404, resolve, reverse
    from django.utils.translation import get_language, get_language_info, override

    from ..links import url_for

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
                    reversed_path = (
                        reverse(name, args=match.args, kwargs=match.kwargs)
                        if match.args
                        else url_for(name, **match.kwargs)
                    )
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
