"""Purge versions and stored pages in Django's cache (Redis in production).

Every purge takes the next number of one counter and writes it as the version of each
key it purges. A stored page keeps the versions its keys had when it was stored; a hit
compares them with the current ones (one `get_many`), so a purge drops the page on every
app server at once, and nothing else is ever dropped.

A page rendered while a purge ran may show the data from before it: the counter is read
before rendering and again before storing, and a page whose render saw the counter move
is neither stored here nor offered to a shared cache (`Cache-Control: no-cache`). A
version lost to the cache's eviction only ever turns a hit into a miss.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.cache import BaseCache, caches
from django.utils import timezone

from .conf import setting

COUNTER = "pagecache:purges"
VERSION = "pagecache:version:%s"
PAGE = "pagecache:page:%s"


def cache() -> BaseCache:
    return caches[setting("PAGE_CACHE_ALIAS", "default")]


def purge_counter() -> int:
    return cache().get(COUNTER) or 0


def bump(keys: Iterable[str]) -> int:
    """Give `keys` a new version: every page stored with the old one is gone."""
    keys = sorted(set(keys))
    if not keys:
        return purge_counter()
    store = cache()
    store.add(COUNTER, 0, None)
    try:
        number = store.incr(COUNTER)
    except ValueError:  # evicted between the two calls
        store.set(COUNTER, 1, None)
        number = 1
    store.set_many({VERSION % key: number for key in keys}, None)
    return number


def versions(keys: Iterable[str]) -> dict[str, int]:
    keys = sorted(set(keys))
    found = cache().get_many([VERSION % key for key in keys])
    return {key: found.get(VERSION % key, 0) for key in keys}


def load(page_key: str) -> dict | None:
    """The stored page at `page_key` if no key it shows was purged since it was stored."""
    entry = cache().get(PAGE % page_key)
    if entry is None:
        return None
    # By the site's clock too, not only the cache's: a page never outlives the next
    # scheduled publication, even by the cache's rounding.
    if entry["expires"] <= timezone.now().timestamp():
        return None
    if versions(entry["versions"]) != entry["versions"]:
        return None
    return entry


def save(page_key: str, entry: dict, ttl: int) -> None:
    cache().set(PAGE % page_key, entry, ttl)
