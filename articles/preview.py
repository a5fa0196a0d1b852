"""Previews of unpublished articles: share links for reviewers, and how previews answer.

The preview page itself is the reader's article page, drawn by the reader site
(`website.views.render_preview`): the admin reaches it through the setting
NEWSROOM["PREVIEW_VIEW"], so that this app never imports the site that shows it."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.module_loading import import_string

from .models import Article, ShareLink

SHARE_HOURS = settings.NEWSROOM.get("PREVIEW_LINK_HOURS", 48)
PREVIEW_VIEW = settings.NEWSROOM.get("PREVIEW_VIEW", "website.views.render_preview")


def render(request, article: Article, *, shared: bool) -> HttpResponse:
    """The article as readers would see it, marked as a preview and never cached."""
    return import_string(PREVIEW_VIEW)(request, article, shared=shared)


def create_share_link(article: Article, user) -> ShareLink:
    """A link anyone can open for SHARE_HOURS hours; it shows the article as it is then."""
    return ShareLink.objects.create(
        article=article,
        created_by=user,
        expires_at=timezone.now() + timedelta(hours=SHARE_HOURS),
    )


def no_store(response: HttpResponse) -> HttpResponse:
    """A preview's answer: never cached, never indexed."""
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
