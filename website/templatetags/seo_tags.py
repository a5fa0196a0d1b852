"""Search-engine and sharing tags for page heads (website/seo.py builds the values)."""

from django import template

from website import seo

register = template.Library()


@register.filter
def page_title(article) -> str:
    return seo.page_title(article)


@register.filter
def page_description(article) -> str:
    return seo.page_description(article)


@register.inclusion_tag("articles/_seo_head.html", takes_context=True)
def article_seo_head(context, article) -> dict:
    """Canonical link, OpenGraph, Twitter card and JSON-LD of a public article page."""
    return seo.head_context(article, context["request"], context.get("site_name", ""))
