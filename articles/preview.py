"""Previews of unpublished articles: for staff in the admin, and signed links for reviewers."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from .models import Article, ShareLink

SHARE_HOURS = settings.NEWSROOM.get("PREVIEW_LINK_HOURS", 48)


def create_share_link(article: Article, user) -> ShareLink:
    """A link anyone can open for SHARE_HOURS hours; it shows the article as it is then."""
    return ShareLink.objects.create(
        article=article,
        created_by=user,
        expires_at=timezone.now() + timedelta(hours=SHARE_HOURS),
    )


def render_preview(request: HttpRequest, article: Article, *, shared: bool) -> HttpResponse:
    """The article through the real reader template, marked as a preview, never cached."""
    from .views import ArticleDetailView

    article = Article.objects.for_article_page().get(pk=article.pk)
    view = ArticleDetailView(request=request, kwargs={}, object=article)
    context = view.get_context_data(object=article, is_preview=True, shared_preview=shared)
    response = TemplateResponse(request, view.template_name, context)
    return no_store(response)


def no_store(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
