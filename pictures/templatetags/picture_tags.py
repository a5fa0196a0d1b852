"""Filters that turn a picture's stored renditions into addresses for templates."""

from django import template
from django.core.files.storage import default_storage

from pictures import images

register = template.Library()


srcset = register.filter("srcset", images.srcset)


@register.filter
def largest(renditions: list[dict] | None, kind: str) -> str:
    return default_storage.url(renditions[-1][kind]) if renditions else ""


@register.filter
def smallest(renditions: list[dict] | None, kind: str) -> str:
    return default_storage.url(renditions[0][kind]) if renditions else ""


@register.filter
def stored_url(name: str | None) -> str:
    """The address of a file in the media storage, by its stored name."""
    return default_storage.url(name) if name else ""
