"""Old WordPress addresses answer 301 to what they became in Newsroom."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.utils import translation
from django.utils.encoding import escape_uri_path

# WordPress's "plain" permalinks: posts by ?p=, pages by ?page_id=.
LEGACY_QUERY_KEYS = ("p", "page_id")


def legacy_query_path(path: str, query: dict) -> str | None:
    """`/?p=123` for a request to `/?utm_source=x&p=123`, or None."""
    for key in LEGACY_QUERY_KEYS:
        value = query.get(key, "")
        if value.isascii() and value.isdigit():
            return f"{path}?{key}={int(value)}"
    return None


def find_target(*paths: str) -> str | None:
    """Where the first of `paths` that is a known old address leads now, if anywhere."""
    from articles.models import Article

    from .models import LegacyAddress

    found = {
        row.path: row
        for row in LegacyAddress.objects.filter(path__in=paths)
        .filter(Q(article__isnull=True) | Q(article__in=Article.objects.published()))
        .select_related("article")
    }
    for path in paths:
        if row := found.get(path):
            if row.article is None:
                return row.target
            with translation.override(settings.LANGUAGE_CODE):
                return row.article.get_absolute_url()
    return None


class LegacyRedirectMiddleware:
    """301 from an imported site's old addresses; drafts and scheduled articles stay 404.

    `/?p=123` is looked up before the view, since the homepage answers 200 whatever its
    query string, and answers 404 when it leads to no visible article (Newsroom's pages
    use no `p` or `page_id` parameter); any other old address only once the site has
    answered 404, so a request for a current page costs nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in {"GET", "HEAD"}:
            return self.get_response(request)
        path = escape_uri_path(request.path)
        old = legacy_query_path(path, request.GET) if request.GET else None
        if old:
            if target := find_target(old):
                return HttpResponsePermanentRedirect(target)
            # WordPress answered 404 for a post it did not show (deleted, draft, private):
            # so does Newsroom, rather than its homepage, which search engines would take
            # for the post's new address.
            raise Http404("No published article has this old WordPress address.")
        response = self.get_response(request)
        if response.status_code == 404:
            # With or without the trailing slash, whichever the old site used.
            other = path.rstrip("/") if path.endswith("/") else f"{path}/"
            candidates = [path, other] if other else [path]
            if target := find_target(*candidates):
                return HttpResponsePermanentRedirect(target)
        return response
