"""What a response shows, as surrogate keys, and whether it may be shared at all."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from django.http import HttpRequest, HttpResponse

_KEYS = "_pagecache_keys"
_LIFETIME = "_pagecache_lifetime"


def add_keys(request: HttpRequest, *keys: str | Iterable[str]) -> None:
    """Name what this response shows: each key a scope whose purge must drop the page."""
    found: set[str] = request.__dict__.setdefault(_KEYS, set())
    for key in keys:
        if isinstance(key, str):
            found.add(key)
        else:
            found.update(key)


def keys_of(request: HttpRequest) -> set[str]:
    return set(request.__dict__.get(_KEYS, ()))


def keep_until_purged(request: HttpRequest, seconds: int) -> None:
    """This page changes only when one of its keys is purged (an old article's page): it
    may live `seconds`, past the next scheduled publication, instead of the usual
    lifetime. What it shows without a key of its own (other articles' comment counts, a
    newly published article joining its suggestions) may lag that long."""
    request.__dict__[_LIFETIME] = seconds


def lifetime_of(request: HttpRequest) -> int | None:
    """The lifetime a view chose for its page (`keep_until_purged`), or None."""
    return request.__dict__.get(_LIFETIME)


def public_page(view: Callable[..., HttpResponse], *keys: str) -> Callable[..., HttpResponse]:
    """Mark a reader view's responses as the same for every anonymous reader; `keys` are
    scopes every response of the view shows (the view may add others: `add_keys`)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        add_keys(request, *keys)
        response = view(request, *args, **kwargs)
        response.page_cacheable = True  # type: ignore[attr-defined]
        return response

    return wrapped
