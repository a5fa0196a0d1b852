"""Whole-page cache for anonymous readers, served before sessions, auth and CSRF run.

- Reader views opt in with `@public_page`; only GET/HEAD 200 responses to requests with
  no session or messages cookie are stored, never a response that sets a cookie.
- Never stale: every write that can change a reader page bumps one generation number
  (`content_changed()`, after the transaction commits); entries of an older generation
  are misses. A request reads the generation once (the middleware keeps it for the rest
  of the request) unless it writes, which drops the kept value. An entry also never
  outlives the next scheduled publication, so a scheduled article appears on time on
  pages cached before it.
- Per-reader parts of a page (the comment form's CSRF and submission tokens) are
  `fragment()`s: the cached copy keeps a marker and each response renders them afresh.
- ETag and Last-Modified on pages without per-reader parts, answered with 304.
- Each process keeps the pages it served lately (`_recent`, ~16 MB): serving one of them
  again reads only the generation from the shared cache, not the page.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from contextvars import ContextVar
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone, translation
from django.utils.http import http_date, parse_http_date_safe, quote_etag

GENERATION_KEY = "pagecache:generation"
NEXT_PUBLICATION_KEY = "pagecache:next-publication:%s"
_FRAGMENT = re.compile(r"<!--nr-fragment:(\{.*?\})-->(.*?)<!--/nr-fragment-->", re.DOTALL)
_MARKER = re.compile(r"<!--nr-fragment:(\{.*?\})-->")
_PERSONAL_COOKIES = {settings.SESSION_COOKIE_NAME, "messages"}
_SKIPPED_HEADERS = {"set-cookie", "content-length"}

FRAGMENT_RENDERERS: dict[str, Callable[..., str]] = {}

# The generation as this request read it: {} until read, None outside a request (there,
# every read goes to the cache). Set and reset by PageCacheMiddleware.
_request_generation: ContextVar[dict | None] = ContextVar("pagecache_generation", default=None)


def _cache():
    return caches[settings.NEWSROOM.get("PAGE_CACHE_ALIAS", "default")]


def page_cache_seconds() -> int:
    return int(settings.NEWSROOM.get("PAGE_CACHE_SECONDS", 300))


def public_page(view):
    """Mark a reader view's successful responses as the same for every anonymous reader."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.page_cacheable = True
        return response

    return wrapped


def register_fragment(name: str, renderer: Callable[..., str]) -> None:
    FRAGMENT_RENDERERS[name] = renderer


def fragment(name: str, html: str, **params) -> str:
    """Wrap a per-reader piece of HTML so that cached copies re-render it per request."""
    marker = json.dumps({"name": name, **params}, separators=(",", ":"), sort_keys=True)
    return f"<!--nr-fragment:{marker}-->{html}<!--/nr-fragment-->"


def content_changed() -> None:
    """Something readers see has changed: drop every cached page once the write commits."""
    forget_memos()  # this process at once; the others when the generation moves
    _forget_request_generation()
    transaction.on_commit(_bump_generation)


_MEMOS: list[dict] = []


def per_generation(function: Callable[[], object]) -> Callable[[], object]:
    """Keep `function()`'s result in this process until readers' content next changes.

    For small, rarely edited data that every page prints (the section navigation, the
    comment moderation policy): one cache read per request instead of a query, never
    stale, since any change to them bumps the generation (`connect_invalidation`). Off
    with a dummy cache, which keeps no generation.
    """
    memo: dict = {}
    _MEMOS.append(memo)

    @wraps(function)
    def wrapped():
        if not _has_generations():
            return function()
        generation = current_generation()
        # One (generation, value) entry, read and written in single dict operations:
        # another thread may forget it at any moment (threaded servers).
        entry = memo.get("entry")
        if entry is None or entry[0] != generation:
            entry = (generation, function())
            memo["entry"] = entry
        return entry[1]

    return wrapped


def forget_memos() -> None:
    for memo in _MEMOS:
        memo.pop("entry", None)
    _recent.clear()


def current_generation() -> int:
    kept = _request_generation.get()
    if kept is not None and "generation" in kept:
        return kept["generation"]
    generation = _cache().get(GENERATION_KEY)
    if generation is None:
        _cache().add(GENERATION_KEY, 1, None)
        generation = _cache().get(GENERATION_KEY, 1)
    if kept is not None:
        kept["generation"] = generation
    return generation


def _forget_request_generation() -> None:
    kept = _request_generation.get()
    if kept is not None:
        kept.pop("generation", None)


def _has_generations() -> bool:
    from django.core.cache.backends.dummy import DummyCache

    return not isinstance(_cache(), DummyCache)


