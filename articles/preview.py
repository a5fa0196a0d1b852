"""Previews of unpublished articles: for staff in the admin, and signed links for reviewers."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from .models import Article

SHARE_HOURS = settings.NEWSROOM.get("PREVIEW_LINK_HOURS", 48)
_SALT = "articles.preview"


def share_url(article: Article) -> str:
    """A link anyone can open for SHARE_HOURS hours; it shows the article as it is then."""
    token = signing.TimestampSigner(salt=_SALT).sign(str(article.pk))
    return reverse("articles:shared_preview", kwargs={"token": token})


def article_for_token(token: str) -> int:
    """The article id a share token names; raises signing.SignatureExpired/BadSignature."""
    value = signing.TimestampSigner(salt=_SALT).unsign(token, max_age=SHARE_HOURS * 3600)
    return int(value)


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
