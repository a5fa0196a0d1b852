from django import template
from django.core.files.storage import default_storage

register = template.Library()


@register.filter
def srcset(renditions: list[dict], kind: str) -> str:
    """`url 480w, url 800w…` for the renditions of one kind ("webp" or "fallback")."""
    return ", ".join(f"{default_storage.url(r[kind])} {r['width']}w" for r in renditions or [])


@register.filter
def largest(renditions: list[dict], kind: str) -> str:
    return default_storage.url(renditions[-1][kind]) if renditions else ""


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