def _bump_generation() -> None:
    _forget_request_generation()  # the commit may come later in the same request
    cache = _cache()
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, None)


def _generation_and_entry(key: str) -> tuple[int, dict | None]:
    """The current generation and the valid entry at `key`, if any.

    A page this process served lately is kept here too (`_recent`): then only the small
    generation number is read from the shared cache, not the page again (a popular
    article's 100 KB at every request); the copy is served only if it is of the current
    generation and not expired, exactly as the shared one would be.
    """
    recent = _recent.get(key)
    if recent is not None:
        generation = current_generation()
        if _valid(recent, generation):
            return generation, recent
        _recent.drop(key)
    found = _cache().get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        _cache().add(GENERATION_KEY, 1, None)
        generation = 1
    else:
        kept = _request_generation.get()
        if kept is not None:
            kept["generation"] = generation  # the memos of this request need not read it again
    entry = found.get(key)
    if entry is not None and not _valid(entry, generation):
        entry = None
    if entry is not None:
        _recent.put(key, entry)
    return generation, entry


def _valid(entry: dict, generation: int) -> bool:
    # The expiry is checked here too, not only by the cache's: a page listing the next
    # scheduled article must go at that moment, by the site's clock.
    return entry["generation"] == generation and entry["expires"] > timezone.now().timestamp()


