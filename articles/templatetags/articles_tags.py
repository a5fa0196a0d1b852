from django import template

from .. import cards

register = template.Library()


@register.simple_tag
def article_card(article, **options):
    """`{% article_card article size="row" level=2 show_image=True … %}` (articles/cards.py)."""
    return cards.article_card(article, **options)


@register.simple_tag
def byline(bylines):
    return cards.byline(bylines)


@register.simple_tag
def picture(article, sizes, priority=False, lazy=False, css_class=""):
    return cards.picture(article, sizes, priority=priority, lazy=lazy, css_class=css_class)


@register.simple_tag(takes_context=True)
def language_versions(context) -> list[dict]:
    """This page in each of the site's languages: [{code, name, url, is_current}]."""
    from django.conf import settings
    from django.urls import translate_url
    from django.utils.translation import get_language, get_language_info

    request = context.get("request")
    path = request.get_full_path() if request else "/"
    current = get_language()
    return [
        {
            "code": code,
            "name": get_language_info(code)["name_local"],
            "url": translate_url(path, code),
            "is_current": code == current,
        }
        for code, _ in settings.LANGUAGES
    ]
