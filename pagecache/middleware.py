"""Serve anonymous readers' pages from the page cache; label every public page for the
shared caches in front.

Placed before sessions, auth and CSRF: a hit runs no view, no query. A request that
carries a session or messages cookie is a person's own (an editor, a reader just told
their comment waits): it is neither served from nor stored in the cache, and its answer
is marked private.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.template.response import SimpleTemplateResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe, quote_etag

from . import expiry, store
from .conf import page_cache_seconds
from .keys import keys_of, lifetime_of

# Every stored page carries this key too: purging it empties every cache at once.
SITE_KEY = "site"
_PERSONAL_COOKIES = {settings.SESSION_COOKIE_NAME, "messages"}
_SKIPPED_HEADERS = {"set-cookie", "content-length", "vary"}


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if page_cache_seconds() <= 0 or request.method not in {"GET", "HEAD"}:
            return self.get_response(request)
        if _PERSONAL_COOKIES.intersection(request.COOKIES):
            response = self.get_response(request)
            if getattr(response, "page_cacheable", False):
                response["Cache-Control"] = "private, no-cache"
            return response
        page_key = hashlib.sha256(
            f"{request.get_host()}|{request.get_full_path()}".encode()
        ).hexdigest()
        entry = store.load(page_key)
        if entry is not None:
            return _serve(request, entry)
        counter = store.purge_counter()
        response = self.get_response(request)
        if _shareable(response):
            _label(request, response, page_key, counter)
        return response


def _shareable(response: HttpResponse) -> bool:
    return (
        getattr(response, "page_cacheable", False)
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
    )


def _label(request: HttpRequest, response: HttpResponse, page_key: str, counter: int) -> None:
    """Store the page and say how shared caches may keep it, unless a purge ran meanwhile."""
    if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
        response.render()
    keys = sorted(keys_of(request) | {SITE_KEY})
    kept = lifetime_of(request)
    ttl = kept if kept is not None else expiry.seconds_left(page_cache_seconds())
    # The same page for every reader whatever their browser sends: the language is in
    # the address, and personal requests never reach this point.
    del response["Vary"]
    patch_vary_headers(response, ["Accept-Encoding"])
    if ttl <= 0 or store.purge_counter() != counter:
        # Rendered from data a purge has since replaced, or about to change: this reader
        # only.
        response["Cache-Control"] = "no-cache"
        return
    response["ETag"] = quote_etag(hashlib.md5(response.content, usedforsecurity=False).hexdigest())
    response["Last-Modified"] = http_date(timezone.now().timestamp())
    response["Cache-Control"] = f"public, max-age=0, s-maxage={ttl}"
    response["xkey"] = " ".join(keys)
    response["Surrogate-Key"] = " ".join(keys)
    response["Cache-Tag"] = ",".join(keys)
    response["X-Page-Cache"] = "miss"
    entry = {
        "versions": store.versions(keys),
        "content": response.content,
        "status": response.status_code,
        "headers": [(k, v) for k, v in response.items() if k.lower() not in _SKIPPED_HEADERS],
        "expires": timezone.now().timestamp() + ttl,
    }
    store.save(page_key, entry, ttl)


def _serve(request: HttpRequest, entry: dict) -> HttpResponse:
    headers = dict(entry["headers"])
    if _not_modified(request, headers):
        response: HttpResponse = HttpResponseNotModified()
        for name in ("ETag", "Last-Modified", "Cache-Control", "xkey"):
            if name in headers:
                response[name] = headers[name]
    else:
        response = HttpResponse(entry["content"], status=entry["status"])
        for name, value in entry["headers"]:
            response[name] = value
        patch_vary_headers(response, ["Accept-Encoding"])
    # The shared cache may keep it only as long as this copy has left.
    left = max(0, int(entry["expires"] - timezone.now().timestamp()))
    response["Cache-Control"] = f"public, max-age=0, s-maxage={left}"
    response["X-Page-Cache"] = "hit"
    return response


def _not_modified(request: HttpRequest, headers: dict[str, str]) -> bool:
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match:
        tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
        return headers.get("ETag") in tags or "*" in tags
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    modified = parse_http_date_safe(headers.get("Last-Modified", ""))
    return bool(since and modified and modified <= since)