class _RecentEntries:
    """The pages this process served lately, least recently served dropped first once
    their text passes `limit` characters. Thread-safe (threaded servers)."""

    def __init__(self, limit: int):
        self.limit = limit
        self.size = 0
        self.entries: OrderedDict[str, tuple[dict, int]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> dict | None:
        with self.lock:
            found = self.entries.get(key)
            if found is None:
                return None
            self.entries.move_to_end(key)
            return found[0]

    def put(self, key: str, entry: dict) -> None:
        size = sum(len(part) for part in entry["parts"])
        with self.lock:
            self._drop(key)
            self.entries[key] = (entry, size)
            self.size += size
            while self.size > self.limit and self.entries:
                self._drop(next(iter(self.entries)))

    def drop(self, key: str) -> None:
        with self.lock:
            self._drop(key)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.size = 0

    def _drop(self, key: str) -> None:
        found = self.entries.pop(key, None)
        if found is not None:
            self.size -= found[1]


# About 16 MB of text a process: the homepage, lists and the articles being read now.
_recent = _RecentEntries(limit=16_000_000)


def _next_publication(generation: int) -> datetime | None:
    """When the next scheduled article goes live (cached until then, per generation)."""
    from .models import Article

    key = NEXT_PUBLICATION_KEY % generation
    found = _cache().get(key, "missing")
    now = timezone.now()
    if found != "missing" and (found is None or found > now):
        return found
    upcoming = (
        Article.objects.scheduled()
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    ttl = (
        page_cache_seconds() if upcoming is None else max(1, int((upcoming - now).total_seconds()))
    )
    _cache().set(key, upcoming, ttl)
    return upcoming


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Every request, cached or not: the memos (per_generation) read the generation once.
        token = _request_generation.set({})
        try:
            return self._respond(request)
        finally:
            _request_generation.reset(token)

    def _respond(self, request: HttpRequest) -> HttpResponse:
        if not self._cacheable_request(request):
            return self.get_response(request)
        key = (
            "pagecache:page:"
            + hashlib.sha256(f"{request.get_host()}|{request.get_full_path()}".encode()).hexdigest()
        )
        generation, entry = _generation_and_entry(key)
        if entry is not None:
            return self._serve(request, entry)
        response = self.get_response(request)
        if self._cacheable_response(response):
            entry = self._store(key, generation, response)
            if entry is None:
                return response
            response["Cache-Control"] = _cache_control(entry)
            if not entry["personal"]:
                response["ETag"] = entry["etag"]
                response["Last-Modified"] = entry["last_modified"]
            response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def _cacheable_request(request: HttpRequest) -> bool:
        return (
            page_cache_seconds() > 0
            and request.method in {"GET", "HEAD"}
            and not _PERSONAL_COOKIES.intersection(request.COOKIES)
        )

    @staticmethod
    def _cacheable_response(response: HttpResponse) -> bool:
        # The CSRF cookie is the one cookie allowed: its token lives only inside fragments,
        # which the stored copy does not keep.
        return (
            getattr(response, "page_cacheable", False)
            and response.status_code == 200
            and not response.streaming
            and set(response.cookies) <= {settings.CSRF_COOKIE_NAME}
        )

    def _store(self, key: str, generation: int, response: HttpResponse) -> dict | None:
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        body = response.content.decode(response.charset)
        template = _FRAGMENT.sub(lambda m: f"<!--nr-fragment:{m.group(1)}-->", body)
        if "csrfmiddlewaretoken" in template:
            # A form outside a fragment: its token belongs to one reader, never to a cache.
            return None
        ttl = page_cache_seconds()
        upcoming = _next_publication(generation)
        if upcoming is not None:
            ttl = min(ttl, int((upcoming - timezone.now()).total_seconds()))
        now = timezone.now()
        entry = {
            "generation": generation,
            # Text and fragment markers alternate: serving joins them, no search at hit time.
            "parts": _MARKER.split(template),
            "headers": [(k, v) for k, v in response.items() if k.lower() not in _SKIPPED_HEADERS],
            "charset": response.charset,
            "personal": "<!--nr-fragment:" in template,
            "etag": quote_etag(hashlib.md5(template.encode(), usedforsecurity=False).hexdigest()),
            "last_modified": http_date(now.timestamp()),
            "expires": now.timestamp() + ttl,
        }
        if ttl > 0:
            _cache().set(key, entry, ttl)
            _recent.put(key, entry)
        return entry

    def _serve(self, request: HttpRequest, entry: dict) -> HttpResponse:
        conditional = not entry["personal"]
        if conditional and self._not_modified(request, entry):
            response = HttpResponseNotModified()
            response["ETag"] = entry["etag"]
            response["Last-Modified"] = entry["last_modified"]
            return response
        parts = entry["parts"]
        if entry["personal"]:
            self.csrf.process_request(request)  # reuse the reader's CSRF cookie if any
            language = translation.get_language_from_path(request.path_info)
            with translation.override(language or settings.LANGUAGE_CODE):
                parts = [
                    _render_fragment(request, part) if index % 2 else part
                    for index, part in enumerate(parts)
                ]
        body = "".join(parts)
        response = HttpResponse(body, charset=entry["charset"])
        for header, value in entry["headers"]:
            response[header] = value
        response["Cache-Control"] = _cache_control(entry)
        if conditional:
            response["ETag"] = entry["etag"]
            response["Last-Modified"] = entry["last_modified"]
        else:
            self.csrf.process_response(request, response)  # sets the cookie a token needs
        response["X-Page-Cache"] = "hit"
        return response

    @staticmethod
    def _not_modified(request: HttpRequest, entry: dict) -> bool:
        if_none_match = request.headers.get("If-None-Match")
        if if_none_match:
            return entry["etag"] in [
                tag.strip().removeprefix("W/") for tag in if_none_match.split(",")
            ]
        if_modified_since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
        last_modified = parse_http_date_safe(entry["last_modified"])
        return bool(if_modified_since and last_modified and last_modified <= if_modified_since)


def _cache_control(entry: dict) -> str:
    # Browsers and shared caches may keep a copy but must ask again every time (a publish
    # shows at once); a page with per-reader parts is for that reader only.
    return "private, no-cache" if entry["personal"] else "public, no-cache"


def _render_fragment(request: HttpRequest, marker: str) -> str:
    params = json.loads(marker)
    renderer = FRAGMENT_RENDERERS[params.pop("name")]
    return fragment(json.loads(marker)["name"], renderer(request, **params), **params)


def connect_invalidation() -> None:
    """Bump the generation on every write that readers can see, wherever it comes from.

    Receivers rather than calls in services: admin saves, bulk actions, imports, the shell
    and deletes all go through them, and one missed path would mean a stale page.
    """
    from django.apps import apps
    from django.db.models.signals import m2m_changed, post_delete, post_save

    def changed(sender, instance=None, **kwargs):
        if sender._meta.label == "articles.Article" and not _article_is_public(instance):
            return
        content_changed()

    labels = [
        "articles.Article",
        "articles.Section",
        "articles.Author",
        "articles.Tag",
        "articles.ArticleAuthor",
        "articles.TaggedArticle",
        "articles.Correction",
        "articles.HomepagePin",
        "articles.PinnedRelated",
        "comments.Comment",
        "comments.ModerationPolicy",  # opens and closes comment forms on every article
    ]
    for label in labels:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"pagecache-save-{label}")
        post_delete.connect(
            changed, sender=model, weak=False, dispatch_uid=f"pagecache-delete-{label}"
        )
    tags = apps.get_model("articles.TaggedArticle")
    m2m_changed.connect(changed, sender=tags, weak=False, dispatch_uid="pagecache-tags")


def _article_is_public(article) -> bool:
    """Published now, scheduled, or published until this save: drafts touch no public page."""
    published = "published"
    return article is None or published in {
        article.status,
        getattr(article, "_loaded_status", None),
    }
