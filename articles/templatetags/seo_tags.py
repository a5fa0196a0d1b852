"""Search-engine and sharing tags for page heads (articles/seo.py builds the values)."""

from django import template
from django.db.models import prefetch_related_objects

from .. import seo

register = template.Library()


@register.filter
def page_title(article) -> str:
    return seo.page_title(article)


@register.filter
def page_description(article) -> str:
    return seo.page_description(article)


@register.simple_tag(takes_context=True)
def article_seo_head(context, article):
    """Canonical link, OpenGraph, Twitter card and JSON-LD of a public article page."""
    # Fetched once here, the corrections are reused by the page body that lists them.
    prefetch_related_objects([article], "corrections")
    return seo.head_tags(article, context["request"], context.get("site_name", ""))
