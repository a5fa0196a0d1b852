"""Values that live as long as the pages showing them: kept in the shared cache (Redis in
production) until one of their keys is purged or the next scheduled change comes.

For the few reads every page repeats and that change only when a purge says so (the
section navigation): a miss then renders without that query, and no process keeps a
copy that another process's write could leave stale. Purges and scheduled changes reach
these values exactly as they reach stored pages (store.py, expiry.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from django.utils import timezone

from . import expiry, store
from .conf import page_cache_seconds

T = TypeVar("T")
VALUE = "pagecache:value:%s"
# With the page cache off (development, tests of a single request's queries) values
# still follow purges; they live this long at most.
LIFETIME_WITHOUT_PAGE_CACHE = 300


def remember(name: str, keys: Iterable[str], compute: Callable[[], T]) -> T:
    """`compute()`, or the value it gave last if none of `keys` was purged since and no
    scheduled change has come. The versions are read before computing: a purge that runs
    while computing leaves the stored value outdated, so the next read computes again."""
    keys = sorted({*keys, expiry.SCHEDULE_KEY})
    versions = store.versions(keys)
    entry = store.cache().get(VALUE % name)
    now = timezone.now().timestamp()
    if entry is not None and entry["versions"] == versions and entry["expires"] > now:
        return entry["value"]
    value = compute()
    ttl = expiry.seconds_left(page_cache_seconds() or LIFETIME_WITHOUT_PAGE_CACHE)
    if ttl > 0:
        store.cache().set(
            VALUE % name, {"value": value, "versions": versions, "expires": now + ttl}, ttl
        )
    return value
