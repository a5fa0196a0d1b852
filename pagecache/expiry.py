"""When every stored page must go at the latest: the next scheduled publication.

A page listing the newest articles must change the moment a scheduled one goes live,
with no job to run then: no page outlives that moment, here or in a shared cache. The
app that owns articles registers how to find it (`register`) and purges `SCHEDULE_KEY`
whenever a schedule changes; the answer is kept in the cache until then.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.utils import timezone

from . import store

SCHEDULE_KEY = "schedule"
_NEXT = "pagecache:next-change"
_finders: list[Callable[[], datetime | None]] = []


def register(finder: Callable[[], datetime | None]) -> None:
    """`finder()` returns the next time some page's content changes by itself, or None."""
    if finder not in _finders:
        _finders.append(finder)


def seconds_left(lifetime: int) -> int:
    """How long a page stored now may live: `lifetime`, cut at the next scheduled change."""
    upcoming = next_change(lifetime)
    if upcoming is None:
        return lifetime
    return max(0, min(lifetime, int((upcoming - timezone.now()).total_seconds())))


def next_change(lifetime: int) -> datetime | None:
    now = timezone.now()
    version = store.versions([SCHEDULE_KEY])
    kept = store.cache().get(_NEXT)
    if kept is not None and kept["versions"] == version:
        at = kept["at"]
        if at is None or at > now:
            return at
    times = [at for at in (finder() for finder in _finders) if at is not None and at > now]
    at = min(times, default=None)
    ttl = lifetime if at is None else max(1, int((at - now).total_seconds()))
    store.cache().set(_NEXT, {"at": at, "versions": version}, ttl)
    return at
