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
